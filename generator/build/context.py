"""One build's settings and its result, shared by every stage."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem


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


Progress = Callable[[str], None]  # receives one line per finished stage


@dataclass
class BuildContext:
    """One build: the catalogue it reads, the day it builds for, where it writes, and
    who hears of its progress."""

    root: Path
    out: Path
    today: dt.date
    strict: bool = False  # warnings refuse the build too
    preview: bool = False  # unapproved items are shown as drafts (``catalogue serve``)
    progress: Progress | None = None
    on_pages: Callable[[BuildResult], None] | None = None  # changed pages are in ``out``
    started: float = field(default_factory=time.monotonic)

    @property
    def mode(self) -> str:
        """What besides the inputs decides every page: a preview or a strict build."""
        return "+".join(m for m, on in (("preview", self.preview), ("strict", self.strict)) if on) or "build"

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def stage_done(self, text: str) -> None:
        if self.progress is not None:
            self.progress(f"[{self.elapsed():6.1f} 秒] {text}")

    def pages_done(self, result: BuildResult, text: str = "") -> None:
        """Changed pages are in ``out`` (a preview may reload); ``text`` is a line of progress."""
        result.all_pages_seconds = self.elapsed()
        result.pages_seconds = result.pages_seconds or result.all_pages_seconds
        if text:
            self.stage_done(text)
        if self.on_pages is not None:
            self.on_pages(result)
