"""``catalogue build``: the whole pipeline, stage by stage.

load config → read items → validate → select → render → index → write.
Everything is written into a staging folder that replaces build/ only when every
stage has succeeded, so a failed build leaves the previous output untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .catalogue import Catalogue, load_catalogue
from .exports import write_exports
from .kiosk import write_kiosk_index
from .pages import write_site
from .problems import Problem, errors
from .render import THEMES_DIR
from .search import SearchIndexError, index_site
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

    def summary_lines(self) -> list[str]:
        lines = [f"{name}：{count} 个条目" for name, count in self.counts.items()]
        return [*lines, f"已生成到 {self.out}（用时 {self.seconds:.1f} 秒）。"]


def make_site(catalogue: Catalogue, variant: Variant, today: dt.date, out: Path) -> Site:
    """The items ``variant`` shows today, as views with their cross-links resolved."""
    assert catalogue.config is not None
    items = select_items(catalogue, variant, today)
    views = [item_view(i, catalogue.config, today) for i in items]
    nameable = {i.meta.index_no: i for i in catalogue.items if i.scope in variant.scopes}
    link_views(views, nameable)
    return Site(catalogue.config, variant, views, today, out)


def write_search_index(site: Site) -> None:
    """Pagefind where a server is available; the kiosk's own script index where not."""
    if site.variant.touch:
        write_kiosk_index(site)
    else:
        index_site(site.out)


def build_catalogue(root: Path, out: Path, today: dt.date, strict: bool = False) -> BuildResult:
    started = time.monotonic()
    catalogue = load_catalogue(root)
    if catalogue.failed(strict):
        raise BuildRefused(errors(catalogue.problems, strict) or catalogue.problems)
    result = BuildResult(out.resolve(), problems=catalogue.problems)
    try:
        with staged_output(out) as stage:
            for variant in VARIANTS:
                site = make_site(catalogue, variant, today, stage / variant.name)
                write_site(catalogue, site)
                write_search_index(site)
                if variant.exports:
                    write_exports(site)
                result.counts[variant.label] = len(site.items)
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
