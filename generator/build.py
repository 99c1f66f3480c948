"""``catalogue build``: the whole pipeline, stage by stage.

load config → read items → validate → select → render → index → write.
Everything is written into a staging folder that replaces build/ only when every
stage has succeeded, so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import os
import stat
import time
import traceback
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .catalogue import Catalogue, ItemReader, load_catalogue
from .incremental.edits import Listings
from .incremental.itemcache import RACY_NS, ItemCache, Stamp, file_stamps, followed_stamp
from .incremental.lastbuild import REMEMBERED_FILE, LastBuild
from .incremental.pagecache import PageKeys, build_digest
from .incremental.sources import generator_files
from .output.files import MANIFEST_FILE, Manifest, OutputFiles
from .output.writer import OutputUpdate, staged_output
from .parallel.collector import paused_collector
from .parallel.processes import processes_for
from .parallel.reading import ParallelReader
from .parallel.rendering import PageWorkers, WorkerFailed
from .problems import Problem, errors
from .search.indexing import Indexing, merged_index, plan_search
from .search.kiosk import INDEX_SCRIPT, write_kiosk_index
from .search.pagefind import SearchIndexError
from .site.exports import EXPORT_FILES, write_exports
from .site.pages import BodyCache, SitePages, write_item_pages, write_reports
from .site.render import THEMES_DIR, Renderer, theme_dir
from .site.select import VARIANTS, Variant
from .site.views import Site, ViewCache
from .source.config import CATALOG_FILE
from .source.items import content_files


class BuildRefused(Exception):
    """The catalogue has errors, or a stage failed; the previous output is untouched."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class BuildResult:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False  # nothing changed since the last build
    pages_seconds: float = 0.0  # until the first changed pages were written (an edited item's)
    all_pages_seconds: float = 0.0  # until every changed page was written
    written: int = 0  # files written or removed
    updated: bool = False  # only changed files were written, the rest kept

    def summary_lines(self) -> list[str]:
        if self.skipped:
            return [f"没有变化：{self.out} 已是最新（用时 {self.seconds:.2f} 秒）。"]
        lines = [f"{name}：{count} 个条目" for name, count in self.counts.items()]
        if self.updated:
            lines.append(
                f"只更新了有变化的 {self.written} 个文件：修改的条目页面用时 "
                f"{self.pages_seconds:.2f} 秒，全部页面用时 {self.all_pages_seconds:.2f} 秒，"
                "搜索索引等随后更新。"
            )
        return [*lines, f"已生成到 {self.out}（用时 {self.seconds:.1f} 秒）。"]


def make_site(
    catalogue: Catalogue,
    variant: Variant,
    today: dt.date,
    out: Path,
    views: ViewCache | None = None,
    only: Collection[str] | None = None,
) -> Site:
    """The items ``variant`` shows today, as views with their cross-links resolved.

    ``views`` keeps views already made, for other outputs or earlier builds;
    ``only`` limits the views to those items (to write just their pages).
    """
    assert catalogue.config is not None
    if views is None:
        views = ViewCache()
        views.start("", catalogue)
    shown = views.shown(catalogue, variant, today)
    if only is None:
        items = shown.items
    else:  # a few: their pages only, in any order
        items = [catalogue.by_path[p] for p in sorted(only) if p in shown.paths]
    site_views = views.output_views(catalogue, items, shown, today)
    site = Site(catalogue.config, variant, site_views, today, out, selection=shown)
    if (other := merged_index(variant)) is not None:
        site.indexed_elsewhere = views.shown(catalogue, other, today).paths
    return site


def all_pages(
    catalogue: Catalogue,
    today: dt.date,
    out: Path,
    views: ViewCache,
    files: OutputFiles,
    bodies: BodyCache,
) -> list[SitePages]:
    """Every page of every output, to be written into ``out``.

    Their views and listings live until the build ends (``build_catalogue`` unfreezes),
    so collections leave them out as they do the items read: a full collection
    walking them took a fifth of a second at 10,000 items.
    """
    sites = [make_site(catalogue, v, today, out / v.name, views) for v in VARIANTS]
    pages = [SitePages(catalogue, site, files, bodies, keys_for=PageKeys) for site in sites]
    gc.freeze()
    return pages


