"""What templates and exports see: items and pages prepared in Python.

Templates stay logic-light because every label, URL and derived value is
computed here once, in the product's words.
"""

from __future__ import annotations

import datetime as dt
import functools
import mimetypes
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..catalogue import Catalogue
from ..checks.lifecycle import has_ended
from ..source.config import CHANNELS, REFRESH, VALIDITY, Config
from ..source.guard import human_size
from ..source.items import GUIDE_PAGES, SUMMARY_LIMIT, Item, Withdrawal
from ..source.rendered import rendered
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


# ASCII that may stand in a URL path as it is (RFC 3986 pchar and "/"); other ASCII is
# percent-encoded. Other characters (Chinese file names) stay as they are: browsers
# encode them alike, and pages keep the bytes they had.
_UNSAFE_IN_PATH = re.compile(r"[^A-Za-z0-9/._~!$&'()*+,;=:@\-\u0080-\U0010ffff]")


def url_path(path: str) -> str:
    """``path`` (a file's path in an output) percent-encoded where it must be in a URL."""
    return _UNSAFE_IN_PATH.sub(lambda m: quote(m.group(), safe=""), path)


@dataclass(frozen=True)
class AttachmentView:
    title: str
    url: str  # root-relative
    file_name: str
    file_type: str
    size: int
    source: Path

    @property
    def href(self) -> str:
        """``url`` as a link: the file keeps its name on disk, but ``#``, ``?``, ``%``
        and spaces in it would end or change the path (``files/报告#1.pdf``)."""
        return url_path(self.url)

    @property
    def size_label(self) -> str:
        return human_size(self.size, "B")

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


@dataclass(slots=True)
class ItemView:
    """One item as an output shows it.

    Slotted: every output holds a view of each item it shows until the build ends, and
    an attribute dictionary took 1.3 KB more per view, 0.5 GB at 100,000 items.
    """

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
    ended: bool = False  # a 公示 past its period: in the 历史信息 archive, not current lists
    draft: bool = False  # shown by a preview before its approvals are complete
    withdrawn: Withdrawal | None = None  # taken down in an emergency: only staff see it

    @property
    def year(self) -> int:
        return self.published.year

    def for_output(self) -> ItemView:
        """A shallow copy, to fill in what differs between outputs (links, draft, body).

        Positional arguments: ``dataclasses.replace`` passes keywords, several times
        slower, which tells over the tens of thousands of views of every build.
        """
        return ItemView(*_view_fields(self))

    @property
    def updated(self) -> dt.date:
        """The last day the public saw a material change: published or the latest change note."""
        return max([self.published, *(c.date for c in self.changes)])


_view_fields = operator.attrgetter(*(f.name for f in fields(ItemView)))


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
    # Derived text comes from the page as rendered and sanitised, never from the Markdown
    # source: a comment, a <template>, a reference definition are not on the page.
    body_text = rendered(item).text
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
        withdrawn=meta.withdrawn,
    )


def selection_facts(item: Item, config: Config) -> str:
    """What selecting and looking up items reads of ``item``, besides the day and
    catalog.yaml: equal facts mean the item takes the same place in every selection.
    A string, so that a build can keep it beside its output (lastbuild.py)."""
    category = item.category(config)
    return repr(
        (
            item.scope,
            tuple(item.channels(config)),
            item.meta.published,
            item.meta.expires,
            category.after_expiry if category else None,
            item.meta.index_no,
            item.meta.superseded_by,
            item.meta.withdrawn is not None,
        )
    )


