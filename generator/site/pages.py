"""The pages of a catalogue website and what each one shows.

Home, the 公开目录 browsable by category, section and year (paginated without
JavaScript), one page per item, the 政务公开指南, 依申请公开 and 监督投诉 pages,
search and 404.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import shutil
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..catalogue import Catalogue
from ..checks.budget import deadline_text
from ..checks.validate import local_links
from ..output.files import OutputFiles
from ..output.writer import output_path
from ..source.facts import fill_facts
from ..source.items import GUIDE_PAGES
from ..source.rendered import page_body
from .budget import BUDGET_PAGE, budget_years
from .documents import PageImages, documents, kiosk_shows, kiosk_view_url, prepare_document
from .intranet import write_staff_pages
from .markup import relative_url, render_body
from .render import WHOLE, KeysFor, Page, Renderer, Share, no_keys, theme_dir
from .reports import category_counts, counted_until, doc_type_counts, report_years
from .select import guide_page, withdrawn_items
from .standard import COLUMNS, standard_csv, standard_rows
from .views import ItemView, Site, item_url

LATEST_ON_HOME = 10


@dataclass(frozen=True)
class Facet:
    """One way to browse: a category, a section or a year, with its items."""

    kind: str  # "category" | "section" | "year" | "archive"
    key: str  # empty for the archive, which is a single listing
    name: str
    items: Sequence[ItemView]

    @property
    def base(self) -> str:
        return f"catalogue/{self.kind}/{self.key}/" if self.key else f"catalogue/{self.kind}/"

    @property
    def url(self) -> str:
        return self.base + "index.html"


NEAR_PAGES = 2  # linked on either side of the page shown


class PageLink(NamedTuple):
    number: int
    url: str  # root-relative


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    urls: list[str]  # root-relative URL of every page of the listing

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    @property
    def links(self) -> list[PageLink | None]:
        """The pages to link to: the first, the last and the nearest on either side of
        this one; None where pages are left out. A long listing has hundreds of pages:
        linking each from each grows with the square of its length."""
        near = range(
            max(1, self.number - NEAR_PAGES), min(self.count, self.number + NEAR_PAGES) + 1
        )
        shown = sorted({1, self.count, *near})
        links: list[PageLink | None] = []
        for before, number in itertools.pairwise([0, *shown]):
            if number - before == 2:  # one page left out: its link takes no more room than "…"
                links.append(PageLink(number - 1, self.urls[number - 2]))
            elif number - before > 2:
                links.append(None)
            links.append(PageLink(number, self.urls[number - 1]))
        return links


Browse = dict[str, list[Facet]]  # kind of facet → the facets of that kind, as shown


def current(site: Site) -> list[ItemView]:
    """What the current lists show: everything but ended 公示, which are in the archive."""
    return [v for v in site.items if not v.ended]


def facets(site: Site) -> Browse:
    """Every category of the site's scopes (empty ones too), every section and year in use."""
    config = site.config
    by_category: dict[str, list[ItemView]] = {}
    by_section: dict[str, list[ItemView]] = {}
    by_year: dict[int, list[ItemView]] = {}
    for view in current(site):  # one pass: a site has tens of facets and thousands of items
        by_category.setdefault(view.category, []).append(view)
        by_section.setdefault(view.owner, []).append(view)
        by_year.setdefault(view.year, []).append(view)
    scopes = [s for s in ("external", "internal") if s in site.variant.scopes]
    categories = [
        Facet("category", key, c.name, by_category.get(key, []))
        for scope in scopes
        for key, c in config.categories_of(scope).items()
    ]
    if site.variant.touch:  # the kiosk browses by category; fewer pages to page through
        return {"category": categories, "section": [], "year": [], "archive": archive_facet(site)}
    sections = [
        Facet("section", key, s.name, by_section[key])
        for key, s in config.sections.items()
        if key in by_section
    ]
    years = [Facet("year", str(y), f"{y}年", by_year[y]) for y in sorted(by_year, reverse=True)]
    return {
        "category": categories,
        "section": sections,
        "year": years,
        "archive": archive_facet(site),
    }


def archive_facet(site: Site) -> list[Facet]:
    ended = [v for v in site.items if v.ended]
    return [Facet("archive", "", "历史信息", ended)] if ended else []


@dataclass
class Listed:
    """What an output's listings show: its current items (home, 公开目录) and its facets."""

    current: Sequence[ItemView]
    browse: Browse

    @classmethod
    def of(cls, site: Site) -> Listed:
        return cls(current(site), facets(site))


