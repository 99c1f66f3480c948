"""``catalogue build``: the whole pipeline, stage by stage.

load config → read items → validate → select → render → index → write.
Everything is written into a staging folder that replaces build/ only when every
stage has succeeded, so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .catalogue import Catalogue, load_catalogue
from .config import CATALOG_FILE
from .exports import write_exports
from .items import CONTENT_DIR
from .kiosk import write_kiosk_index
from .pages import BodyCache, write_site
from .problems import Problem, errors
from .render import THEMES_DIR
from .search import (
    PAGEFIND_DIR,
    PUBLIC_INDEX_DIR,
    SearchIndexError,
    index_site,
    shard_names,
    share_public_index,
)
from .select import VARIANTS, Variant, select_items
from .views import Site, item_view, link_views
from .writer import staged_output


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

    def summary_lines(self) -> list[str]:
        if self.skipped:
            return [f"没有变化：{self.out} 已是最新（用时 {self.seconds:.2f} 秒）。"]
        lines = [f"{name}：{count} 个条目" for name, count in self.counts.items()]
        return [*lines, f"已生成到 {self.out}（用时 {self.seconds:.1f} 秒）。"]


def make_site(catalogue: Catalogue, variant: Variant, today: dt.date, out: Path) -> Site:
    """The items ``variant`` shows today, as views with their cross-links resolved."""
    assert catalogue.config is not None
    items = select_items(catalogue, variant, today)
    views = [item_view(i, catalogue.config, today) for i in items]
    for view in views:
        view.draft = view.item.path in catalogue.drafts
    nameable = {i.meta.index_no: i for i in catalogue.items if i.scope in variant.scopes}
    link_views(views, nameable)
    return Site(catalogue.config, variant, views, today, out)


@dataclass
class SearchPlan:
    """Which pages each output's Pagefind index covers, and which indexes it merges.

    Indexing is the slowest stage, so the public index is built once, in the
    background while the other outputs render, and the intranet indexes only the
    pages the public site lacks, merging the public index at search time.
    """

    public: Site | None
    own_pages: dict[str, list[str]]  # output name → item pages its own index covers

    @classmethod
    def for_sites(cls, sites: list[Site]) -> SearchPlan:
        public = next((s for s in sites if s.variant.exports), None)
        shared = [v.url for v in public.items] if public else []
        in_public = set(shared)
        own_pages: dict[str, list[str]] = {}
        for site in sites:
            if site.variant.touch:
                continue
            own = (
                shared if site is public else [v.url for v in site.items if v.url not in in_public]
            )
            own_pages[site.variant.name] = own
            site.merge_indexes = shard_names(PAGEFIND_DIR, len(own))[1:] if own else []
            if site is not public and shared:
                site.merge_indexes += shard_names(PUBLIC_INDEX_DIR, len(shared))[
                    1 if not own else 0 :
                ]
        return cls(public, own_pages)

    def index(self, site: Site, public_shards: Future[list[str]] | None) -> None:
        if site.variant.touch:
            write_kiosk_index(site)
            return
        if site is self.public:
            return  # indexed in the background
        own = self.own_pages[site.variant.name]
        copies: list[str] = []
        if public_shards is not None and self.public is not None:
            copies = share_public_index(self.public.out, site.out, public_shards.result())
        if own:
            index_site(site.out, own)
        elif copies:  # nothing of its own: the public index is its index
            (site.out / copies[0]).rename(site.out / PAGEFIND_DIR)


INPUTS_FILE = ".catalogue-inputs"  # in the output: what it was built from


def input_fingerprint(root: Path, today: dt.date, strict: bool) -> str:
    """A digest of every input's path, size and modification time, the build day and
    the generator's own source: equal fingerprints mean an identical output."""
    digest = hashlib.sha256(f"{today}|{strict}".encode())
    sources = [root / CATALOG_FILE, *sorted(Path(__file__).parent.glob("*.py"))]
    for folder in (root / CONTENT_DIR, root / THEMES_DIR):
        sources += sorted(p for p in folder.rglob("*") if p.is_file())
    for path in sources:
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def up_to_date(out: Path, fingerprint: str) -> bool:
    marker = out / INPUTS_FILE
    return marker.is_file() and marker.read_text(encoding="utf-8") == fingerprint


Progress = Callable[[str], None]  # receives one line per finished stage


def build_catalogue(
    root: Path,
    out: Path,
    today: dt.date,
    strict: bool = False,
    preview: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build every output into ``out``; ``preview`` also shows unapproved items as drafts."""
    started = time.monotonic()

    def stage_done(text: str) -> None:
        if progress is not None:
            progress(f"[{time.monotonic() - started:6.1f} 秒] {text}")

    fingerprint = input_fingerprint(root.resolve(), today, strict) + ("-preview" if preview else "")
    if up_to_date(out, fingerprint):
        return BuildResult(out.resolve(), skipped=True, seconds=time.monotonic() - started)
    catalogue = load_catalogue(root)
    stage_done(f"已读取并校验 {len(catalogue.items)} 个条目")
    if preview:
        catalogue.allow_drafts()
    if catalogue.failed(strict):
        raise BuildRefused(errors(catalogue.problems, strict) or catalogue.problems)
    result = BuildResult(out.resolve(), problems=catalogue.problems)
    try:
        with staged_output(out) as stage, ThreadPoolExecutor(max_workers=1) as background:
            sites = [make_site(catalogue, v, today, stage / v.name) for v in VARIANTS]
            search = SearchPlan.for_sites(sites)
            bodies = BodyCache()
            public_indexed = None
            for site in sites:
                write_site(catalogue, site, bodies)
                stage_done(
                    f"{site.variant.label}：{len(site.items)} 个条目，{len(site.pages)} 个页面"
                )
                if site is search.public:
                    pages = search.own_pages[site.variant.name]
                    public_indexed = background.submit(index_site, site.out, pages)
                search.index(site, public_indexed)
                if site.variant.exports:
                    write_exports(site)
                result.counts[site.variant.label] = len(site.items)
            if public_indexed is not None:
                public_indexed.result()
            stage_done("搜索索引已生成")
            (stage / INPUTS_FILE).write_text(fingerprint, encoding="utf-8")
    except jinja2.TemplateError as exc:
        raise BuildRefused([_template_problem(catalogue.root, exc)]) from exc
    except SearchIndexError as exc:
        raise BuildRefused([Problem.make("B002", "build", 1, detail=exc)]) from exc
    except OSError as exc:
        where = str(exc.filename or "build")
        raise BuildRefused([Problem.make("B003", where, 1, detail=exc.strerror or exc)]) from exc
    result.seconds = time.monotonic() - started
    return result


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
