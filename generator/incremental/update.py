"""A rebuild that reuses earlier builds' work: the ``Reuse`` plan of a build.

It keys every output file (pagecache.py) and writes only those whose key
changed, keeps the items read (itemcache.py) and what each output selected and
listed (lastbuild.py), and skips a build whose inputs are those of the output
(fingerprint.py). Keys are content digests, never timestamps, so a rebuild
makes the bytes a build afresh makes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..build.context import BuildContext, BuildResult
from ..build.links import refuse_broken_links
from ..build.outputs import all_pages, make_site
from ..build.pipeline import Plan, page_workers, write_data
from ..catalogue import Catalogue, ItemReader
from ..output.files import (
    MANIFEST_FILE,
    Manifest,
    OutputFiles,
    folders_as_recorded,
    in_progress,
    mark_in_progress,
    record_folders,
)
from ..output.writer import OutputUpdate
from ..parallel.processes import processes_for
from ..parallel.reading import ParallelReader
from ..parallel.terms import ParallelTerms
from ..problems import Problem
from ..search.index import INDEX_DIR, IndexWriter, ItemTerms
from ..site.documents import PageImages
from ..site.pages import BodyCache, SitePages, write_item_pages
from ..site.render import theme_dir
from ..site.select import PUBLIC, VARIANTS
from ..source.items import content_files
from .edits import Listings
from .fingerprint import (
    INPUTS_FILE,
    input_fingerprint,
    record_inputs,
    record_warnings,
    recorded_warnings,
    up_to_date,
)
from .itemcache import ItemCache, Stamp, file_stamps
from .lastbuild import LastBuild, remembered_folders
from .pagecache import PageKeys, build_digest
from .pageimages import SealedPageImages
from .postingcache import KeptPostings, TermsAndKeptPostings
from .termcache import KeptTerms
from .viewcache import ViewCache

EDITED_FIRST = 20  # up to this many edited items get their pages written ahead of the rest


class Reuse(Plan):
    """Reuse what earlier builds made of the same inputs.

    ``items`` keeps items read by earlier builds and ``last`` what the last build
    selected and listed: a preview keeps both between rebuilds; otherwise ``last``
    is kept beside the output. Without ``reuse_output``, every file is written
    again (``catalogue build --no-cache``). A plan serves one build: make a new one for the
    next (``catalogue serve`` keeps ``items`` and ``last`` between them).
    """

    keys_for = PageKeys

    def __init__(
        self,
        items: ItemCache | None = None,
        last: LastBuild | None = None,
        reuse_output: bool = True,
        folders: Path | None = None,
    ) -> None:
        self.items = items
        self.last = last
        self.folders = folders  # where the output's folders' times are kept, if not beside ``last``
        self.saves_last = last is None
        self.reuse_output = reuse_output
        self.fingerprint: str | None = None
        self.stamps: dict[str, Stamp] = {}
        self.previous = False  # ``out`` held a build with a manifest of its files
        self.kept_terms: KeptTerms | None = None
        self.kept_postings: KeptPostings | None = None
        self.terms: TermsAndKeptPostings | None = None  # what this build's indexes used
        self.manifest: Manifest | None = None  # the ledger of the files this build made

    def up_to_date(self, ctx: BuildContext) -> bool:
        """Compares the inputs' fingerprint with the output's, keeping what it stat'ed
        (the files under content/ and their stamps) for ``reader``."""
        self.content = content_files(ctx.root.resolve())
        self.stamps = file_stamps(self.content)
        now = time.time_ns()
        self.fingerprint = input_fingerprint(
            ctx.root.resolve(), ctx.today, ctx.mode, self.stamps, now
        )
        # Without reuse_output nothing of the output is trusted, its record included.
        return self.reuse_output and up_to_date(ctx.out, self.fingerprint, self.folders_record(ctx))

    def folders_record(self, ctx: BuildContext) -> Path:
        """Where the change times of the output's folders are kept (``record_folders``):
        beside the last build's record, or where ``catalogue serve`` keeps its output."""
        return self.folders or remembered_folders(ctx.root, ctx.out)

    def reader(self, ctx: BuildContext) -> ItemReader:
        if self.items is None:
            return ParallelReader()
        self.items.stamps = self.stamps  # read by the load that follows, then dropped
        return self.items

    def item_terms(self, ctx: BuildContext) -> Callable[[bool], ItemTerms]:
        """A store of item terms holding the terms and postings the last build kept
        (termcache.py, postingcache.py), read when an index first needs them and saved
        by ``finish``; with --no-cache, an empty one, as a build afresh has."""
        if not self.reuse_output:
            return ParallelTerms
        self.kept_terms, self.kept_postings = KeptTerms(ctx.root), KeptPostings(ctx.root)

        def kept(keep: bool) -> ItemTerms:
            assert self.kept_terms is not None and self.kept_postings is not None
            if not keep:
                return ParallelTerms(False)
            self.terms = TermsAndKeptPostings(self.kept_terms.load(), self.kept_postings.load())
            return self.terms

        return kept

    def page_images(self, ctx: BuildContext) -> PageImages:
        """PDF pages kept by their digest, unless the build keeps no cache (--no-cache)."""
        return SealedPageImages(ctx.root) if self.reuse_output else PageImages()

    def files(self, catalogue: Catalogue, ctx: BuildContext) -> OutputFiles:
        build = build_digest(catalogue.root, theme_dir(catalogue.root), ctx.today, ctx.mode)
        previous = Manifest.load(ctx.out) if self.reuse_output else None
        if previous is not None and not folders_as_recorded(ctx.out, self.folders_record(ctx)):
            previous = previous.marked_lost(previous.lost_from(ctx.out))  # made again
        self.previous = previous is not None
        files = OutputFiles(build, previous)
        if self.last is None:
            self.last = LastBuild.load(ctx.root, ctx.out) if files.reusing else LastBuild()
        return files

    def write(self, catalogue: Catalogue, ctx: BuildContext, result: BuildResult) -> None:
        files = self.files(catalogue, ctx)
        assert self.last is not None  # loaded with the ledger of files
        if self.saves_last:  # the output is about to change: saved again in ``finish``
            LastBuild.forget(ctx.root, ctx.out)
        views = self.last.views
        views.start(files.manifest.build, catalogue)
        result.updated = files.reusing
        if files.reusing:
            Update(self, catalogue, ctx, result, files).write(views)
        else:
            self.write_afresh(catalogue, ctx, result, files, views)
        result.written = len(files.changed()) + len(files.gone())

    def record(self, files: OutputFiles, pages: list[SitePages], folder: Path) -> None:
        """Record in ``folder`` what the output is made of, and remember its listings."""
        assert self.last is not None
        self.last.listings = Listings.of(files.manifest.build, self.last.views, pages)
        files.manifest.save(folder)
        self.manifest = files.manifest

    def kept_warnings(self, ctx: BuildContext) -> list[Problem]:
        return recorded_warnings(ctx.out)

    def finish(self, ctx: BuildContext, result: BuildResult) -> None:
        """The output is in place: remember it for the next build."""
        if self.saves_last and self.last is not None:
            self.last.save(ctx.root, ctx.out)
        record_warnings(ctx.out, result.problems)
        record_inputs(ctx.out, self.fingerprint)
        if in_progress(ctx.out):  # an update's: every file and record is now written
            mark_in_progress(ctx.out, False)
        if self.manifest is not None:  # last: nothing changes the output's folders after
            record_folders(ctx.out, self.manifest, self.folders_record(ctx))
        if self.terms is not None:  # for the next build: the output is complete
            assert self.kept_terms is not None and self.kept_postings is not None
            self.kept_terms.save(self.terms)
            if self.terms.made:  # else the file holds them already
                self.kept_postings.save(self.terms.to_keep())