def write_data(renderer: Renderer) -> None:
    """Open-data exports and the kiosk's script index, made from every item of the output."""
    site, files = renderer.site, renderer.files
    key = renderer.keys.key("data", "", {"items": site.items, "pages": site.pages})
    name = site.variant.name
    if site.variant.exports and files.record_all([f"{name}/{f}" for f in EXPORT_FILES], key):
        write_exports(site)
    if site.variant.touch and files.record(f"{name}/{INDEX_SCRIPT}", key):
        write_kiosk_index(site)


INPUTS_FILE = ".catalogue-inputs"  # in the output: what it was built from


def input_fingerprint(
    root: Path, today: dt.date, strict: bool, content: Mapping[str, Stamp], now_ns: int
) -> str | None:
    """A digest of every input's path, size and change times (``content`` holds the
    ``file_stamps`` of the files under content/), the build day and the generator's
    own source: equal fingerprints mean an identical output.

    None when an input changed within ``RACY_NS`` of ``now_ns``: a second write
    in the same clock tick could keep every stamp, so, as in git's "racily
    clean" rule, such a fingerprint cannot vouch for the output.
    """
    digest = hashlib.sha256(f"{today}|{strict}".encode())
    sources = [str(root / CATALOG_FILE), *(str(p) for p in generator_files())]
    for folder, _, names in sorted(os.walk(root / THEMES_DIR)):
        sources += [os.path.join(folder, name) for name in sorted(names)]
    stamps = [*content.items(), *((path, followed_stamp(path)) for path in sources)]
    newest = 0
    for path, stamp in stamps:
        if stat.S_ISLNK(stamp[0] if stamp else 0):
            stamp = followed_stamp(path)
        if stamp:  # ctime too: restoring a file's mtime cannot restore it
            _, size, mtime, _, ctime = stamp
            digest.update(f"{path}|{size}|{mtime}|{ctime}\n".encode())
            newest = max(newest, mtime, ctime)
    return None if newest >= now_ns - RACY_NS else digest.hexdigest()


def up_to_date(out: Path, fingerprint: str | None) -> bool:
    marker = out / INPUTS_FILE
    return (
        fingerprint is not None
        and marker.is_file()
        and marker.read_text(encoding="utf-8") == fingerprint
    )


def record_inputs(out: Path, fingerprint: str | None) -> None:
    """Mark ``out`` as built from ``fingerprint``, or as unvouched for when it is None."""
    marker = out / INPUTS_FILE
    if fingerprint is None:
        marker.unlink(missing_ok=True)
    else:
        marker.write_text(fingerprint, encoding="utf-8")


Progress = Callable[[str], None]  # receives one line per finished stage
EDITED_FIRST = 20  # up to this many edited items get their pages written ahead of the rest


@dataclass
class Stages:
    """What the stages of one build report to, and what the next build keeps of them."""

    result: BuildResult
    pages_done: Progress  # changed pages are in the output, so the open page may reload
    stage_done: Progress
    last: LastBuild  # what it selected and listed (lastbuild.py)
    saves_last: bool  # ``last`` is kept beside the output, not by the caller

    def record(self, files: OutputFiles, pages: list[SitePages], folder: Path) -> None:
        """Record in ``folder`` what the output is made of; then remember its listings."""
        listings = Listings.of(files.manifest.build, self.last.views, pages)
        if self.saves_last:
            LastBuild(self.last.views, listings).save(folder)
        files.manifest.save(folder)
        self.last.listings = listings