def listing_pages(
    site: Site, base: str, title: str, items: Sequence[ItemView], **context: object
) -> Iterator[Page]:
    """A listing split into pages of ``page_size`` rows: index.html, page-2.html, …"""
    size = site.page_size
    count = max(1, math.ceil(len(items) / size))
    urls = [base + ("index.html" if n == 1 else f"page-{n}.html") for n in range(1, count + 1)]
    for number, url in enumerate(urls, start=1):
        rows = items[(number - 1) * size : number * size]
        pagination = Pagination(number, count, urls)
        page = {"title": title, "rows": rows, "total": len(items), "pagination": pagination}
        yield Page(url, "list.html", {**page, **context})


def link_resolver(view: ItemView, site: Site) -> Callable[[Path], str | None]:
    """Resolve links in ``view``'s body: other items ``site`` shows, and its own attachments."""
    page = view.url

    def resolve(target: Path) -> str | None:
        if (url := site.url_of(file := str(target))) is not None:
            return relative_url(page, url)
        attachments = view.item.remember(  # only bodies with links ask
            "attachment urls", lambda: {str(a.source.resolve()): a.href for a in view.attachments}
        )
        if file not in attachments:
            return None
        if site.variant.touch:  # never the file itself: the kiosk has no way back from it
            return kiosk_link(view, file, page)
        return relative_url(page, attachments[file])

    return resolve


def kiosk_link(view: ItemView, file: str, page: str) -> str | None:
    """Where a body's link to one of ``view``'s attachments leads in the kiosk: the
    page that shows it, or an image as it is; other files are not linked."""
    for number, attachment in enumerate(view.attachments, start=1):
        if str(attachment.source.resolve()) != file:
            continue
        if kiosk_shows(attachment):
            return relative_url(page, kiosk_view_url(view, number))
        if attachment.file_type == "图片":
            return relative_url(page, attachment.href)
    return None


