"""What the build makes of a catalogue for each output: its site, its pages, its data."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Collection
from pathlib import Path

from ..catalogue import Catalogue
from ..output.files import OutputFiles
from ..search.index import INDEX_DIR, IndexWriter
from ..site.documents import PageImages
from ..site.exports import EXPORT_FILES, write_exports
from ..site.pages import BodyCache, SitePages
from ..site.render import KeysFor, Renderer
from ..site.select import VARIANTS, Variant
from ..site.views import Site, Views


def make_site(
    catalogue: Catalogue,
    variant: Variant,
    today: dt.date,
    out: Path,
    views: Views | None = None,
    only: Collection[str] | None = None,
) -> Site:
    """The items ``variant`` shows today, as views with their cross-links resolved.

    ``views`` keeps views already made, for other outputs or earlier builds;
    ``only`` limits the views to those items (to write just their pages).
    """
    views = Views() if views is None else views
    shown = views.shown(catalogue, variant, today)
    if only is None:
        items = shown.items
    else:  # a few: their pages only, in any order
        items = [catalogue.by_path[p] for p in sorted(only) if p in shown.paths]
    site_views = views.output_views(catalogue, items, shown, today)
    return Site(catalogue.config, variant, site_views, today, out, selection=shown)


def all_pages(
    catalogue: Catalogue,
    today: dt.date,
    out: Path,
    views: Views,
    files: OutputFiles,
    bodies: BodyCache,
    keys_for: KeysFor,
    images: PageImages | None = None,
) -> list[SitePages]:
    """Every page of every output, to be written into ``out``.

    Their views and listings live until the build ends (``build_catalogue`` unfreezes),
    so collections leave them out as they do the items read: a full collection
    walking them took a fifth of a second at 10,000 items.
    """
    sites = [make_site(catalogue, v, today, out / v.name, views) for v in VARIANTS]
    pages = [
        SitePages(catalogue, site, files, bodies, keys_for=keys_for, images=images)
        for site in sites
    ]
    gc.freeze()
    return pages


def write_search_index(renderer: Renderer, indexes: IndexWriter) -> None:
    """The output's search index, made only if its items or the build's inputs (catalog.yaml,
    theme, day: the keys' build digest) changed, or the output lost one of its files, and
    then writing only the files whose text changed; its folder's entry in the ledger
    holds that key (``Manifest.marked_lost``). It needs none of the reports, so it is written
    while a worker writes them."""
    site, files = renderer.site, renderer.files
    folder = f"{site.variant.name}/{INDEX_DIR}/"
    key = renderer.keys.key("index", "", {"items": site.items})
    if files.record(folder, key):
        indexes.write(site, files)
    else:
        files.keep_under(folder)


def write_open_data(renderer: Renderer) -> None:
    """The open-data exports (feed, sitemap, catalogue), of every item and page of the
    output, its reports' too."""
    site, files = renderer.site, renderer.files
    if not site.variant.exports:
        return
    key = renderer.keys.key("data", "", {"items": site.items, "pages": site.pages})
    if files.record_all([f"{site.variant.name}/{f}" for f in EXPORT_FILES], key):
        write_exports(site)
