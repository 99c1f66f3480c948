"""What a page reads is covered by its cache key: recorded, not declared.

An incremental build keeps a page whose key (``pagecache.PageKeys.key``) is
unchanged, and the key digests only what each value says it shows
(``pagecache.SUMMARIES``, an item's page digest…). A template that starts reading
something else would serve stale pages without any test noticing. So these
tests render every page of every output again with its context wrapped in
recording proxies, which log each attribute, item and length a template reads
(reads made inside properties and methods too: they run with the proxy as
``self``), and check each read by perturbation: the value read is changed, on
copies of the objects that hold it, and the page's key must change with it.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import datetime as dt
import enum
import functools
import inspect
import re
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import BUILD_DAY, copy_sample

from generator.build import make_site
from generator.catalogue import load_catalogue
from generator.cli import main
from generator.incremental.pagecache import PageKeys, build_digest
from generator.output.files import OutputFiles
from generator.site import views
from generator.site.pages import BodyCache, SitePages, write_reports
from generator.site.render import WHOLE, Page, Renderer, Share, theme_dir
from generator.site.searchtext import searchable_text
from generator.site.select import VARIANTS
from generator.site.views import ItemView
from generator.source.items import Item

# --- Recording -------------------------------------------------------------------------

Step = tuple[str, object]  # ("attr", name) or ("item", index or key)
LEAVES = (str, bytes, int, float, type(None), dt.date, PurePath, enum.Enum)


SUFFIXES = {"value": "", "len": "|length", "keys": ".keys()", "present": " (set)"}


@dataclasses.dataclass(frozen=True)
class Read:
    """One read: a path from a context value, and what was read there: the value
    (a leaf), a sequence's length, a mapping's keys, or that an object is there."""

    root: str
    steps: tuple[Step, ...]
    what: str = "value"  # "value" | "len" | "keys" | "present"

    def __str__(self) -> str:
        path = self.root + "".join(
            f".{arg}" if kind == "attr" else f"[{arg!r}]" for kind, arg in self.steps
        )
        return path + SUFFIXES[self.what]


class Unsupported(Exception):
    """A template did something with a recorded value the proxies cannot follow."""


def record(value: object, root: str, steps: tuple[Step, ...], log: set[Read]) -> Any:
    """``value`` as the template should see it: leaves as they are (their read logged),
    containers and objects wrapped so that what is read of them is logged."""
    if isinstance(value, LEAVES):
        if steps:  # a context value itself is digested into the key as a whole
            log.add(Read(root, steps))
        return value
    if isinstance(value, Mapping):
        return RecordedMapping(value, root, steps, log)
    if isinstance(value, Sequence):
        return RecordedSequence(value, root, steps, log)
    return RecordedObject(value, root, steps, log)


def unwrap(value: object) -> object:
    return value._target if isinstance(value, Recorded) else value


_MISSING = object()


class Recorded:
    __slots__ = ("_log", "_root", "_steps", "_target")

    def __init__(self, target: object, root: str, steps: tuple[Step, ...], log: set[Read]):
        self._target, self._root, self._steps, self._log = target, root, steps, log

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance() and dataclass __eq__ see the target's class
        return type(self._target)

    def _child(self, step: Step, value: object) -> Any:
        return record(value, self._root, (*self._steps, step), self._log)

    def _note(self, what: str) -> None:
        self._log.add(Read(self._root, self._steps, what))

    def _path(self) -> str:
        return str(Read(self._root, self._steps))

    def __eq__(self, other: object) -> bool:
        if self._target is unwrap(other):
            return True  # equal whatever they hold: nothing is read
        return self._equal(other)

    def _equal(self, other: object) -> bool:
        raise Unsupported(f"a template compares {self._path()}")

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]

    def __lt__(self, other: object) -> bool:
        raise Unsupported(f"a template orders {self._path()}")

    __le__ = __gt__ = __ge__ = __lt__

    def __str__(self) -> str:
        raise Unsupported(f"a template prints {self._path()}")

    def __repr__(self) -> str:
        raise Unsupported(f"a template prints {self._path()}")


class RecordedObject(Recorded):
    """An object: fields read are logged; properties and methods run with this proxy as
    ``self``, so what they read is logged in their place."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        target = self._target
        static = inspect.getattr_static(type(target), name, _MISSING)
        if isinstance(static, property) and static.fget is not None:
            return static.fget(self)
        state = getattr(target, "__dict__", {})
        if name in state:
            return self._child(("attr", name), state[name])
        if isinstance(static, types.MemberDescriptorType):  # a field of a slotted class
            return self._child(("attr", name), getattr(target, name))
        if isinstance(static, functools.cached_property):
            return static.func(self)
        if isinstance(static, types.FunctionType):
            return types.MethodType(static, self)
        if static is not _MISSING:  # a constant, static or class method: generator code
            return getattr(target, name)
        return self._child(("attr", name), getattr(target, name))  # e.g. lazily unpickled

    def _equal(self, other: object) -> bool:
        equal = type(self._target).__eq__
        if equal is object.__eq__:
            return False  # identity, and they are not the same object
        return equal(self, other)

    def __bool__(self) -> bool:
        if hasattr(type(self._target), "__bool__") or hasattr(type(self._target), "__len__"):
            raise Unsupported(f"a template tests {self._path()}")
        self._note("present")
        return True

    def __str__(self) -> str:
        cls = type(self._target)
        if cls.__str__ is not object.__str__:
            return cls.__str__(self)
        if cls.__repr__ is not object.__repr__:  # dataclasses
            return cls.__repr__(self)
        return super().__str__()

    def __repr__(self) -> str:
        cls = type(self._target)
        return cls.__repr__(self) if cls.__repr__ is not object.__repr__ else super().__repr__()


