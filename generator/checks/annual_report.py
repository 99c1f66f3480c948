"""The 政府信息公开工作年度报告 in the national format (国办公开办函〔2021〕30号).

An item with ``report_year`` is the report for that year. Its body must have the six
fixed headings in order and the format's tables 二, 三 and 四 as Markdown tables, whose
arithmetic is checked: per column 一 + 二 = 三(七)总计 + 四; 总计 = 自然人 + the five
法人或其他组织 columns; (七) = the sum of (一)–(六); each table-四 row's 总计 = 维持 +
纠正 + 其他 + 尚未审结. A cell reads ``0`` (none), ``/`` (does not apply) or a number;
a blank cell is an omission, never read as 0. ``/`` adds nothing to a sum.

The report is due by 31 January of the next year (条例第五十条; catalog.yaml
``annual_report.deadline``): ``report_findings`` says when it is due or overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..problems import Problem
from ..source.config import Config
from ..source.items import Item
from ..source.requests import APPLICANT_TYPES, OUTCOMES
from .lifecycle import Finding

HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
NOT_APPLICABLE = "/"

# Table 二: (header of the value columns, rows) per part of 第二十条.
TABLE_TWO = [
    (["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
    (["本年处理决定数量"], ["行政许可"]),
    (["本年处理决定数量"], ["行政处罚", "行政强制"]),
    (["本年收费金额（万元）"], ["行政事业性收费"]),
]
TABLE_TWO_FIRST_COLUMN = "信息内容"

THREE_FIRST_COLUMN = "申请情况"
THREE_COLUMNS = [*APPLICANT_TYPES.values(), "总计"]
NEW, CARRIED, RESULTS, TOTAL, NEXT = (
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（七）总计",
    "四、结转下年度继续办理",
)


def outcome_row_labels() -> list[tuple[str, str]]:
    """(outcome key, row label) of each row of table 三's 办理结果, in order."""
    return list(OUTCOMES.items())


THREE_ROWS = [NEW, CARRIED, RESULTS, *(label for _, label in outcome_row_labels()), TOTAL, NEXT]

FOUR_FIRST_COLUMN = "类别"
FOUR_COLUMNS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
FOUR_ROWS = ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"]


@dataclass
class Table:
    line: int  # file line of the header
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (file line, cells)

    def row(self, label: str) -> tuple[int, list[str]] | None:
        return next(((line, cells) for line, cells in self.rows if cells[0] == label), None)


_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    text = line.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


def markdown_tables(body: str, first_line: int) -> Iterator[Table]:
    """The pipe tables of a Markdown body, with file lines."""
    lines = body.split("\n")
    index = 0
    while index < len(lines) - 1:
        if lines[index].lstrip().startswith("|") and _SEPARATOR.match(lines[index + 1].strip()):
            table = Table(first_line + index, _cells(lines[index]), [])
            index += 2
            while index < len(lines) and lines[index].lstrip().startswith("|"):
                table.rows.append((first_line + index, _cells(lines[index])))
                index += 1
            yield table
        else:
            index += 1


@dataclass(frozen=True)
class Cell:
    value: float | None  # None for "/"
    ok: bool  # False: blank or not a number, reported already


