"""What every output file is made of, so a rebuild writes only the files that change.

Each file a build writes gets a key: a digest of everything it is rendered
from (the theme, catalog.yaml, the generator's own code, the build day, the
page's template and the digests of the items and facets it shows). The keys
are recorded in the output (``.catalogue-files.json``); the next build renders
and writes only the files whose key differs, removes the files no longer made,
and keeps the rest as they are. Keys are content digests, never timestamps, so
a cached build is byte-for-byte the build made without the cache (a test
checks this).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from ..site.views import ItemView
from ..source.config import CATALOG_FILE
from ..source.items import Item
from .sources import generator_digest, tree_digest

MANIFEST_FILE = ".catalogue-files.json"  # in the output: each file's key
MANIFEST_FORMAT = 1


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def build_digest(root: Path, theme: Path, today: dt.date, mode: str) -> str:
    """What every file of a build depends on: theme, catalog.yaml, generator code, day, mode.

    When it changes, nothing of the previous build is reused.
    """
    theme_files = [p for p in theme.rglob("*") if p.is_file()]
    parts = [
        tree_digest(theme_files, theme),
        tree_digest([root / CATALOG_FILE], root),
        generator_digest(),
        today.isoformat(),
        mode,
    ]
    return _sha("|".join(parts))


class PageKeys:
    """Keys for the files of one output; digests of shared values are computed once.

    A value's digest is memoised by identity for the length of one build, which is
    why the memo keeps a reference to every value it has seen.
    """

    def __init__(self, files: OutputFiles, variant: str) -> None:
        self.files = files
        self.build = files.manifest.build
        self.variant = variant
        self._memo: dict[int, tuple[object, str]] = {}
        # What else a view's page shows: where its body's links lead (pages.ItemPages).
        self.view_links: Callable[[ItemView], str] = lambda view: ""

    def key(self, url: str, template: str, context: Mapping[str, object]) -> str:
        parts = [self.build, self.variant, url, template]
        parts += [f"{name}={self.digest(value)}" for name, value in sorted(context.items())]
        return _sha("|".join(parts))

    def digest(self, value: object) -> str:
        if isinstance(value, str | int | float | bool | dt.date | type(None)):
            return repr(value)  # short, and hashed with the rest of the key
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        digest = _sha(self._describe(value))
        self._memo[id(value)] = (value, digest)
        return digest

    def _describe(self, value: object) -> str:
        if isinstance(value, ItemView):
            return self._describe_view(value)
        if isinstance(value, Item):
            return value.page_digest()
        summary = getattr(value, "cache_summary", None)  # objects that say what pages show
        if callable(summary):
            return self.digest(summary())
        if isinstance(value, Mapping):
            return "{" + ",".join(f"{k!r}:{self.digest(v)}" for k, v in value.items()) + "}"
        if isinstance(value, Sequence | AbstractSet):  # lists, or views made when read
            ordered = sorted(value, key=repr) if isinstance(value, AbstractSet) else value
            return "[" + ",".join(self.digest(v) for v in ordered) + "]"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = (f.name for f in dataclasses.fields(value))
            described = ",".join(f"{n}={self.digest(getattr(value, n))}" for n in fields)
            return f"{type(value).__name__}({described})"
        raise TypeError(f"no page key for {type(value).__name__}")

    def _describe_view(self, view: ItemView) -> str:
        """A view is made from its item, catalog.yaml and the day (in the build digest),
        plus what it says about other items and where its body's links lead."""
        links = (view.superseded_by, view.replaces, view.draft)
        return "|".join([view.item.page_digest(), self.view_links(view), repr(links)])


@dataclass
class Manifest:
    """The files an output holds and the key each was made from."""

    build: str
    files: dict[str, str] = field(default_factory=dict)  # path in the output → key

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        try:
            data = json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            return None
        return cls(str(data.get("build", "")), dict(data.get("files", {})))

    def save(self, out: Path) -> None:
        data = {"format": MANIFEST_FORMAT, "build": self.build, "files": self.files}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0)
        (out / MANIFEST_FILE).write_text(text, encoding="utf-8")


class OutputFiles:
    """The files one build makes and their keys: which must be written, which are gone.

    With no usable previous manifest (a cold build, or a change to the theme,
    catalog.yaml, the generator or the build day) every file must be written.
    """

    def __init__(self, build: str, previous: Manifest | None) -> None:
        self.manifest = Manifest(build)
        self.previous = previous.files if previous is not None and previous.build == build else {}
        self.reusing = bool(self.previous)
        self.writes = 0  # files found to need writing so far

    def needs(self, path: str, key: str) -> bool:
        """Record ``path``'s key; True when it must be (re)written, as the caller then does.

        The output holds the key this build recorded last (an update writes an
        edit's pages in a step ahead of the rest), else the previous build's.
        """
        held = self.manifest.files.get(path, self.previous.get(path))
        self.manifest.files[path] = key
        if held == key:
            return False
        self.writes += 1
        return True

    def needs_any(self, paths: list[str], key: str) -> bool:
        """Record one key for files made together; True when they must be (re)written."""
        return any([self.needs(path, key) for path in paths])

    def gone(self) -> list[str]:
        """Files of the previous build this build no longer makes."""
        return sorted(set(self.previous) - set(self.manifest.files))

    def changed(self) -> list[str]:
        return sorted(p for p, k in self.manifest.files.items() if self.previous.get(p) != k)