class RecordedSequence(Recorded, Sequence):
    __slots__ = ()

    def __len__(self) -> int:
        self._note("len")
        return len(self._target)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not isinstance(index, int):
            raise TypeError(index)  # Jinja then looks for an attribute
        length = len(self._target)
        if index < 0:
            self._note("len")
            index += length
        return self._child(("item", index), self._target[index])

    def __iter__(self) -> Iterator[Any]:
        self._note("len")
        target = self._target
        return (self._child(("item", i), target[i]) for i in range(len(target)))

    def __contains__(self, value: object) -> bool:
        return any(v == value for v in self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __getattr__(self, name: str) -> Any:
        fields = getattr(type(self._target), "_fields", ())
        if name in fields:  # a named tuple
            return self._child(("attr", name), getattr(self._target, name))
        raise AttributeError(name)

    def _equal(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return False
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))


class RecordedMapping(Recorded, Mapping):
    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        if key not in self._target:
            self._note("keys")
            raise KeyError(key)
        return self._child(("item", key), self._target[key])

    def __iter__(self) -> Iterator[Any]:
        self._note("keys")
        return iter(list(self._target))

    def __len__(self) -> int:
        self._note("keys")
        return len(self._target)

    def __contains__(self, key: object) -> bool:
        self._note("keys")
        return key in self._target

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)  # Jinja then looks up the key


# --- Coverage ----------------------------------------------------------------------------


def item_view_fields() -> frozenset[str]:
    """The fields ``views.item_view`` sets: made from the item, catalog.yaml and the day
    alone, so the item's page digest and the build digest cover them. Fields filled in
    per output (links to other items, draft, body) are not among them."""
    tree = ast.parse(inspect.getsource(views.item_view))
    call = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ItemView"
    )
    return frozenset(str(keyword.arg) for keyword in call.keywords)


# The search index's text is made from the view by searchable_text, which reads only
# item_view's fields (test_search_text_is_made_from_the_item_alone); body_html is the
# item's body with its links resolved in this output, so it depends on the item and on
# where the links lead (the key's ``view_links``): both are perturbed.
ITEM_FIELDS = item_view_fields()
BODY_FIELDS = frozenset({"body_html"})
# What the build digest (catalog.yaml, the day, the generator's code) and the output's
# name (the variant) cover; config, org, kiosk, staff, root and page_url are not even
# wrapped (render.Renderer.write: they come from these and the URL).
BY_BUILD = frozenset({"config", "today", "variant"})


def changed_leaf(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "\u2060changed"
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, PurePath):
        return value / "changed"
    if value is None:
        return "changed"
    raise TypeError(f"cannot change a {type(value).__name__}")


def changed_length(value: Sequence[object]) -> list[object]:
    return list(value[:-1]) if len(value) else [None]


CHANGES: dict[str, Callable[[Any], object]] = {
    "value": changed_leaf,
    "len": changed_length,
    "keys": lambda mapping: {**mapping, "\0changed": None},
    "present": lambda _: None,
}


def with_new_digest(item: Item) -> Item:
    """A copy of ``item`` as if its file had changed."""
    duplicate = object.__new__(Item)
    duplicate.__dict__.update(item.__dict__)
    duplicate.derived = {**item.derived, "page digest": item.page_digest() + "+changed"}
    return duplicate


def shallow_copy(value: Any) -> Any:
    """``value`` copied field by field, without running anything of its class (an item
    pickles some attributes lazily: ``copy.copy`` would go through that)."""
    if not hasattr(value, "__dict__"):
        return copy.copy(value)  # slotted: its dataclass copies the slots
    duplicate = object.__new__(type(value))
    duplicate.__dict__.update(value.__dict__)
    return duplicate


