"""Yearly reports: the bureau's own assessment, and the statistics of the annual report.

- The assessment (细则第二十至二十三条) compares each section's 年度政务公开计划
  (catalog.yaml ``plan``) with what it published, how much was on time, what is
  overdue or was published late, and suggests a grade with the criteria used.
- The statistics table of the 政府信息公开工作年度报告 (条例第五十条, 2021 format)
  counts 规章 and 行政规范性文件 issued, repealed and in force, from ``doc_type``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..catalogue import Catalogue
from ..checks.lifecycle import findings, last_update
from ..source.config import Config, PlanEntry
from ..source.items import DOC_TYPES, Item

TITLE_MATCH = 0.5  # how alike a plan line and an item title must be to count as the same


@dataclass(frozen=True)
class PlanLine:
    entry: PlanEntry
    item: Item | None

    @property
    def on_time(self) -> bool:
        if self.item is None:
            return False
        return self.entry.due is None or self.item.meta.published <= self.entry.due


@dataclass
class SectionAssessment:
    key: str
    name: str
    plan: list[PlanLine] = field(default_factory=list)
    published: int = 0
    overdue: list[str] = field(default_factory=list)  # finding texts
    late: list[str] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return len(self.plan)

    @property
    def fulfilled(self) -> int:
        return sum(line.item is not None for line in self.plan)

    @property
    def on_time(self) -> int:
        return sum(line.on_time for line in self.plan)

    @property
    def completion(self) -> float | None:
        return self.fulfilled / self.planned if self.planned else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.planned if self.planned else None

    @property
    def grade(self) -> str:
        return suggest_grade(self.completion, self.on_time_rate, len(self.overdue) + len(self.late))


GRADE_CRITERIA = [
    ("优秀", "年度计划完成率 ≥ 95%，按时率 ≥ 90%，没有逾期和超期发布"),
    ("良好", "年度计划完成率 ≥ 85%，按时率 ≥ 75%，逾期和超期发布合计不超过 2 项"),
    ("合格", "年度计划完成率 ≥ 60%；未制定年度计划的科室最高评为合格"),
    ("不合格", "年度计划完成率低于 60%"),
]


def suggest_grade(completion: float | None, on_time: float | None, lapses: int) -> str:
    """The grade the criteria above give (细则第二十二、二十三条)."""
    if completion is None or on_time is None:
        return "合格" if lapses <= 2 else "不合格"
    if completion >= 0.95 and on_time >= 0.90 and lapses == 0:
        return "优秀"
    if completion >= 0.85 and on_time >= 0.75 and lapses <= 2:
        return "良好"
    return "合格" if completion >= 0.60 else "不合格"


def match_plan(entries: list[PlanEntry], items: list[Item]) -> list[PlanLine]:
    """Pair each plan line with the item that fulfils it: same section and category,
    published in the plan's year, with the most similar title; each item used once."""
    used: set[str] = set()
    lines = []
    for entry in entries:
        candidates = [
            i
            for i in items
            if i.meta.owner == entry.owner
            and i.meta.category == entry.category
            and i.meta.published.year == entry.year
            and i.path not in used
        ]
        scored = [
            (difflib.SequenceMatcher(None, entry.title, i.meta.title).ratio(), i)
            for i in candidates
        ]
        best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
        item = best[1] if best[0] >= TITLE_MATCH else None
        if item is not None:
            used.add(item.path)
        lines.append(PlanLine(entry, item))
    return lines


NO_PLAN = "未制定年度计划"
# How the whole bureau is graded, printed in every report (issue 24 part 7).
OVERALL_RULE = (
    "全局等次按全局合计套用下列评议标准：计划完成率 = 各科室已公开的计划事项合计 ÷ 计划事项合计，"
    "按时率 = 按时公开的计划事项合计 ÷ 计划事项合计，逾期和超期发布为各科室合计；"
    "空白栏目达到 {veto} 个的，按网站检查指标单项否决，评为不合格。"
)


