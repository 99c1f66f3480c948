"""``catalogue build``: the pipeline, stage by stage.

load config → read items → validate → select → render → index → write.

Everything is written into a staging folder that replaces the output only when
every stage has succeeded, so a failed build leaves the previous output
untouched. A ``Plan`` builds afresh; what a rebuild may reuse of earlier builds
(items read, pages written, what each output selected) plugs in from
``incremental/`` as a plan of its own.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from pathlib import Path

from ..catalogue import Catalogue, CatalogUnusable, ItemReader, load_catalogue
from ..output.files import OutputFiles
from ..output.writer import remove_stale_folders, staged_output
from ..parallel.collector import paused_collector
from ..parallel.processes import processes_for
from ..parallel.reading import ParallelReader
from ..parallel.rendering import PageWorkers, WorkerFailed
from ..parallel.terms import ParallelTerms
from ..problems import Problem, errors
from ..search.index import IndexWriter, ItemTerms
from ..site.documents import PageImages
from ..site.pages import BodyCache, SitePages, write_reports
from ..site.render import no_keys
from ..site.select import PUBLIC
from ..site.views import Views
from .context import BuildContext, BuildRefused, BuildResult
from .failures import stage_problem
from .links import refuse_broken_links
from .outputs import all_pages, write_open_data, write_search_index


def build_catalogue(ctx: BuildContext, plan: Plan | None = None) -> BuildResult:
    """Build every output into ``ctx.out``, as ``plan`` says (by default afresh)."""
    plan = plan or Plan()
    remove_stale_folders(ctx.out)  # what builds killed before they could clean up left
    if plan.up_to_date(ctx):
        warnings = plan.kept_warnings(ctx)
        return BuildResult(
            ctx.out.resolve(), problems=warnings, skipped=True, seconds=ctx.elapsed()
        )
    catalogue = read_catalogue(ctx, plan)
    try:
        result = BuildResult(ctx.out.resolve(), problems=catalogue.problems)
        plan.write(catalogue, ctx, result)
    except WorkerFailed as exc:
        if exc.problem is None:
            raise RuntimeError(exc.trace) from exc  # a bug, as if it had happened here
        raise BuildRefused([exc.problem]) from exc
    except Exception as exc:
        problem = stage_problem(catalogue.root, exc)
        if problem is None:
            raise
        raise BuildRefused([problem]) from exc
    finally:
        gc.unfreeze()
    plan.finish(ctx, result)
    result.seconds = ctx.elapsed()
    return result


def write_data(pages: list[SitePages], workers: PageWorkers, indexes: IndexWriter) -> None:
    """Each output's search index and open data, while a worker writes its reports: the
    index needs none of them, so it is written before waiting for them."""
    for site_pages in pages:
        write_search_index(site_pages.renderer, indexes)
        workers.write_reports(site_pages)  # the pages they add go into the exports
        write_open_data(site_pages.renderer)


def page_workers(
    catalogue: Catalogue,
    pages: list[SitePages],
    files: OutputFiles,
    processes: int,
    pages_written: bool = False,
) -> PageWorkers:
    """The workers that write ``pages`` and their sites' reports (``PageWorkers``)."""
    problem_for = functools.partial(stage_problem, catalogue.root)
    reports = functools.partial(_write_site_reports, catalogue)
    return PageWorkers(pages, files, processes, problem_for, reports, pages_written)


def _write_site_reports(catalogue: Catalogue, pages: SitePages) -> None:
    write_reports(catalogue, pages.renderer)