class Shown:
    """The items one output shows today, newest first, and how its pages look them up.

    Lookups go through the catalogue's own (by path, by 索引号) and this output's set
    of item paths, so an edit's first pages cost no pass over every item.
    ``replaced`` depends only on the items' selection facts, so a selection kept for
    the next build (ViewCache) carries it over.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        variant: Variant,
        items: list[Item],
        replaced: dict[str, list[str]] | None = None,
        paths: list[str] | None = None,
    ) -> None:
        """``replaced`` and ``paths`` (of ``items``), if known, are not worked out again."""
        self.catalogue = catalogue
        self.variant = variant
        self.items = items
        if replaced is not None:
            self.replaced = replaced
        if paths is not None:
            self.paths = frozenset(paths)

    @classmethod
    def select(cls, catalogue: Catalogue, variant: Variant, today: dt.date) -> Shown:
        return cls(catalogue, variant, select_items(catalogue, variant, today))

    @functools.cached_property
    def paths(self) -> frozenset[str]:
        return frozenset(item.path for item in self.items)

    def item(self, index_no: str) -> Item | None:
        """The shown item with this 索引号, if any."""
        item = self.catalogue.by_index.get(index_no)
        return item if item is not None and item.path in self.paths else None

    def nameable(self, index_no: str) -> Item | None:
        """The item of the output's scopes with this 索引号, if any: links may name it
        (a withdrawn one only on the intranet: no public page may carry its title)."""
        item = self.catalogue.by_index.get(index_no)
        if item is None or item.scope not in self.variant.scopes:
            return None
        return item if self.variant.staff or item.meta.withdrawn is None else None

    def url_of(self, file: str) -> str | None:
        """The URL of the shown item in ``file`` (absolute), if any."""
        path = self.catalogue.item_path(file)
        if path is None:
            return None
        if path not in self.paths:  # a guide page's item lives at the page's address
            item = self.catalogue.by_path.get(path)
            page = item.meta.page if item is not None and item.scope == "external" else None
            return GUIDE_PAGES[page] if page else None
        return item_url(self.catalogue.by_path[path].meta.index_no)

    @functools.cached_property
    def replaced(self) -> dict[str, list[str]]:
        """A shown item's 索引号 → the shown items it replaces, newest first."""
        replaced: dict[str, list[str]] = {}
        for item in self.items:
            successor = item.meta.superseded_by
            if successor and self.item(successor) is not None:
                replaced.setdefault(successor, []).append(item.meta.index_no)
        return replaced

    def swapped(self, catalogue: Catalogue, new: dict[str, Item]) -> Shown:
        """The same selection in ``catalogue``, with items (by path) read anew that
        have the ``selection_facts`` of the items they replace."""
        items = [new.get(item.path, item) for item in self.items]
        return Shown(catalogue, self.variant, items, self.replaced)


class Views:
    """Views of items and what each output shows, made once in a build: a view is made
    from its item, catalog.yaml and the day only, so every output shares it.

    ``incremental.viewcache.ViewCache`` keeps them from one build to the next.
    """

    def __init__(self) -> None:
        self._views: dict[str, tuple[Item, ItemView]] = {}
        self._shown: dict[str, Shown] = {}  # variant name → what it shows

    def view(self, item: Item, config: Config, today: dt.date) -> ItemView:
        known = self._views.get(item.path)
        if known is None or known[0] is not item:
            known = self._views[item.path] = (item, item_view(item, config, today))
        return known[1]

    def output_views(
        self, catalogue: Catalogue, items: list[Item], shown: Shown, today: dt.date
    ) -> list[ItemView]:
        """Views of ``items`` for the output that shows ``shown``: drafts marked, links resolved."""
        made = []
        for item in items:
            view = self.view(item, catalogue.config, today).for_output()
            view.draft = item.path in catalogue.drafts
            made.append(view)
        link_views(made, shown)
        return made

    def shown(self, catalogue: Catalogue, variant: Variant, today: dt.date) -> Shown:
        """What ``variant`` shows today."""
        if variant.name not in self._shown:
            self._shown[variant.name] = Shown.select(catalogue, variant, today)
        return self._shown[variant.name]


def link_views(views: list[ItemView], shown: Shown) -> None:
    """Fill ``superseded_by`` and ``replaces``; a link stays text when its target is not shown.

    ``views`` may be all of the shown items' or a few. ``shown.nameable`` finds only
    items this output may name (its scopes), so an internal item's title can never
    reach a public page through a link.
    """

    def link(target: Item) -> LinkView:
        index_no = target.meta.index_no
        url = item_url(index_no) if shown.item(index_no) is not None else None
        return LinkView(target.meta.title, index_no, url)

    for view in views:
        successor = view.item.meta.superseded_by
        if successor and (target := shown.nameable(successor)) is not None:
            view.superseded_by = link(target)
        if view.index_no in shown.replaced:
            view.replaces = [
                link(shown.catalogue.by_index[n]) for n in shown.replaced[view.index_no]
            ]


@dataclass
class Site:
    """One output being built: its items (newest first) and the pages written so far.

    ``items`` may be a few of the items the output shows (``shown``), to render just
    their pages.
    """

    config: Config
    variant: Variant
    items: Sequence[ItemView]  # a list, or views made when read (edits.py)
    today: dt.date
    out: Path
    pages: list[str] = field(default_factory=list)  # root-relative URLs of HTML pages
    selection: Shown | None = None  # every item the output shows

    def url_of(self, file: str) -> str | None:
        """The URL of the shown item in ``file`` (absolute): where a link to it leads."""
        return self.selection.url_of(file) if self.selection is not None else None

    @property
    def base_url(self) -> str:
        return self.config.site.base_url

    @property
    def base_path(self) -> str:
        """The path of ``base_url``: ``/``, or the sub-path of a county portal."""
        return urlsplit(self.base_url).path or "/"

    @property
    def page_size(self) -> int:
        """Rows per listing page; the kiosk pages by buttons, so its pages fit one screen."""
        return (
            self.config.site.kiosk_page_size if self.variant.touch else self.config.site.page_size
        )