@dataclass
class Assessment:
    year: int
    as_of: dt.date
    sections: list[SectionAssessment]
    empty_categories: list[str]
    blank_veto: int = 5

    @property
    def planned(self) -> int:
        return sum(s.planned for s in self.sections)

    @property
    def completion(self) -> float | None:
        planned = self.planned
        return sum(s.fulfilled for s in self.sections) / planned if planned else None

    @property
    def on_time_rate(self) -> float | None:
        planned = self.planned
        return sum(s.on_time for s in self.sections) / planned if planned else None

    @property
    def lapses(self) -> int:
        return sum(len(s.overdue) + len(s.late) for s in self.sections)

    @property
    def vetoed(self) -> bool:
        return len(self.empty_categories) >= self.blank_veto

    @property
    def grade(self) -> str:
        if self.vetoed:
            return "不合格"
        return suggest_grade(self.completion, self.on_time_rate, self.lapses)

    def grounds(self) -> str:
        """Why the whole bureau has its grade: the figures the rule was applied to."""
        if self.planned:
            plan = (
                f"计划事项 {self.planned} 项，完成率 {_percent(self.completion)}，"
                f"按时率 {_percent(self.on_time_rate)}"
            )
        else:
            plan = f"{NO_PLAN}（最高评为合格）"
        veto = "，达到单项否决" if self.vetoed else ""
        return (
            f"{plan}；逾期和超期发布 {self.lapses} 项；"
            f"空白栏目 {len(self.empty_categories)} 个{veto}。"
        )


class FutureYear(ValueError):
    """A year after the day of the assessment: nothing to assess yet."""


