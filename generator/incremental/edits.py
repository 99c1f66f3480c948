"""The listings an edit changes, written right after the edited items' own pages.

An update keys every page of every output to find the changed ones (update.py
``Update``): about a second for 10,000 items. Most edits change what an item
says and leave it in its place: the same items shown, in the same order, under
the same category, section and year, with the same links between them. Such an
edit changes only the edited items' own pages and the listings (home, 公开目录
and its facets) they are rows of, so those are written right after the edited
items' own pages.

Each build remembers its listings (``Listings``) by item path: which items each
output showed, in which order, under which facets, and each item's place.
``catalogue serve`` keeps them in memory, ``catalogue build`` beside its output
(lastbuild.py). When every item that changed since keeps its place, the next
build makes again, from those paths, just the listing pages with a changed item's
row: views are made for their rows alone, not for every item.

The full pass still follows and writes whatever these missed (OutputFiles knows
which keys the output already holds), so the output is the same either way;
only the moment the pages appear differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from ..catalogue import Catalogue
from ..output.files import OutputFiles
from ..site.pages import BodyCache, Facet, Listed, SitePages
from ..site.select import VARIANTS
from ..site.views import ItemView, Shown, Site
from .pagecache import PageKeys
from .viewcache import ViewCache


def place(view: ItemView) -> str:
    """What decides where an item is listed and what other items' pages say of it,
    as a string a build keeps beside its output."""
    linked = view.superseded_by is not None or bool(view.replaces)
    return repr(
        (
            view.index_no,
            view.published,  # the order, and the year facet
            view.category,
            view.owner,
            view.ended,  # current lists or the archive
            view.superseded_by,
            view.replaces,
            view.title if linked else None,  # linked items' pages show it
        )
    )


class LazyViews(Sequence[ItemView]):
    """Views of items named by path, made when first read: a remembered listing's
    rows, of which an edit needs a page or two."""

    def __init__(self, paths: list[str], make: Callable[[list[str]], list[ItemView]]) -> None:
        self.paths = paths
        self._make = make
        self._views: list[ItemView] | None = None

    def __len__(self) -> int:
        return len(self.paths)

    @overload
    def __getitem__(self, index: int) -> ItemView: ...
    @overload
    def __getitem__(self, index: slice) -> LazyViews: ...
    def __getitem__(self, index: int | slice) -> ItemView | LazyViews:
        if isinstance(index, slice):
            return LazyViews(self.paths[index], self._make)
        return self.views()[index]

    def __iter__(self) -> Iterator[ItemView]:
        return iter(self.views())

    def views(self) -> list[ItemView]:
        if self._views is None:
            self._views = self._make(self.paths)
        return self._views


FacetPaths = tuple[str, str, list[str]]  # a facet's key, name and items


@dataclass
class OutputListings:
    """One output's listings as its last build made them, by item path."""

    items: list[str]  # every item the output showed, newest first
    current: list[str]  # those on its current lists
    facets: dict[str, list[FacetPaths]]  # kind → its facets
    places: dict[str, str]  # item path → ``place`` of its view

    @classmethod
    def of(cls, written: SitePages) -> OutputListings:
        views, listed = written.site.items, written.listed
        return cls(
            [v.item.path for v in views],
            [v.item.path for v in listed.current],
            {
                kind: [(f.key, f.name, [v.item.path for v in f.items]) for f in kind_facets]
                for kind, kind_facets in listed.browse.items()
            },
            {v.item.path: place(v) for v in views},
        )

    def listed(self, make: Callable[[list[str]], list[ItemView]]) -> Listed:
        """What the listings showed, with each item's view made by ``make`` when read."""
        return Listed(
            LazyViews(self.current, make),
            {
                kind: [Facet(kind, key, name, LazyViews(paths, make)) for key, name, paths in fs]
                for kind, fs in self.facets.items()
            },
        )


class Listings:
    """The listings of a build, per output, by item path (see the module's docstring)."""

    def __init__(
        self,
        build: str = "",
        views_build: int = 0,
        outputs: dict[str, OutputListings] | None = None,
    ) -> None:
        self.build = build  # the build digest (pagecache.build_digest)
        self.views_build = views_build  # which build of its ViewCache it was (ViewCache.builds)
        self._outputs = outputs or {}

    @classmethod
    def of(cls, build: str, views: ViewCache, written: list[SitePages]) -> Listings:
        """The listings of the build with digest ``build`` that wrote ``written``."""
        outputs = {pages.site.variant.name: OutputListings.of(pages) for pages in written}
        return cls(build, views.builds, outputs)

    def write_rows_of_changes(
        self,
        catalogue: Catalogue,
        views: ViewCache,
        today: dt.date,
        files: OutputFiles,
        folder: Path,
    ) -> bool:
        """Write into ``folder`` the listings with a row of an item changed since the
        remembered build, made again from the remembered paths.

        False, with nothing written, when the last build is not the one remembered
        or a changed item moved: then only the full pass can tell what changed.
        """
        last_build = files.manifest.build == self.build and views.builds == self.views_build + 1
        if not (last_build and views.selects_as_before):
            return False
        written = []
        for variant in VARIANTS:
            known = self._outputs.get(variant.name)
            if known is None:
                return False
            shown = views.shown(catalogue, variant, today)
            make = _view_maker(catalogue, views, shown, today)
            changed = [path for path in views.changed if path in known.places]
            if any(place(view) != known.places[view.item.path] for view in make(changed)):
                return False
            items = LazyViews(known.items, make)
            out = folder / variant.name
            site = Site(catalogue.config, variant, items, today, out, selection=shown)
            listed = known.listed(make)
            pages = SitePages(catalogue, site, files, BodyCache(), listed, keys_for=PageKeys)
            written.append((pages, set(changed)))
        for pages, changed in written:
            for items, listing in pages.listing_groups():
                if _shows(items, changed):
                    for page in listing:
                        if any(_shows(value, changed) for value in page.context.values()):
                            pages.renderer.write(page)
        return True


def _shows(value: object, paths: set[str]) -> bool:
    """Whether ``value`` is rows of a listing (or home's latest items) with one of ``paths``."""
    return isinstance(value, LazyViews) and not paths.isdisjoint(value.paths)


def _view_maker(
    catalogue: Catalogue, views: ViewCache, shown: Shown, today: dt.date
) -> Callable[[list[str]], list[ItemView]]:
    """Makes the views of items (by path) for the output that shows ``shown``."""

    def make(paths: list[str]) -> list[ItemView]:
        items = [catalogue.by_path[path] for path in paths]
        return views.output_views(catalogue, items, shown, today)

    return make
