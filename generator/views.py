"""What templates and exports see: items and pages prepared in Python.

Templates stay logic-light because every label, URL and derived value is
computed here once, in the product's words.
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Catalogue
from .config import CHANNELS, REFRESH, VALIDITY, Config
from .items import SUMMARY_LIMIT, Item
from .lifecycle import has_ended
from .select import Variant, select_items

ITEMS_DIR = "items"

_FILE_TYPES = {
    ".pdf": "PDF",
    ".xlsx": "Excel",
    ".xls": "Excel",
    ".csv": "CSV",
    ".docx": "Word",
    ".doc": "Word",
    ".zip": "ZIP",
    ".jpg": "图片",
    ".jpeg": "图片",
    ".png": "图片",
    ".txt": "文本",
}


def item_id(index_no: str) -> str:
    """The part of the 索引号 after the organisation code, e.g. ``2024-00012``."""
    return index_no.rsplit("/", 1)[-1]


@functools.cache  # asked for every shown item by each output, on every build
def item_url(index_no: str) -> str:
    """Stable for the item's lifetime: the 索引号 never changes once given."""
    return f"{ITEMS_DIR}/{item_id(index_no)}.html"


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to readable text, for derived summaries and search."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    text = re.sub(r"^\s{0,3}(#{1,6}|[-*+]|\d+[.)]|>)\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"[|*_`~]+", " ", text)
    text = re.sub(r"^[\s:-]+$", "", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class AttachmentView:
    title: str
    url: str  # root-relative
    file_name: str
    file_type: str
    size: int
    source: Path

    @property
    def size_label(self) -> str:
        return size_label(self.size)

    @property
    def is_pdf(self) -> bool:
        return self.file_type == "PDF"


@dataclass(frozen=True)
class ChangeView:
    date: dt.date
    note: str


@dataclass(frozen=True)
class LinkView:
    title: str
    index_no: str
    url: str | None  # None when the item is not shown in this output


@dataclass
class ItemView:
    """One item as an output shows it."""

    item: Item
    title: str
    index_no: str
    id: str
    url: str
    scope: str
    category: str
    category_name: str
    owner: str
    owner_name: str
    drafted_by: str
    doc_no: str | None
    keywords: list[str]
    written: dt.date
    published: dt.date
    expires: dt.date | None
    validity: str
    validity_label: str
    refresh_label: str
    channel_labels: list[str]
    summary: str
    summary_derived: bool
    major: bool
    attachments: list[AttachmentView]
    changes: list[ChangeView]
    superseded_by: LinkView | None = None
    replaces: list[LinkView] = field(default_factory=list)
    body_html: str = ""
    body_text: str = ""
    search_text: str = ""  # what a search must find this item by (see search.py)
    ended: bool = False  # a 公示 past its period: in the 历史信息 archive, not current lists
    draft: bool = False  # shown by a preview before its approvals are complete

    @property
    def year(self) -> int:
        return self.published.year

    def for_output(self) -> ItemView:
        """A shallow copy, to fill in what differs between outputs (links, draft, body).

        ``dataclasses.replace`` would re-run ``__init__``: several times slower,
        which tells over the tens of thousands of views of every build.
        """
        copy = object.__new__(ItemView)
        copy.__dict__.update(self.__dict__)
        return copy

    @property
    def updated(self) -> dt.date:
        """The last day the public saw a material change: published or the latest change note."""
        return max([self.published, *(c.date for c in self.changes)])


def derive_summary(text: str) -> str:
    """A summary for an item without one: the start of its body's plain text."""
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 1] + "…"


def attachment_views(item: Item) -> list[AttachmentView]:
    views = []
    for attachment in item.meta.attachments:
        source = item.attachment_files.get(attachment.path)
        if source is None or not source.is_file():
            continue
        suffix = source.suffix.lower()
        views.append(
            AttachmentView(
                title=attachment.title,
                url=f"{ITEMS_DIR}/{item_id(item.meta.index_no)}/{attachment.path}",
                file_name=source.name,
                file_type=_FILE_TYPES.get(suffix)
                or (mimetypes.guess_type(source.name)[0] or "文件"),
                size=source.stat().st_size,
                source=source,
            )
        )
    return views


def item_view(item: Item, config: Config, today: dt.date) -> ItemView:
    meta = item.meta
    category = config.categories_of(item.scope)[meta.category]
    refresh = item.refresh(config) or category.refresh
    body_text = item.remember("plain text", lambda: plain_text(item.body))  # kept in the cache
    return ItemView(
        item=item,
        title=meta.title,
        index_no=meta.index_no,
        id=item_id(meta.index_no),
        url=item_url(meta.index_no),
        scope=item.scope,
        category=meta.category,
        category_name=category.name,
        owner=meta.owner,
        owner_name=config.sections[meta.owner].name,
        drafted_by=meta.drafted_by,
        doc_no=meta.doc_no,
        keywords=list(meta.keywords),
        written=meta.written,
        published=meta.published,
        expires=meta.expires,
        validity=meta.validity,
        validity_label=VALIDITY[meta.validity],
        refresh_label=REFRESH[refresh],
        channel_labels=[CHANNELS[item.scope][c] for c in item.channels(config)],
        summary=meta.summary or derive_summary(body_text),
        summary_derived=meta.summary is None,
        major=meta.major,
        attachments=attachment_views(item),
        changes=sorted((ChangeView(c.date, c.note) for c in meta.changes), key=lambda c: c.date),
        body_text=body_text,
        ended=has_ended(item, today),
    )


@dataclass
class Shown:
    """The items one output shows today, newest first, and how its pages look them up."""

    items: list[Item]
    by_index: dict[str, Item]  # the shown items by 索引号
    nameable: dict[str, Item]  # every item of the output's scopes by 索引号 (links name them)
    urls: dict[str, str]  # each shown item's file (a string: hashing a Path is slow) → URL
    replaced: dict[str, list[str]]  # a shown item's 索引号 → the shown items it replaces

    @classmethod
    def select(cls, catalogue: Catalogue, variant: Variant, today: dt.date) -> Shown:
        items = select_items(catalogue, variant, today)
        by_index = {item.meta.index_no: item for item in items}
        replaced: dict[str, list[str]] = {}
        for item in items:
            if item.meta.superseded_by in by_index:
                replaced.setdefault(item.meta.superseded_by, []).append(item.meta.index_no)
        return cls(
            items,
            by_index,
            {i.meta.index_no: i for i in catalogue.items if i.scope in variant.scopes},
            {str(item.file): item_url(item.meta.index_no) for item in items},
            replaced,
        )

    def swapped(self, new: dict[str, Item]) -> Shown:
        """The same selection with items (by path) read anew; ``selects_alike`` must
        hold for each, so the order, the URLs and the links stay as they were."""
        by_index, nameable = dict(self.by_index), dict(self.nameable)
        for item in new.values():
            for lookup in (by_index, nameable):
                if item.meta.index_no in lookup:
                    lookup[item.meta.index_no] = item
        items = [new.get(item.path, item) for item in self.items]
        return Shown(items, by_index, nameable, self.urls, self.replaced)

    def selects_alike(self, old: Item, new: Item, config: Config) -> bool:
        """Whether ``new`` takes ``old``'s place in every selection and lookup."""

        def facts(item: Item) -> tuple[object, ...]:
            category = item.category(config)
            return (
                item.scope,
                tuple(item.channels(config)),
                item.meta.published,
                item.meta.expires,
                category.after_expiry if category else None,
                item.meta.index_no,
                item.meta.superseded_by,
            )

        number = old.meta.index_no
        in_place = all(  # or absent: not of this output's scopes, or not shown
            lookup.get(number, old) is old for lookup in (self.nameable, self.by_index)
        )
        return in_place and facts(old) == facts(new)


class ViewCache:
    """Views of items and what each output shows, kept while the items are.

    A view is made from its item, catalog.yaml and the day only, so within one
    build every output shares it, and ``catalogue serve`` keeps it between
    rebuilds for an unchanged item (the same object, from the item cache) while
    the build digest is the same. What an output shows is kept too: an edit
    usually changes nothing that selection looks at (scope, channels, dates,
    category, 索引号, what the item supersedes), and then the next build swaps the
    edited items into the last selection instead of selecting afresh.
    """

    def __init__(self) -> None:
        self.build = ""
        self._views: dict[str, tuple[Item, ItemView]] = {}
        self._items: dict[str, Item] = {}  # the catalogue the kept selections were made of
        self._failing: set[str] = set()
        self._shown: dict[str, Shown] = {}  # variant name → what it showed

    def start(self, build: str, catalogue: Catalogue) -> None:
        """Begin a build with digest ``build`` (pagecache.build_digest) of ``catalogue``."""
        if build != self.build:
            self.build, self._views, self._shown = build, {}, {}
        current = {item.path for item in catalogue.items}
        self._views = {path: v for path, v in self._views.items() if path in current}
        new = {i.path: i for i in catalogue.items if self._items.get(i.path) is not i}
        failing = catalogue.failing()
        if not self._selects_as_before(catalogue, new, failing):
            self._shown = {}
        elif new:
            self._shown = {name: shown.swapped(new) for name, shown in self._shown.items()}
        self._items, self._failing = {i.path: i for i in catalogue.items}, failing

    def _selects_as_before(
        self, catalogue: Catalogue, new: dict[str, Item], failing: set[str]
    ) -> bool:
        """Whether the kept selections hold with the ``new`` items (by path) swapped in:
        the same files, the same failing ones, and each new item selecting alike."""
        assert catalogue.config is not None
        config = catalogue.config
        return (
            len(catalogue.items) == len(self._items)
            and all(path in self._items for path in new)
            and failing == self._failing
            and len(new) <= SWAP_AT_MOST
            and all(
                shown.selects_alike(self._items[path], item, config)
                for shown in self._shown.values()
                for path, item in new.items()
            )
        )

    def view(self, item: Item, config: Config, today: dt.date) -> ItemView:
        known = self._views.get(item.path)
        if known is None or known[0] is not item:
            known = self._views[item.path] = (item, item_view(item, config, today))
        return known[1]

    def shown(self, catalogue: Catalogue, variant: Variant, today: dt.date) -> Shown:
        """What ``variant`` shows today; ``start`` must have been given ``catalogue``."""
        if variant.name not in self._shown:
            self._shown[variant.name] = Shown.select(catalogue, variant, today)
        return self._shown[variant.name]


SWAP_AT_MOST = 20  # more changed items than this: selecting afresh is as quick


def link_views(views: list[ItemView], shown: Shown) -> None:
    """Fill ``superseded_by`` and ``replaces``; a link stays text when its target is not shown.

    ``views`` may be all of the shown items' or a few. ``shown.nameable`` holds only
    items this output may name (its scopes), so an internal item's title can never
    reach a public page through a link.
    """

    def link(index_no: str) -> LinkView:
        if index_no in shown.by_index:
            return LinkView(shown.by_index[index_no].meta.title, index_no, item_url(index_no))
        return LinkView(shown.nameable[index_no].meta.title, index_no, None)

    for view in views:
        successor = view.item.meta.superseded_by
        if successor and successor in shown.nameable:
            view.superseded_by = link(successor)
        if view.index_no in shown.replaced:
            view.replaces = [link(n) for n in shown.replaced[view.index_no]]


@dataclass
class Site:
    """One output being built: its items (newest first) and the pages written so far.

    ``items`` may be a few of the items the output shows (``shown``), to render just
    their pages.
    """

    config: Config
    variant: Variant
    items: list[ItemView]
    today: dt.date
    out: Path
    pages: list[str] = field(default_factory=list)  # root-relative URLs of HTML pages
    merge_indexes: list[str] = field(default_factory=list)  # index folders searched with its own
    # Every shown item's file (as a string: hashing a Path is slow) → URL.
    shown: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.config.site.base_url

    def cache_summary(self) -> tuple[object, ...]:
        """What pages show of the site as a whole (see pagecache.py): the same for a
        site of a few of the items (an edit's, written first) as for the whole one."""
        return (self.variant.name, len(self.shown))

    @property
    def page_size(self) -> int:
        """Rows per listing page; the kiosk pages by buttons, so its pages fit one screen."""
        return (
            self.config.site.kiosk_page_size if self.variant.touch else self.config.site.page_size
        )
