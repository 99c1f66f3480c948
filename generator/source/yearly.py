"""The year's figures the catalogue cannot count: ``content/internal/annual/YYYY.yaml``.

Table 二 of the annual report counts 行政许可, 行政处罚 and 行政强制 decisions and the
行政事业性收费 amount; table 四 the 行政复议 and 行政诉讼 cases. The sections that handle
them write the figures here once a year; ``catalogue annual-report`` copies them into
the draft. Each is a number or ``/`` (does not apply): 0 and ``/`` say different things.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import Problem
from . import schema
from .guard import read_item_bytes
from .schema import Context, Invalid, Nested, Option, option
from .yamlsource import LineMap, load_yaml

YEARLY_DIR = ("content", "internal", "annual")


class Figure(Option):
    """A non-negative number, or "/" for 不适用; kept as the text the report shows."""

    def __init__(self, *, whole: bool = True, **kw: Any) -> None:
        super().__init__(**kw)
        self.whole = whole

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> str:
        if value == "/":
            return "/"
        numeric = isinstance(value, int) or (isinstance(value, float) and not self.whole)
        if isinstance(value, bool) or not numeric or value < 0:
            hint = "非负整数或 /" if self.whole else "非负数或 /"
            raise Invalid("S107", key=key, value=value, expected=hint)
        return str(value)


@dataclass(kw_only=True)
class Cases:
    """One block of table 四."""

    upheld: str = option(Figure(required=True))  # 结果维持
    corrected: str = option(Figure(required=True))  # 结果纠正
    other: str = option(Figure(required=True))  # 其他结果
    pending: str = option(Figure(required=True))  # 尚未审结

    def total(self) -> str:
        values = [self.upheld, self.corrected, self.other, self.pending]
        if all(v == "/" for v in values):
            return "/"
        return str(sum(int(v) for v in values if v != "/"))


@dataclass(kw_only=True)
class YearlyFigures:
    licensing: str = option(Figure(required=True))  # 行政许可 本年处理决定数量
    penalties: str = option(Figure(required=True))  # 行政处罚
    enforcement: str = option(Figure(required=True))  # 行政强制
    fees: str = option(Figure(required=True, whole=False))  # 行政事业性收费（万元）
    reconsideration: Cases = option(Nested(Cases, required=True))  # 行政复议
    litigation_direct: Cases = option(Nested(Cases, required=True))  # 未经复议直接起诉
    litigation_after: Cases = option(Nested(Cases, required=True))  # 复议后起诉


def yearly_path(year: int) -> str:
    return "/".join((*YEARLY_DIR, f"{year}.yaml"))


def load_yearly(root: Path, year: int) -> tuple[YearlyFigures | None, list[Problem]]:
    """The figures of ``year``; None when the file is missing or has errors."""
    path = yearly_path(year)
    file = root / path
    if not file.is_file():
        return None, []
    data, problems = read_item_bytes(root, file, path)
    if data is None:
        return None, problems
    try:
        parsed = load_yaml(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError as exc:
        return None, [Problem.make("F002", path, 1, detail=exc)]
    problems = parsed.problems
    if not isinstance(parsed.data, LineMap):
        return None, problems or [Problem.make("F003", path, 1)]
    figures = schema.load(YearlyFigures, parsed.data, Context(path, problems))
    return (None if any(p.is_error for p in problems) else figures), problems


def yearly_problems(root: Path) -> list[Problem]:
    """The problems of every yearly figures file, for ``validate``."""
    folder = root.joinpath(*YEARLY_DIR)
    problems: list[Problem] = []
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        year = file.stem
        if not year.isdigit():
            rel = file.relative_to(root).as_posix()
            problems.append(
                Problem.make(
                    "S107",
                    rel,
                    1,
                    key="文件名",
                    value=file.name,
                    expected="年份.yaml，如 2025.yaml",
                )
            )
            continue
        problems += load_yearly(root, int(year))[1]
    return problems
