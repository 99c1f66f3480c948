"""``catalogue build``: the whole pipeline, stage by stage.

load config → read items → validate → select → render → index → write.
A build that fails at any stage leaves the previous output untouched.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import load_catalogue
from .problems import Problem, errors
from .render import render_site
from .select import VARIANTS, select_items
from .writer import staged_output


class BuildRefused(Exception):
    """The catalogue has errors; nothing was written."""

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


def build_catalogue(root: Path, out: Path, today: dt.date, strict: bool = False) -> BuildResult:
    started = time.monotonic()
    catalogue = load_catalogue(root)
    if catalogue.failed(strict):
        raise BuildRefused(errors(catalogue.problems, strict) or catalogue.problems)
    result = BuildResult(out.resolve(), problems=catalogue.problems)
    with staged_output(out) as stage:
        for variant in VARIANTS:
            items = select_items(catalogue, variant, today)
            render_site(catalogue, variant, items, stage / variant.name, today)
            result.counts[variant.label] = len(items)
    result.seconds = time.monotonic() - started
    return result