class Perturbed:
    """A value with the thing at ``steps`` changed, on copies of what holds it.

    An item view's field made from its item is changed with its item (a copy
    with another page digest); in ``links`` mode, a view's body is changed with
    where its links lead instead (the copied view is in ``relinked``).
    """

    def __init__(self, links: bool = False) -> None:
        self.links = links
        self.relinked: list[ItemView] = []

    def replace(self, value: Any, steps: tuple[Step, ...], change: Callable[[Any], object]) -> Any:
        if not steps:
            return change(value)
        (kind, arg), rest = steps[0], steps[1:]
        if kind == "item":
            if isinstance(value, Mapping):
                return {**value, arg: self.replace(value[arg], rest, change)}
            items = list(value)
            items[arg] = self.replace(items[arg], rest, change)  # type: ignore[index]
            if isinstance(value, tuple):
                return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
            return items
        assert isinstance(arg, str)
        new = self.replace(getattr(value, arg), rest, change)
        if isinstance(value, tuple):  # a named tuple
            return value._replace(**{arg: new})  # type: ignore[attr-defined]
        duplicate = shallow_copy(value)
        object.__setattr__(duplicate, arg, new)  # frozen dataclasses too
        if isinstance(value, ItemView) and arg in ITEM_FIELDS | BODY_FIELDS:
            if self.links and arg in BODY_FIELDS:
                self.relinked.append(duplicate)
            else:
                duplicate.item = with_new_digest(duplicate.item)
        return duplicate


class Checker:
    """Keys pages as the build did, with values perturbed."""

    def __init__(self, keys: PageKeys) -> None:
        self.relinked: list[ItemView] = []  # kept: their ids must not be reused
        self.memo: dict[tuple[int, Read], tuple[object, bool]] = {}  # keeps the values
        self.keys = PageKeys(keys.files, keys.variant, self._links(keys.view_links))

    def _links(self, links: Callable[[ItemView], str]) -> Callable[[ItemView], str]:
        def view_links(view: ItemView) -> str:
            if any(view is v for v in self.relinked):
                return "links changed"
            return links(view)

        return view_links

    def covered(self, page: Page, context: dict[str, object], read: Read) -> bool:
        if read.root == "site" and read.steps and read.steps[0] in {("attr", n) for n in BY_BUILD}:
            return True
        # A key digests each context value on its own, so whether it covers a read
        # depends only on the value read from: pages that share a value share the answer.
        known = self.memo.get((id(context[read.root]), read))
        if known is not None and known[0] is context[read.root]:
            return known[1]
        covered = self._perturbed_key_changes(page, context, read)
        self.memo[(id(context[read.root]), read)] = (context[read.root], covered)
        return covered

    def _perturbed_key_changes(self, page: Page, context: dict[str, object], read: Read) -> bool:
        base = self.keys.key(page.url, page.template, context)
        modes = [Perturbed()]
        if any(step in {("attr", f) for f in BODY_FIELDS} for step in read.steps):
            modes.append(Perturbed(links=True))
        for perturbed in modes:
            value = perturbed.replace(context[read.root], read.steps, CHANGES[read.what])
            self.relinked += perturbed.relinked
            if self.keys.key(page.url, page.template, {**context, read.root: value}) == base:
                return False
        return True


@dataclasses.dataclass(frozen=True)
class Uncovered:
    template: str
    url: str  # output/URL
    read: str

    def __str__(self) -> str:
        return f"{self.template}  {self.url}  {self.read}"


@dataclasses.dataclass
class Findings:
    uncovered: set[Uncovered] = dataclasses.field(default_factory=set)
    pages: dict[str, str] = dataclasses.field(default_factory=dict)  # output/URL → template
    reads: int = 0


def check_page(renderer: Renderer, page: Page, checker: Checker, findings: Findings) -> None:
    """Render ``page`` again, recording what it reads, and check each read against its key."""
    site = renderer.site
    assert isinstance(renderer.keys, PageKeys)
    assert site.variant is {v.name: v for v in VARIANTS}[renderer.keys.variant]  # BY_BUILD
    context = {"site": site, **page.context}
    key = renderer.keys.key(page.url, page.template, context)
    assert checker.keys.key(page.url, page.template, context) == key
    if page.prepare is not None:  # the build has rendered the page and let its body go
        page.prepare()
    log: set[Read] = set()
    recorded = {name: record(value, name, (), log) for name, value in context.items()}
    template = renderer.env.get_template(page.template)
    extras = {
        "config": site.config,
        "org": site.config.organisation,
        "root": "../" * page.url.count("/"),
        "kiosk": site.variant.touch,
        "staff": site.variant.staff,
        "page_url": page.url,
    }
    assert template.render(**extras, **recorded) == template.render(**extras, **context), (
        f"{page.url} renders otherwise when recorded"
    )
    findings.reads += len(log)
    url = f"{site.variant.name}/{page.url}"
    findings.pages[url] = page.template
    for read in sorted(log, key=str):
        if not checker.covered(page, context, read):
            findings.uncovered.add(Uncovered(page.template, url, str(read)))