def assess(catalogue: Catalogue, year: int, today: dt.date) -> Assessment:
    """The assessment of ``year``, as things stood at its end (or today, if earlier).

    Overdue work counts in the year it fell due, so a lapse is not counted again
    every year it stays open. A year after ``today`` is refused (``FutureYear``)."""
    if year > today.year:
        raise FutureYear(year)
    config = catalogue.config
    as_of = min(today, dt.date(year, 12, 31))
    items = [i for i in catalogue.valid_items() if i.meta.published <= as_of]
    in_year = [i for i in items if i.meta.published.year == year]
    found = findings(config, catalogue.valid_items(), as_of)
    sections = {key: SectionAssessment(key, s.name) for key, s in config.sections.items()}
    for line in match_plan([e for e in config.plan if e.year == year], in_year):
        sections[line.entry.owner].plan.append(line)
    for item in in_year:
        sections[item.meta.owner].published += 1
    for f in found:
        if f.section is None:
            continue
        if f.kind == "overdue" and f.date is not None and f.date.year == year:
            sections[f.section].overdue.append(f.text)
        elif f.kind == "late" and f.item is not None and f.item.meta.published.year == year:
            sections[f.section].late.append(f.text)
    # Each blank category (R604), not the veto's summary of them (G842).
    empty = [f.text for f in found if f.kind == "empty" and f.problem and f.problem.code == "R604"]
    active = [s for s in sections.values() if s.planned or s.published or s.overdue or s.late]
    return Assessment(year, as_of, active, empty, config.website_indicators.blank_veto)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def assessment_markdown(assessment: Assessment, config: Config) -> str:
    """The assessment as Markdown: for a CI job summary, and the source of the HTML page."""
    a = assessment
    out = [
        f"# {config.organisation.name}{a.year}年度政务公开工作考核评议",
        "",
        f"统计截至 {a.as_of}。建议总体等次：**{a.grade}**。",
        "",
        f"总体等次的依据：{a.grounds()}",
        "",
        "| 科室 | 计划事项 | 已公开 | 按时公开 | 按时率 | 本年发布条目 | 逾期 | 超期发布 | 建议等次 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in a.sections:
        planned = s.planned if s.planned else NO_PLAN
        out.append(
            f"| {s.name} | {planned} | {s.fulfilled} | {s.on_time} | {_percent(s.on_time_rate)} "
            f"| {s.published} | {len(s.overdue)} | {len(s.late)} | {s.grade} |"
        )
    out += ["", "## 年度计划执行明细", ""]
    if not a.planned:
        out.append(f"本年度{NO_PLAN}（catalog.yaml 的 plan 中没有 {a.year} 年的事项）。")
    for s in a.sections:
        if not s.plan and a.planned:
            out.append(f"- {s.name}：{NO_PLAN}")
        for line in s.plan:
            due = line.entry.due or "—"
            if line.item is None:
                state = "未公开"
            else:
                state = f"{'按时' if line.on_time else '逾期'}公开于 {line.item.meta.published}（{line.item.meta.index_no}）"
            out.append(f"- {s.name}：{line.entry.title}（计划 {due}）— {state}")
    problems = [(s.name, t) for s in a.sections for t in s.overdue + s.late]
    out += ["", "## 逾期和超期发布", ""]
    out += [f"- {name}：{text}" for name, text in problems] or ["无。"]
    out += ["", "## 空白栏目", ""]
    out += [f"- {text}" for text in a.empty_categories] or ["无。"]
    out += ["", "## 评议标准", ""]
    out += [f"- {grade}：{text}" for grade, text in GRADE_CRITERIA]
    out += [f"- 全局：{OVERALL_RULE.format(veto=a.blank_veto)}"]
    out += ["", "逾期事项计入其应当公开的年度，不在以后年度重复计算。"]
    return "\n".join(out) + "\n"


# The statistics table of the annual report ------------------------------------------


@dataclass(frozen=True)
class DocTypeCounts:
    label: str
    issued: int  # 本年制发件数
    repealed: int  # 本年废止件数
    in_force: int  # 现行有效件数


def repeal_date(item: Item, by_number: dict[str, Item]) -> dt.date | None:
    """When a repealed item stopped being in force: its ``repealed_on``, else its
    successor's publication, else its latest change note."""
    if item.meta.validity != "repealed":
        return None
    if item.meta.repealed_on is not None:
        return item.meta.repealed_on
    successor = by_number.get(item.meta.superseded_by or "")
    if successor is not None:
        return successor.meta.published
    return last_update(item)


def counted_until(year: int, today: dt.date | None) -> dt.date:
    """The day a year's statistics count up to: its last day, or for the year still
    running, the build day (截至)."""
    year_end = dt.date(year, 12, 31)
    return year_end if today is None else min(year_end, today)


def doc_type_counts(
    shown: Iterable[Item], year: int, today: dt.date | None = None
) -> list[DocTypeCounts]:
    """``shown``: the items the public site shows on the build day, never an internal
    item or one scheduled for a later day."""
    items = [i for i in shown if i.scope == "external"]
    docs = {key: [i for i in items if i.meta.doc_type == key] for key in DOC_TYPES}
    successors = {i.meta.superseded_by for kind in docs.values() for i in kind}
    by_number = {i.meta.index_no: i for i in items if i.meta.index_no in successors}
    year_end = counted_until(year, today)
    rows = []
    for key, label in DOC_TYPES.items():
        repealed = {i.path: repeal_date(i, by_number) for i in docs[key]}
        rows.append(
            DocTypeCounts(
                label=label,
                issued=sum(i.meta.published.year == year for i in docs[key]),
                repealed=sum(d is not None and d.year == year for d in repealed.values()),
                in_force=sum(
                    i.meta.published <= year_end
                    and (repealed[i.path] is None or repealed[i.path] > year_end)
                    and i.meta.validity != "amended"
                    for i in docs[key]
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class CategoryCount:
    name: str
    new: int  # published in the year
    updated: int  # items with a change note dated in the year
    current: int  # public and not ended at year end


def category_counts(
    catalogue: Catalogue, shown: Iterable[Item], year: int, today: dt.date
) -> list[CategoryCount]:
    """``shown`` as for ``doc_type_counts``; changes dated after ``today`` not yet."""
    config = catalogue.config
    year_end = counted_until(year, today)
    by_category: dict[str, list[Item]] = {key: [] for key in config.categories.external}
    for i in shown:
        if (
            i.scope == "external"
            and i.meta.published <= year_end
            and "website" in i.channels(config)
            and i.meta.category in by_category
        ):
            by_category[i.meta.category].append(i)
    rows = []
    for key, category in config.categories.external.items():
        mine = by_category[key]
        rows.append(
            CategoryCount(
                name=category.name,
                new=sum(i.meta.published.year == year for i in mine),
                updated=sum(
                    any(c.date.year == year and c.date <= today for c in i.meta.changes)
                    for i in mine
                ),
                current=sum(i.meta.expires is None or i.meta.expires >= year_end for i in mine),
            )
        )
    return rows


def report_years(items: Iterable[Item], today: dt.date) -> list[int]:
    """Every year from the first with a published item to this one, newest first: a
    year without new items still has items in force and a report to make."""
    years = [i.meta.published.year for i in items if i.meta.published <= today]
    return list(range(today.year, min(years) - 1, -1)) if years else []