class Update:
    """Only the changed files, in steps: the pages of the items changed since the last
    build (a preview shows them at once), the listings that show them (edits.py),
    every other changed page, then what is made from all pages.

    Each step is written beside the output and moved in only when it has succeeded;
    until the last, the search index still describes the previous pages. If any
    step fails, the previous output is put back.
    """

    def __init__(
        self,
        plan: Reuse,
        catalogue: Catalogue,
        ctx: BuildContext,
        result: BuildResult,
        files: OutputFiles,
    ) -> None:
        self.plan, self.catalogue, self.ctx, self.result = plan, catalogue, ctx, result
        self.files = files
        self.bodies = BodyCache()
        self.update = OutputUpdate(ctx.out)

    def write(self, views: ViewCache) -> None:
        try:
            ahead = False
            if views.changed and len(views.changed) <= EDITED_FIRST:
                ahead = self.write_edits_first(views)
            self.write_the_rest(views, ahead)
        except BaseException:
            self.update.undo()
            raise
        finally:
            self.update.finish()
        self.ctx.stage_done("报表、数据和搜索索引已更新")

    def write_edits_first(self, views: ViewCache) -> bool:
        """The pages of the items changed since the last build, then the listings that
        show them (edits.py), each moved into the output as soon as it is written.

        Returns whether every changed listing was written.
        """
        catalogue, ctx, files = self.catalogue, self.ctx, self.files
        with self.update.step() as overlay:
            for variant in VARIANTS:
                folder = overlay.folder / variant.name
                site = make_site(catalogue, variant, ctx.today, folder, views, only=views.changed)
                write_item_pages(catalogue, site, files, self.bodies, PageKeys)
        ctx.pages_done(self.result, "修改的条目页面已写入")
        with self.update.step() as overlay:
            assert self.plan.last is not None
            listings = self.plan.last.listings
            ahead = listings.write_rows_of_changes(
                catalogue, views, ctx.today, files, overlay.folder
            )
        if ahead:
            ctx.pages_done(self.result, "显示修改条目的列表页已写入")
        return ahead

    def write_the_rest(self, views: ViewCache, ahead: bool) -> None:
        """Every other changed page, then the search indexes, reports and exports where
        an item changed, each step moved in as it succeeds; then the record.

        As in a build afresh, the reports are written in a worker (where the catalogue
        is large enough to fork for): it starts as the pages do, writing into the last
        step, while this process writes the pages and then the indexes.
        """
        out, files, catalogue, ctx = self.ctx.out, self.files, self.catalogue, self.ctx
        processes = processes_for(len(catalogue.items))
        with self.update.step() as data:
            pages = all_pages(
                catalogue,
                ctx.today,
                data.folder,
                views,
                files,
                self.bodies,
                PageKeys,
                self.plan.page_images(ctx),
            )
            with page_workers(catalogue, pages, files, processes, pages_written=True) as workers:
                self.write_pages(pages, ahead)
                indexes = IndexWriter(self.plan.item_terms(ctx), previous=out)
                write_data(pages, workers, indexes)
            data.gone = files.gone()
        self.check_links()
        self.plan.record(files, pages, out)

    def write_pages(self, pages: list[SitePages], ahead: bool) -> None:
        """Every other changed page, in a step of its own (the worker writes the
        reports into the step after it)."""
        files, writes = self.files, self.files.writes
        with self.update.step() as overlay:
            for site_pages in pages:
                site = site_pages.site
                data_folder, site.out = site.out, overlay.folder / site.variant.name
                try:
                    site_pages.write()
                    site_pages.forget_listings()
                finally:
                    site.out = data_folder  # where the reports, indexes and exports go
                self.result.counts[site.variant.label] = len(site.items)
            # The output is about to change: what it was made of no longer holds.
            overlay.gone = [MANIFEST_FILE, INPUTS_FILE]
        if files.writes > writes or not ahead:
            self.ctx.pages_done(self.result, f"页面已写入：{len(files.changed())} 个文件有变化")

    def check_links(self) -> None:
        """The public site's links, in the pages this update wrote: a page left as it was
        kept its links, and the files they lead to are still there unless one is gone."""
        public, index = f"{PUBLIC.name}/", f"{PUBLIC.name}/{INDEX_DIR}/"
        if any(p.startswith(public) and not p.startswith(index) for p in self.files.gone()):
            pages = None  # every page: one may link to the file gone (never to the index)
        else:
            changed = (p[len(public) :] for p in self.files.changed() if p.startswith(public))
            pages = [p for p in changed if p.endswith(".html")]
        base_url = self.catalogue.config.site.base_url
        refuse_broken_links(self.ctx, self.ctx.out / PUBLIC.name, base_url, pages)