def read_catalogue(ctx: BuildContext, plan: Plan) -> Catalogue:
    """Load config → read items → validate; a catalogue with errors is refused."""
    with paused_collector():
        try:
            catalogue = load_catalogue(ctx.root, plan.reader(ctx), plan.content)
        except CatalogUnusable as unusable:
            problems = unusable.problems
            raise BuildRefused(errors(problems, ctx.strict) or problems) from None
        # Collections from here on look only at what rendering makes; were the items
        # still tracked, the first one would walk every object just read (collector.py).
        gc.freeze()
    try:
        # The day's warnings too (overdue series, late stages, replies and the annual
        # report due), as ``validate`` reports them.
        catalogue.problems += catalogue.duty_problems(ctx.today)
        catalogue.problems.sort(key=Problem.sort_key)
        ctx.stage_done(f"已读取并校验 {len(catalogue.items)} 个条目")
        if ctx.preview:
            catalogue.allow_drafts()
        if catalogue.failed(ctx.strict):
            raise BuildRefused(errors(catalogue.problems, ctx.strict) or catalogue.problems)
    except BaseException:
        gc.unfreeze()  # ``build_catalogue`` unfreezes once writing has begun
        raise
    return catalogue


class Plan:
    """How a build writes its output: here afresh, keeping nothing of earlier builds.

    ``incremental.update.Reuse`` overrides the hooks (``up_to_date``, ``reader``, the
    ledger of files, the views, the page keys, ``record``) to reuse their work.
    """

    content: list[str] | None = None  # the files under content/, if known already
    keys_for = staticmethod(no_keys)  # how pages are keyed: not at all, so all are written

    def up_to_date(self, ctx: BuildContext) -> bool:
        """Is the output already what this build would make?"""
        return False

    def reader(self, ctx: BuildContext) -> ItemReader:
        return ParallelReader()

    def files(self, catalogue: Catalogue, ctx: BuildContext) -> OutputFiles:
        """The ledger of the files this build writes: every file is new."""
        return OutputFiles("", None)

    def views(self, catalogue: Catalogue, ctx: BuildContext) -> Views:
        return Views()

    def page_images(self, ctx: BuildContext) -> PageImages:
        """How the kiosk's PDF pages are rendered: afresh, every one."""
        return PageImages()

    def item_terms(self, ctx: BuildContext) -> Callable[[bool], ItemTerms]:
        """What makes the store of item terms the indexes share (told whether to keep
        them): here an empty one, the terms worked out on every core."""
        return ParallelTerms

    def write(self, catalogue: Catalogue, ctx: BuildContext, result: BuildResult) -> None:
        files = self.files(catalogue, ctx)
        self.write_afresh(catalogue, ctx, result, files, self.views(catalogue, ctx))
        result.written = len(files.changed()) + len(files.gone())

    def write_afresh(
        self,
        catalogue: Catalogue,
        ctx: BuildContext,
        result: BuildResult,
        files: OutputFiles,
        views: Views,
    ) -> None:
        """Select → render → index → write, into a staging folder that replaces the output."""
        processes = processes_for(len(catalogue.items))
        with staged_output(ctx.out) as stage:
            pages = all_pages(
                catalogue,
                ctx.today,
                stage,
                views,
                files,
                BodyCache(),
                self.keys_for,
                self.page_images(ctx),
            )
            with page_workers(catalogue, pages, files, processes) as workers:
                for site_pages in pages:
                    site = site_pages.site
                    site_pages.write(workers.share)  # while the workers write theirs
                    site_pages.forget_listings()
                    workers.wait_for(site.variant.name)
                    ctx.stage_done(
                        f"{site.variant.label}：{len(site.items)} 个条目，{len(site.pages)} 个页面"
                    )
                    result.counts[site.variant.label] = len(site.items)
                ctx.stage_done(f"页面已写入：{len(files.changed())} 个文件有变化")
                write_data(pages, workers, IndexWriter(self.item_terms(ctx)))
            refuse_broken_links(ctx, stage / PUBLIC.name, catalogue.config.site.base_url)
            ctx.stage_done("搜索索引已生成")
            self.record(files, pages, stage)
        # Only now are the pages in ``out``: a preview that reloaded earlier would find none.
        ctx.pages_done(result)  # the progress lines above said it

    def record(self, files: OutputFiles, pages: list[SitePages], folder: Path) -> None:
        """Leave in ``folder`` what the next build needs to know of this one."""

    def kept_warnings(self, ctx: BuildContext) -> list[Problem]:
        """The warnings of the build that made an output ``up_to_date`` found current."""
        return []

    def finish(self, ctx: BuildContext, result: BuildResult) -> None:
        """The output is written."""