class ReportChecker:
    """The problems of one report item's body."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.out: list[Problem] = []

    def report(self, code: str, line: int, **params: object) -> None:
        self.out.append(Problem.make(code, self.item.path, line, **params))

    def cell(self, table: str, line: int, row: str, column: str, text: str, whole: bool) -> Cell:
        if text == "":
            self.report("G813", line, table=table, row=row, column=column)
            return Cell(None, False)
        if text == NOT_APPLICABLE:
            return Cell(None, True)
        pattern = r"[0-9]+" if whole else r"[0-9]+(\.[0-9]+)?"
        if not re.fullmatch(pattern, text):
            self.report("G814", line, table=table, row=row, column=column, value=text)
            return Cell(None, False)
        return Cell(float(text), True)

    def values(
        self, name: str, table: Table, labels: list[str], columns: list[str], whole: bool = True
    ) -> dict[str, list[Cell]]:
        """Each expected row's cells by label; missing rows are reported (G821)."""
        out = {}
        for label in labels:
            found = table.row(label)
            if found is None:
                self.report("G821", table.line, table=name, row=label)
                continue
            line, cells = found
            cells = (cells + [""] * len(columns))[1 : len(columns) + 1]
            out[label] = [
                self.cell(name, line, label, column, text, whole)
                for column, text in zip(columns, cells, strict=True)
            ]
        return out

    def check(self) -> list[Problem]:
        item = self.item
        self.check_headings()
        tables = list(markdown_tables(item.body, item.body_line))
        found = {"二": False, "三": False, "四": False}
        parts_of_two: set[int] = set()
        for table in tables:
            head = table.header
            if head[0] == TABLE_TWO_FIRST_COLUMN:
                found["二"] = True
                for part, (columns, rows) in enumerate(TABLE_TWO):
                    if head[1:] == columns and any(table.row(r) for r in rows):
                        parts_of_two.add(part)
                        self.values("二", table, rows, columns, whole="万元" not in columns[0])
            elif head[0] == THREE_FIRST_COLUMN and head[1:] == THREE_COLUMNS:
                found["三"] = True
                self.check_three(table)
            elif head[0] == FOUR_FIRST_COLUMN and head[1:] == FOUR_COLUMNS:
                found["四"] = True
                self.check_four(table)
        what = {
            "二": "主动公开政府信息情况，第一列为“信息内容”",
            "三": f"收到和处理政府信息公开申请情况，表头为“{THREE_FIRST_COLUMN} | "
            + " | ".join(THREE_COLUMNS)
            + "”",
            "四": f"行政复议、行政诉讼情况，表头为“{FOUR_FIRST_COLUMN} | "
            + " | ".join(FOUR_COLUMNS)
            + "”",
        }
        if found["二"]:
            for part, (_, rows) in enumerate(TABLE_TWO):
                if part not in parts_of_two:
                    self.report("G821", item.body_line, table="二", row=rows[0])
        for name, present in found.items():
            if not present:
                self.report("G812", item.body_line, table=name, what=what[name])
        return self.out

    def check_headings(self) -> None:
        written = [
            line.lstrip("#").strip()
            for line in self.item.body.split("\n")
            if re.match(r"^##(?!#)", line)
        ]
        at = 0
        for number, heading in enumerate(HEADINGS, start=1):
            if heading in written[at:]:
                at = written.index(heading, at) + 1
            else:
                self.report("G811", self.item.body_line, number=number, heading=heading)

    def check_three(self, table: Table) -> None:
        labels = [label for label in THREE_ROWS if label != RESULTS]
        rows = self.values("三", table, labels, THREE_COLUMNS)
        lines = {label: line for line, cells in table.rows for label in [cells[0]]}

        def number(label: str, column: int) -> float | None:
            """The cell's value (``/`` is 0); None when the cell is unusable."""
            cells = rows.get(label)
            if cells is None or not cells[column].ok:
                return None
            return cells[column].value or 0

        for label, cells in rows.items():
            if all(c.ok for c in cells):
                parts = sum(c.value or 0 for c in cells[:-1])
                if parts != (cells[-1].value or 0):
                    self.report(
                        "G816", lines[label], row=label, total=_n(cells[-1].value), sum=_n(parts)
                    )
        outcomes = [label for _, label in outcome_row_labels()]
        for column, name in enumerate(THREE_COLUMNS):
            values = [number(label, column) for label in outcomes]
            total = number(TOTAL, column)
            if total is not None and None not in values:
                parts = sum(v or 0 for v in values)
                if parts != total:
                    self.report("G817", lines[TOTAL], column=name, total=_n(total), sum=_n(parts))
            new, carried, nxt = (number(x, column) for x in (NEW, CARRIED, NEXT))
            if None not in (new, carried, total, nxt):
                left, right = (new or 0) + (carried or 0), (total or 0) + (nxt or 0)
                if left != right:
                    self.report(
                        "G815",
                        lines[NEXT],
                        column=name,
                        new=_n(new),
                        carried=_n(carried),
                        left=_n(left),
                        total=_n(total),
                        next=_n(nxt),
                        right=_n(right),
                    )

    def check_four(self, table: Table) -> None:
        rows = self.values("四", table, FOUR_ROWS, FOUR_COLUMNS)
        for label, cells in rows.items():
            if all(c.ok for c in cells):
                parts = sum(c.value or 0 for c in cells[:-1])
                if parts != (cells[-1].value or 0):
                    line = table.row(label)[0]  # type: ignore[index]
                    self.report("G819", line, row=label, total=_n(cells[-1].value), sum=_n(parts))


def _n(value: float | None) -> str:
    if value is None:
        return NOT_APPLICABLE
    return str(int(value)) if value == int(value) else str(value)


def annual_report_problems(item: Item) -> list[Problem]:
    """The format and arithmetic of a report item (``report_year`` set); else nothing."""
    if item.meta.report_year is None:
        return []
    return ReportChecker(item).check()


def repeal_problems(item: Item) -> list[Problem]:
    """``repealed_on`` (the day a 规范性文件 stopped being in force) fits the item."""
    meta = item.meta
    if meta.repealed_on is None:
        return []
    if meta.validity != "repealed":
        return [Problem.make("G822", item.path, item.line_of("repealed_on"))]
    if meta.published and meta.repealed_on < meta.published:
        return [
            Problem.make(
                "G823",
                item.path,
                item.line_of("repealed_on"),
                repealed_on=meta.repealed_on,
                published=meta.published,
            )
        ]
    return []


def report_findings(config: Config, items: list[Item], today: dt.date) -> list[Finding]:
    """Last year's report: due from 1 January, overdue after the deadline while none is
    published by then."""
    year = today.year - 1
    rules = config.annual_report
    due = rules.due(year)
    reports = [i for i in items if i.meta.report_year == year and i.scope == "external"]
    if any(i.meta.published <= min(due, today) for i in reports):
        return []
    if today <= due:
        scheduled = min((i.meta.published for i in reports), default=None)
        state = (
            f"已定于 {scheduled} 发布，晚于期限" if scheduled and scheduled > due else "尚未公开"
        )
        if scheduled and scheduled <= due:
            return []
        problem = Problem.make("G820", config.path, 1, year=year, due=due, state=state)
        return [Finding("due-soon", rules.owner, None, due, problem.message)]
    state = "至今尚未公开，已逾期" if not reports else "已逾期"
    problem = Problem.make("G820", config.path, 1, year=year, due=due, state=state)
    return [Finding("overdue", rules.owner, None, due, problem.message, problem)]