def copy_attachments(renderer: Renderer) -> None:
    site, files = renderer.site, renderer.files
    for view in site.items:
        key = renderer.keys.key("attachments", "", {"item": view.item})  # their contents too
        for attachment in view.attachments:
            if not files.record(f"{site.variant.name}/{attachment.url}", key):
                continue
            target = output_path(site.out, attachment.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(attachment.source, target)


def write_documents(renderer: Renderer, images: PageImages) -> None:
    """The kiosk's own page for each attachment it can show (documents.py): a PDF's
    pages as images, a spreadsheet as a table; unreadable files say where to ask."""
    site, files = renderer.site, renderer.files
    limit = site.config.site.kiosk_pdf_pages
    for view in site.items:
        for document in documents(view):
            readable = prepare_document(document, images, limit)
            key = renderer.keys.key("pdf pages", "", {"pdf": document.digest, "limit": limit})
            for url, image in zip(document.pages, document.images, strict=True):
                if files.record(f"{site.variant.name}/{url}", key):
                    target = output_path(site.out, url)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(image)
            context = {
                "item": view,
                "number": document.number,
                "pages": document.pages,
                "page_count": document.page_count,
                "sheets": document.sheets,
                "readable": readable,
            }
            renderer.write(Page(document.url, "document.html", context, listed=False))


LinkTargets = tuple[str | None, ...]


def link_targets(view: ItemView, resolve: Callable[[Path], str | None]) -> LinkTargets:
    """Where each local link of ``view``'s body leads in this output (None: not shown)."""
    item = view.item
    files = item.remember(
        "linked files",
        lambda: tuple((item.folder / t).resolve() for t, _ in local_links(item.body)),
    )
    return tuple(resolve(file) for file in files)


class BodyCache:
    """Item bodies rendered once per link context and shared by every output of a build.

    Markdown is the largest cost of rendering. Most bodies have no link to resolve:
    their HTML is the one reading made (``page_body``). The outputs usually resolve
    the others' links identically, so the second render is a lookup. Bodies are kept
    compressed: for 100,000 items they would otherwise hold several hundred MB.
    """

    def __init__(self) -> None:
        self._html: dict[tuple[object, ...], bytes] = {}

    def render(
        self,
        view: ItemView,
        resolve: Callable[[Path], str | None],
        targets: LinkTargets,
        external: bool,
    ) -> str:
        item = view.item
        fixed = page_body(item)
        if fixed is not None:
            return fixed
        leaves_site = external and ("://" in item.body or "mailto:" in item.body)
        key = (item.path, item.digest, leaves_site, targets)
        if key in self._html:
            return zlib.decompress(self._html[key]).decode("utf-8")
        html = render_body(item.body, item.folder, resolve, external)
        self._html[key] = zlib.compress(html.encode("utf-8"), 1)
        return html


class ItemPages:
    """The item pages of one site: each body's links resolved once, rendered on demand."""

    def __init__(self, renderer: Renderer, bodies: BodyCache) -> None:
        self.renderer = renderer
        self.bodies = bodies
        self.external = not renderer.site.variant.touch  # the kiosk must not lead visitors off
        self._links: dict[int, tuple[ItemView, Callable[[Path], str | None], LinkTargets]] = {}

    def links(self, view: ItemView) -> tuple[Callable[[Path], str | None], LinkTargets]:
        """How ``view``'s body links resolve in this site, and where each leads.

        Worked out when first asked (for a key or a page): an edit's first pages
        need only the links of the views they show.
        """
        known = self._links.get(id(view))
        if known is None or known[0] is not view:
            resolve = link_resolver(view, self.renderer.site)
            known = self._links[id(view)] = (view, resolve, link_targets(view, resolve))
        return known[1], known[2]

    def link_summary(self, view: ItemView) -> str:
        """Where ``view``'s body links lead: its pages' keys include it."""
        return repr(self.links(view)[1])

    def write(self, view: ItemView, share: Share = WHOLE) -> None:
        resolve, targets = self.links(view)

        def prepare() -> None:
            view.body_html = self.bodies.render(view, resolve, targets, self.external)

        # Owned by the item: a process rendering its pages in every output renders its body once.
        context = {"item": view}
        page = Page(view.url, "item.html", context, prepare, owner=str(view.item.path))
        self.renderer.write(page, share)
        view.body_html = ""  # written; a large site need not hold them all


class SitePages:
    """Every page of one site, ready to be rendered whole or in shares (parallel/rendering.py)."""

    def __init__(
        self,
        catalogue: Catalogue,
        site: Site,
        files: OutputFiles,
        bodies: BodyCache,
        listed: Listed | None = None,
        keys_for: KeysFor = no_keys,
        images: PageImages | None = None,
    ) -> None:
        """``listed``, if given, is what ``site``'s listings show (edits.py remembers it);
        ``keys_for`` keys its files, so that only those whose key changed are written;
        ``images`` renders (and may keep) the kiosk's PDF pages."""
        self.catalogue = catalogue
        self.site = site
        self.images = images or PageImages()
        self.renderer = Renderer(catalogue.root, site, files)
        self.item_pages = ItemPages(self.renderer, bodies)
        self.renderer.keys = keys_for(files, site.variant.name, self.item_pages.link_summary)
        self._listed = listed

    @property
    def listed(self) -> Listed:
        if self._listed is None:
            self._listed = Listed.of(self.site)
        return self._listed

    @functools.cached_property
    def listings(self) -> list[Page]:
        """Home and every listing page, in the order they are written."""
        return [page for _, pages in self.listing_groups() for page in pages]

    def listing_groups(self) -> Iterator[tuple[Sequence[ItemView], Iterator[Page]]]:
        """Home and each listing, with the items it lists; its pages are made as read."""
        site, listed, browse = self.site, self.listed.current, self.listed.browse
        latest = listed[:LATEST_ON_HOME]
        home = {"latest": latest, "facets": browse, "current_count": len(listed)}
        yield latest, iter([Page("index.html", "home.html", home)])
        yield (
            listed,
            listing_pages(site, "catalogue/", "公开目录", listed, facets=browse, facet=None),
        )
        for kind_facets in browse.values():
            for f in kind_facets:
                yield f.items, listing_pages(site, f.base, f.name, f.items, facets=browse, facet=f)

    def forget_listings(self) -> None:
        """Let the listing pages go once written: 100,000 items make about 70,000, each
        holding its rows, and no later stage reads them (edits.py remembers paths)."""
        self.__dict__.pop("listings", None)

    def root_of(self, url: str) -> str | None:
        """The public 404 page is served at any missing address, however deep (GitHub
        Pages does so): its links start from the path of ``site.base_url``."""
        return self.site.base_path if url == "404.html" and self.site.variant.exports else None

    def write(self, share: Share = WHOLE) -> None:
        """Render the pages in ``share`` that changed since the last build into ``site.out``.

        Every page is listed in ``site.pages``, in the same order whatever the share.
        """
        site, renderer = self.site, self.renderer
        for page in self.listings:
            renderer.write(page, share)
        for view in site.items:
            self.item_pages.write(view, share)
        static = {"facets": self.listed.browse}  # the static pages show the facets
        guides = guide_pages(self.catalogue, site)
        public = PUBLIC_PAGES if site.variant.exports else {}
        for url, template in {**STATIC_PAGES, **public}.items():
            context = {**static, "guide": guides.get(url)}
            renderer.write(Page(url, template, context, root=self.root_of(url)), share)
        for item in withdrawn_items(self.catalogue, site.variant):  # their old addresses
            url = item_url(item.meta.index_no)
            renderer.write(Page(url, "withdrawn.html", {}, listed=False), share)
        if share.first:
            copy_attachments(renderer)
            if site.variant.touch:
                write_documents(renderer, self.images)
            if not renderer.files.reusing:  # the theme is part of every key: unchanged when reusing
                _copy_files(theme_dir(self.catalogue.root) / "static", site.out / "static")


@dataclass(frozen=True)
class GuidePage:
    """A guide page's item as its fixed address shows it: facts filled in, links resolved."""

    title: str
    index_no: str
    published: dt.date
    updated: dt.date
    html: str


def guide_pages(catalogue: Catalogue, site: Site) -> dict[str, GuidePage]:
    """The guide pages ``site`` has an item for, by URL; the others keep the theme's text."""
    out = {}
    for page, url in GUIDE_PAGES.items():
        item = guide_page(catalogue, site.variant, site.today, page)
        if item is None:
            continue

        def resolve(target: Path, url: str = url) -> str | None:
            found = site.url_of(str(target))
            return relative_url(url, found) if found is not None else None

        body = fill_facts(item.body, catalogue.config, links=not site.variant.touch)
        html = render_body(body, item.folder, resolve, not site.variant.touch)
        changes = [c.date for c in item.meta.changes if c.date <= site.today]
        updated = max([item.meta.published, *changes])
        out[url] = GuidePage(
            item.meta.title, item.meta.index_no, item.meta.published, updated, html
        )
    return out


def _copy_files(source: Path, target: Path) -> None:
    """Copy the files under ``source`` to ``target``: their contents only, so files and
    folders get the mode the umask allows, as every other output file does, and not
    the mode of the theme's checkout (a web server running as another user must read
    them)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            copy = target / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, copy)


def write_item_pages(
    catalogue: Catalogue, site: Site, files: OutputFiles, bodies: BodyCache, keys_for: KeysFor
) -> SitePages:
    """Only the pages of ``site``'s items (a few of those the output shows): the
    pages an edit changes first, written ahead of the listings that also show them."""
    pages = SitePages(catalogue, site, files, bodies, keys_for=keys_for)
    for view in site.items:
        pages.item_pages.write(view)
    return pages


def write_reports(catalogue: Catalogue, renderer: Renderer) -> None:
    """Pages computed from the whole catalogue: the 预决算公开专栏 and the standard
    catalogue, then staff reports, or the annual statistics."""
    write_inspection_pages(renderer)
    if renderer.site.variant.staff:
        write_staff_pages(renderer, catalogue)
    elif renderer.site.variant.exports:
        write_annual_statistics(renderer, catalogue)


def write_site(catalogue: Catalogue, site: Site, bodies: BodyCache | None = None) -> None:
    """Render every page of ``site`` into ``site.out``, reusing nothing."""
    pages = SitePages(catalogue, site, OutputFiles("", None), bodies or BodyCache())
    pages.write()
    write_reports(catalogue, pages.renderer)


STANDARD_PAGE = "standard-catalogue.html"
STANDARD_CSV = "standard-catalogue.csv"


def write_inspection_pages(renderer: Renderer) -> None:
    """What inspectors look for on every site: the 预决算公开专栏 and the 标准目录."""
    years = budget_years(renderer.site)
    limit = deadline_text(renderer.site.config)
    renderer.write_page(BUDGET_PAGE, "budget.html", years=years, limit=limit)
    config = renderer.site.config
    renderer.write_page(STANDARD_PAGE, "standard.html", columns=COLUMNS, rows=standard_rows(config))
    key = renderer.keys.key(STANDARD_CSV, "", {})  # catalog.yaml alone: in every key
    if renderer.files.record(f"{renderer.site.variant.name}/{STANDARD_CSV}", key):
        output_path(renderer.site.out, STANDARD_CSV).write_bytes(standard_csv(config))


def annual_url(year: int) -> str:
    return f"reports/annual-{year}.html"


def write_annual_statistics(renderer: Renderer, catalogue: Catalogue) -> None:
    """The statistics part of each year's 政府信息公开工作年度报告, for the public site."""
    # Only what the public site shows today: an internal item's year, or a count of
    # items scheduled for later, would tell the public what the site does not.
    shown = [view.item for view in renderer.site.items]
    today = renderer.site.today
    years = report_years(shown, today)
    for year in years:
        renderer.write_page(
            annual_url(year),
            "annual.html",
            year=year,
            as_of=counted_until(year, today),
            doc_types=doc_type_counts(shown, year, today),
            categories=category_counts(catalogue, shown, year, today),
        )
    links = [(f"{y}年政府信息公开工作年度报告（统计部分）", annual_url(y)) for y in years]
    renderer.write_page("reports/index.html", "reports.html", links=links)


STATIC_PAGES = {
    "guide.html": "guide.html",
    "request.html": "request.html",
    "complaints.html": "complaints.html",
    "search.html": "search.html",
    "404.html": "404.html",
}
# The public site's own pages (政府网站与政务新媒体检查指标): 网站地图, 关于本网, 联系我们.
PUBLIC_PAGES = {
    "sitemap.html": "sitemap.html",
    "about.html": "about.html",
    "contact.html": "contact.html",
}