def build_catalogue(
    root: Path,
    out: Path,
    today: dt.date,
    strict: bool = False,
    preview: bool = False,
    progress: Progress | None = None,
    on_pages: Callable[[BuildResult], None] | None = None,
    items: ItemCache | None = None,
    reuse: bool = True,
    last: LastBuild | None = None,
) -> BuildResult:
    """Build every output into ``out``; ``preview`` also shows unapproved items as drafts.

    With ``reuse``, when ``out`` holds a build made with the same theme,
    catalog.yaml, generator and day, only the files whose inputs changed are
    written: pages first (then ``on_pages`` is called), then reports, exports and
    search indexes. ``items`` keeps items read by earlier builds (itemcache.py) and
    ``last`` what the last build selected and listed (lastbuild.py): a preview keeps
    both between rebuilds, otherwise ``last`` is kept beside the output.
    """
    started = time.monotonic()

    def stage_done(text: str) -> None:
        if progress is not None:
            progress(f"[{time.monotonic() - started:6.1f} 秒] {text}")

    content = content_files(root.resolve())
    stamps = file_stamps(content)
    fingerprint = input_fingerprint(root.resolve(), today, strict, stamps, time.time_ns())
    if fingerprint is not None and preview:
        fingerprint += "-preview"
    if up_to_date(out, fingerprint):
        return BuildResult(out.resolve(), skipped=True, seconds=time.monotonic() - started)
    with paused_collector():
        reader: ItemReader = ParallelReader() if items is None else items
        if items is not None:
            items.stamps = stamps
        catalogue = load_catalogue(root, reader, content)
        # Collections from here on look only at what rendering makes; were the items
        # still tracked, the first one would walk every object just read (collector.py).
        gc.freeze()
    try:
        stage_done(f"已读取并校验 {len(catalogue.items)} 个条目")
        if preview:
            catalogue.allow_drafts()
        if catalogue.failed(strict):
            raise BuildRefused(errors(catalogue.problems, strict) or catalogue.problems)
        mode = "preview" if preview else "strict" if strict else "build"
        build = build_digest(catalogue.root, theme_dir(catalogue.root), today, mode)
        previous = Manifest.load(out) if reuse else None
        files = OutputFiles(build, previous)
        saves_last = last is None
        if last is None:
            last = LastBuild.load(out) if files.reusing else LastBuild()
        views = last.views
        views.start(build, catalogue)
        result = BuildResult(out.resolve(), problems=catalogue.problems)

        def pages_done(text: str) -> None:
            """Changed pages are in ``out``; ``text``, if any, is a line of progress."""
            result.all_pages_seconds = time.monotonic() - started
            result.pages_seconds = result.pages_seconds or result.all_pages_seconds
            if text:
                stage_done(text)
            if on_pages is not None:
                on_pages(result)

        stages = Stages(result, pages_done, stage_done, last, saves_last)
        result.updated = files.reusing
        if files.reusing:
            _update(catalogue, out, today, files, views, stages)
        else:  # with the previous build's index files, where they still serve
            _build_afresh(catalogue, out, today, files, views, stages, out if previous else None)
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
    result.written = len(files.changed()) + len(files.gone())
    record_inputs(out, fingerprint)
    result.seconds = time.monotonic() - started
    return result


def _build_afresh(
    catalogue: Catalogue,
    out: Path,
    today: dt.date,
    files: OutputFiles,
    views: ViewCache,
    stages: Stages,
    earlier: Path | None,
) -> None:
    """Every file into a staging folder that replaces ``out`` when all stages succeed.

    Indexing is the slowest stage, so each output's index shards are built in the
    background as soon as its pages are written, while the rest renders. Index
    runs reuse what they can of the index files in ``earlier`` (a previous build).
    """
    processes = processes_for(len(catalogue.items))
    with staged_output(out) as stage, Indexing(stage, stage, processes, earlier) as indexing:
        pages = all_pages(catalogue, today, stage, views, files, BodyCache())
        shards = plan_search([p.site for p in pages])
        problem_for = functools.partial(stage_problem, catalogue.root)
        with PageWorkers(pages, files, processes, problem_for) as workers:
            for site_pages in pages:
                site = site_pages.site
                site_pages.write(workers.share)  # while the workers write theirs
                site_pages.forget_listings()
                workers.wait_for(site.variant.name)
                stages.stage_done(
                    f"{site.variant.label}：{len(site.items)} 个条目，{len(site.pages)} 个页面"
                )
                stages.result.counts[site.variant.label] = len(site.items)
                for shard in shards:
                    if shard.variant == site.variant.name:
                        files.record(shard.path, shard.key(files))
                        indexing.add(shard)
        indexing.widen()
        stages.stage_done(f"页面已写入：{len(files.changed())} 个文件有变化")
        for site_pages in pages:  # while the indexes are built
            write_reports(catalogue, site_pages.renderer)
            write_data(site_pages.renderer)
        indexing.wait()
        stages.stage_done("搜索索引已生成")
        stages.record(files, pages, stage)
    # Only now are the pages in ``out``: a preview that reloaded earlier would find none.
    stages.pages_done("")  # the progress lines above said it


