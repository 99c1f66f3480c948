"""The listings an edit changes, written right after the edited items' own pages.

An update keys every page of every output to find the changed ones (build.py
``_update``): about a second for 10,000 items. Most edits change what an item
says and leave it in its place: the same items shown, in the same order, under
the same category, section and year, with the same links between them. Such an
edit changes only the edited items' own pages and the listings (home, 公开目录
and its facets) they are rows of, so those are written right after the edited
items' own pages:

- ``catalogue serve`` remembers which listings showed each item in its last
  build (``Listings``). When an edit keeps every item in its place, the
  remembered listings with the item's row are written with its new view: a few
  pages, in a few hundredths of a second.
- ``catalogue build`` has no last build in memory, so it makes every output's
  listings as they are now and writes those with the edited item's row. That
  takes most of a second; keying every page takes a second more.

The full pass still follows and writes whatever these missed (OutputFiles knows
which keys the output already holds), so the output is the same either way;
only the moment the pages appear differs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .pagecache import OutputFiles, PageKeys
from .pages import SitePages
from .render import Page, Renderer
from .views import ItemView, Site


def place(view: ItemView) -> tuple[object, ...]:
    """What decides where an item is listed and what other items' pages say of it."""
    linked = view.superseded_by is not None or bool(view.replaces)
    return (
        view.index_no,
        view.published,  # the order, and the year facet
        view.category,
        view.owner,
        view.ended,  # current lists or the archive
        view.superseded_by,
        view.replaces,
        view.title if linked else None,  # linked items' pages show it
    )


@dataclass
class OutputListings:
    """One output's listings as its last build made them, and the views they show."""

    root: Path
    site: Site
    keys: PageKeys  # the last build's, which knows the digests of its views
    pages: list[Page]
    rows: dict[str, list[int]]  # item path → the listings (indexes in pages) it is a row of
    views: dict[str, ItemView]  # item path → its view in those listings

    @classmethod
    def of(cls, written: SitePages) -> OutputListings:
        rows: dict[str, list[int]] = {}
        for index, page in enumerate(written.listings):
            for value in page.context.values():
                if isinstance(value, list) and value and isinstance(value[0], ItemView):
                    for view in value:  # rows, or the latest items on home
                        rows.setdefault(view.item.path, []).append(index)
        site = written.site
        views = {view.item.path: view for view in site.items}
        return cls(
            written.catalogue.root, site, written.renderer.keys, written.listings, rows, views
        )

    def keeps_places(self, edited: Site) -> bool:
        """Whether the output shows the same items as before, each edited one in its place."""
        if edited.shown != self.site.shown:
            return False
        return all(
            (old := self.views.get(view.item.path)) is not None and place(old) == place(view)
            for view in edited.items
        )

    def write_rows_of(self, edited: SitePages, files: OutputFiles, out: Path) -> None:
        """Write into ``out`` the listings with a row of ``edited``'s items, showing them anew."""
        new = {id(self.views[view.item.path]): view for view in edited.site.items}
        site = dataclasses.replace(self.site, out=out, pages=[])
        renderer = Renderer(self.root, site, files, self.keys)
        showing = {i for view in edited.site.items for i in self.rows.get(view.item.path, [])}
        for index in sorted(showing):
            page = self.pages[index]
            context = {name: _swapped(value, new) for name, value in page.context.items()}
            renderer.write(Page(page.url, page.template, context))


def _swapped(value: object, new: dict[int, ItemView]) -> object:
    """``value``, with any view in it that ``new`` replaces replaced."""
    if isinstance(value, list) and any(id(v) in new for v in value):
        return [new.get(id(v), v) for v in value]
    return value


class Listings:
    """The listings of a build, per output: the last build's (kept by a preview) or
    the ones being made."""

    def __init__(self) -> None:
        self.build = ""
        self._outputs: dict[str, OutputListings] = {}

    def remember(self, build: str, written: list[SitePages]) -> None:
        """Remember the listings of a build with digest ``build`` (pagecache.build_digest)."""
        self.build = build
        self._outputs = {pages.site.variant.name: OutputListings.of(pages) for pages in written}

    def write_rows_of(self, edited: list[SitePages], files: OutputFiles, folder: Path) -> bool:
        """Write into ``folder`` the listings that show the edited items, one ``SitePages``
        per output holding just their views (pages.write_item_pages).

        False, with nothing written, when the last build is not remembered or an
        edit moved some item: then only the full pass can tell what changed.
        """
        if files.manifest.build != self.build:
            return False
        outputs = [(self._outputs.get(pages.site.variant.name), pages) for pages in edited]
        if not all(known and known.keeps_places(pages.site) for known, pages in outputs):
            return False
        for known, pages in outputs:
            assert known is not None
            known.write_rows_of(pages, files, folder / pages.site.variant.name)
        return True