def page_findings(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> Findings:
    """Render every page of every output of the catalogue at ``root``, as a build from
    scratch does (without search indexes and exports), checking each page as written."""
    findings = Findings()
    checkers: dict[int, Checker] = {}
    write = Renderer.write

    def checked_write(self: Renderer, page: Page, share: Share = WHOLE) -> None:
        write(self, page, share)
        keys = self.keys
        assert isinstance(keys, PageKeys)
        checker = checkers.setdefault(id(keys), Checker(keys))
        check_page(self, page, checker, findings)

    monkeypatch.setattr(Renderer, "write", checked_write)
    catalogue = load_catalogue(root)
    assert not catalogue.failed(False)
    build = build_digest(root, theme_dir(root), BUILD_DAY, "build")
    files = OutputFiles(build, None)
    shared = views.Views()
    for variant in VARIANTS:  # as build.pipeline.Plan.write_afresh
        site = make_site(catalogue, variant, BUILD_DAY, out / variant.name, shared)
        pages = SitePages(catalogue, site, files, BodyCache(), keys_for=PageKeys)
        pages.write()
        write_reports(catalogue, pages.renderer)
    return findings


def report(findings: Findings) -> str:
    lines = sorted(str(u) for u in findings.uncovered)
    return (
        f"{len(lines)} reads of {len(findings.pages)} pages are not covered by their cache key "
        "(template, page, what it read): a change to them would leave the page stale.\n"
        + "\n".join(lines)
    )


# --- Tests -------------------------------------------------------------------------------


def test_every_page_reads_only_what_its_key_covers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_sample(tmp_path / "s")
    withdrawn = root / "content/external/funds/2025-farmland-subsidy.md"  # so its page renders
    args = ["--root", str(root), "withdraw", str(withdrawn), "--by", "林志远", "--reason", "测试"]
    assert CliRunner().invoke(main, [*args, "--date", "2026-11-26"]).exit_code == 0
    findings = page_findings(root, tmp_path / "out", monkeypatch)
    theme = theme_dir(root) / "templates"
    included = {
        "base.html",
        "macros.html",
        "kiosk-home.html",
        "guide-categories.html",
    }  # parts of pages, not pages
    pages = {p.name for p in theme.glob("*.html")} - included
    assert set(findings.pages.values()) == pages, "every page template is rendered and checked"
    assert findings.reads > 1000
    assert not findings.uncovered, report(findings)


def test_search_text_is_made_from_the_item_alone(sample: Path) -> None:
    catalogue = load_catalogue(sample)
    fields = item_view_fields()
    for item in catalogue.valid_items():
        log: set[Read] = set()
        view = views.item_view(item, catalogue.config, BUILD_DAY)
        searchable_text(record(view, "view", (), log))
        assert log
        assert {read.steps[0] for read in log} <= {("attr", f) for f in fields}, sorted(
            map(str, log)
        )


def test_a_read_the_key_does_not_cover_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme reading what no key covers: how many pages the site has written so far,
    and the title of a sidebar facet's first item (a facet's key has only its size)."""
    root = copy_sample(tmp_path / "s")
    templates = theme_dir(root) / "templates"
    home = templates / "home.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace(
            "{% endblock %}", "<p>{{ site.pages | length }}</p>\n{% endblock %}"
        ),
        encoding="utf-8",
    )
    listing = templates / "list.html"
    first = "{{ (facets.category | selectattr('items') | first).items[0].title }}"
    listing.write_text(
        listing.read_text(encoding="utf-8").replace(
            "<h1>{{ title }}</h1>", "<h1>{{ title }}</h1>" + first
        ),
        encoding="utf-8",
    )
    findings = page_findings(root, tmp_path / "out", monkeypatch)
    by_read: dict[str, set[str]] = {}
    for uncovered in findings.uncovered:
        by_read.setdefault(uncovered.read, set()).add(uncovered.url)
    homes = {url for url, template in findings.pages.items() if template == "home.html"}
    assert (
        by_read.pop("site.pages|length") == homes == {f"{v.name}/index.html" for v in VARIANTS}
    ), report(findings)
    listings = {url for url, template in findings.pages.items() if template == "list.html"}
    assert by_read, report(findings)
    for read in by_read:  # the first facet with items, in each output
        assert re.fullmatch(r"facets\['category'\]\[\d+\]\.items\[0\]\.title", read), read
    assert set().union(*by_read.values()) == listings
