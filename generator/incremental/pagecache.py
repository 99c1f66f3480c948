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
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from ..output.files import OutputFiles
from ..site.pages import Facet
from ..site.views import ItemView, Site
from ..source.config import CATALOG_FILE
from ..source.items import Item
from ..source.trust import trust_context
from .sources import generator_digest, tree_digest


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def build_digest(root: Path, theme: Path, today: dt.date, mode: str) -> str:
    """What every file of a build depends on: theme, catalog.yaml, generator code, day,
    mode, and in a pull request the base branch's trusted keys (the register shows
    whether each signature verifies).

    When it changes, nothing of the previous build is reused.
    """
    theme_files = [p for p in theme.rglob("*") if p.is_file()]
    parts = [
        tree_digest(theme_files, theme),
        tree_digest([root / CATALOG_FILE], root),
        trust_context(root),
        generator_digest(),
        today.isoformat(),
        mode,
    ]
    return _sha("|".join(parts))


def _site_summary(site: Site) -> tuple[object, ...]:
    """What pages show of a site as a whole: the same for a site of a few of the items
    (an edit's, written first) as for the whole one. Not how many items it shows: no
    page reads that (the home page's counts come in its own context), and with it every
    page of the site was written again for each item published."""
    return (site.variant.name,)


def _facet_summary(facet: Facet) -> tuple[object, ...]:
    """What pages show of a facet besides its own listing: its name and size."""
    return (facet.kind, facet.key, facet.name, len(facet.items))


# What a page shows of values that hold more than it shows (a facet holds its items);
# tests/test_page_dependencies.py checks that templates read no more than these say.
SUMMARIES: dict[type, Callable[[Any], tuple[object, ...]]] = {
    Site: _site_summary,
    Facet: _facet_summary,
}


class PageKeys:
    """Keys for the files of one output; digests of shared values are computed once.

    A value's digest is memoised by identity for the length of one build, which is
    why the memo keeps a reference to every value it has seen.
    """

    def __init__(
        self, files: OutputFiles, variant: str, view_links: Callable[[ItemView], str]
    ) -> None:
        """``view_links`` tells what else a view's page shows: where its body's links
        lead (pages.ItemPages)."""
        self.files = files
        self.build = files.manifest.build
        self.variant = variant
        self.view_links = view_links
        self._memo: dict[int, tuple[object, str]] = {}

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
        summarise = SUMMARIES.get(type(value))
        if summarise is not None:
            return self.digest(summarise(value))
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