def _update(
    catalogue: Catalogue,
    out: Path,
    today: dt.date,
    files: OutputFiles,
    views: ViewCache,
    stages: Stages,
) -> None:
    """Only the changed files, in steps: the pages of the items changed since the last
    build (a preview shows them at once), the listings that show them (edits.py),
    every other changed page, then what is made from all pages.

    Each step is written beside ``out`` and moved in only when it has succeeded;
    until the last, the search index still describes the previous pages. If any
    step fails, the previous output is put back.
    """
    update = OutputUpdate(out)
    bodies = BodyCache()
    ahead = False
    try:
        if views.changed and len(views.changed) <= EDITED_FIRST:
            ahead = _write_edits_first(catalogue, today, files, views, bodies, update, stages)
        writes = files.writes
        with update.step() as overlay:
            pages = all_pages(catalogue, today, overlay.folder, views, files, bodies)
            shards = plan_search([p.site for p in pages])
            for site_pages in pages:
                site_pages.write()
                site_pages.forget_listings()
                stages.result.counts[site_pages.site.variant.label] = len(site_pages.site.items)
            # The output is about to change: what it was made of no longer holds.
            overlay.gone = [MANIFEST_FILE, INPUTS_FILE, REMEMBERED_FILE]
        if files.writes > writes or not ahead:
            stages.pages_done(f"页面已写入：{len(files.changed())} 个文件有变化")
        with update.step() as overlay, Indexing(out, overlay.folder, earlier=out) as indexing:
            changed = [s for s in shards if files.record(s.path, s.key(files))]
            for shard in changed:
                indexing.add(shard)
            _move_sites(pages, overlay.folder)
            for site_pages in pages:
                write_reports(catalogue, site_pages.renderer)
                write_data(site_pages.renderer)
            indexing.wait()
            overlay.whole = {s.path.rstrip("/") for s in changed}
            overlay.gone = files.gone()
        stages.record(files, pages, out)
    except BaseException:
        update.undo()
        raise
    finally:
        update.finish()
    stages.stage_done("报表、数据和搜索索引已更新")


def _write_edits_first(
    catalogue: Catalogue,
    today: dt.date,
    files: OutputFiles,
    views: ViewCache,
    bodies: BodyCache,
    update: OutputUpdate,
    stages: Stages,
) -> bool:
    """Two steps of an update: the pages of the items changed since the last build,
    then the listings that show them (edits.py), each moved into the output as soon
    as it is written.

    Returns whether every changed listing was written.
    """
    with update.step() as overlay:
        for variant in VARIANTS:
            folder = overlay.folder / variant.name
            site = make_site(catalogue, variant, today, folder, views, only=views.changed)
            write_item_pages(catalogue, site, files, bodies, PageKeys)
    stages.pages_done("修改的条目页面已写入")
    with update.step() as overlay:
        listings = stages.last.listings
        ahead = listings.write_rows_of_changes(catalogue, views, today, files, overlay.folder)
    if ahead:
        stages.pages_done("显示修改条目的列表页已写入")
    return ahead


def _move_sites(pages: list[SitePages], folder: Path) -> None:
    """Have each output's next files written into ``folder``."""
    for site_pages in pages:
        site_pages.site.out = folder / site_pages.site.variant.name


def stage_problem(root: Path, exc: BaseException) -> Problem | None:
    """The problem to report for a stage that raised ``exc``; None for a bug."""
    if isinstance(exc, jinja2.TemplateError):
        return _template_problem(root, exc)
    if isinstance(exc, SearchIndexError):
        return Problem.make("B002", "build", 1, detail=exc)
    if isinstance(exc, OSError):
        where = str(exc.filename or "build")
        return Problem.make("B003", where, 1, detail=exc.strerror or exc)
    return None


def _template_problem(root: Path, exc: jinja2.TemplateError) -> Problem:
    """A template error located at its template file and line, like any other problem.

    Syntax errors carry their location; runtime errors (an undefined name) are
    located by the innermost template frame of the traceback.
    """
    where: tuple[str | None, int | None] = (
        getattr(exc, "filename", None),
        getattr(exc, "lineno", None),
    )
    if where[0] is None:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")
        ]
        if frames:
            where = (frames[-1].filename, frames[-1].lineno)
    name, line = where[0] or THEMES_DIR, where[1] or 1
    with contextlib.suppress(ValueError):
        name = Path(name).resolve().relative_to(root).as_posix()
    return Problem.make("B001", name, line, detail=exc.message or exc)
