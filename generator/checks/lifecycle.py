"""The disclosure lifecycle on a given day: what is current, ended, due, overdue or late.

The bureau's rules (第十条, 第十一条) and the national 条例 (第二十六条) are about
time: 公示 items end, quarterly work must be disclosed every quarter, stages of
a project one by one, and dynamic items within 20 working days of being formed.
``findings`` computes all of that for one day; ``status`` prints it by section
and ``validate`` turns the overdue and late ones into warnings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..problems import Problem
from ..source.config import Config
from ..source.items import Item
from .budget import budget_type, deadline, deadline_text
from .workdays import WorkdayCalendar, last_known_year

TIMELY_WORKDAYS = 20  # 条例第二十六条
DUE_SOON_DAYS = 15
REVIEW_AFTER_DAYS = 365  # long-term items are reviewed at least yearly


def is_published(item: Item, today: dt.date) -> bool:
    return item.meta.published <= today


def has_ended(item: Item, today: dt.date) -> bool:
    """A 公示 whose period is over: out of the current lists from the day after ``expires``."""
    return item.meta.expires is not None and item.meta.expires < today


def last_update(item: Item) -> dt.date:
    return max([item.meta.published, *(c.date for c in item.meta.changes)])


def quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    first_of_next = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def refresh_due(last: dt.date) -> dt.date:
    """Quarterly work disclosed in one quarter must be disclosed again by the end of the next."""
    return quarter_end(quarter_end(last) + dt.timedelta(days=1))


@dataclass(frozen=True)
class Finding:
    """One line of ``catalogue status``."""

    kind: str  # overdue | due-soon | late | upcoming | expiring | review | empty
    section: str | None  # owner section key; None for catalogue-wide findings
    item: Item | None
    date: dt.date | None  # the due date, publication date or end of period it is about
    text: str  # Simplified Chinese
    problem: Problem | None = None  # set for what validate warns about


KIND_LABELS = {
    "overdue": "已逾期",
    "late": "超期发布",
    "due-soon": "即将到期",
    "expiring": "公示即将结束",
    "upcoming": "待发布",
    "review": "待复核",
    "empty": "空白栏目",
}


def findings(config: Config, items: list[Item], today: dt.date) -> list[Finding]:
    """What ``status`` lists for ``today`` about ``items`` (those with no error of their own)."""
    calendar = WorkdayCalendar()
    out: list[Finding] = []
    live = [i for i in items if is_published(i, today)]
    out += _quarterly(live, config, today)
    out += _stages(live, config, today)
    out += _timely(live, config, calendar)
    out += _budget_deadlines(items, config, today, calendar)
    out += _schedule(items, today)
    out += _long_term(live, config, today)
    out += _empty_categories(live, config, today)
    if calendar.estimated_years:
        years = "、".join(map(str, sorted(calendar.estimated_years)))
        problem = Problem.make("R605", config.path, 1, last_year=last_known_year(), year=years)
        out.append(Finding("late", None, None, None, problem.message, problem))
    return out


def _quarterly(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    """Each series of quarterly items needs an update every quarter."""
    series: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in live:
        if item.refresh(config) == "quarterly" and item.meta.validity == "current":
            series[(item.meta.owner, item.meta.series or item.path)].append(item)
    out = []
    for (owner, _name), members in sorted(series.items()):
        latest = max(members, key=last_update)
        last = last_update(latest)
        due = refresh_due(last)
        label = latest.meta.series or latest.meta.title
        if due < today:
            problem = Problem.make(
                "R602", latest.path, latest.line_of("published"), series=label, due=due, last=last
            )
            out.append(Finding("overdue", owner, latest, due, problem.message, problem))
        elif (due - today).days <= DUE_SOON_DAYS:
            text = f"每季度公开的“{label}”须在 {due} 前更新（最近一次更新 {last}）"
            out.append(Finding("due-soon", owner, latest, due, text))
    return out


def _stages(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    out = []
    for item in live:
        for stage in item.meta.stages:
            if stage.done or stage.name is None or stage.due is None:
                continue
            if stage.due < today:
                problem = Problem.make(
                    "R603", item.path, stage.line, stage=stage.name, due=stage.due
                )
                out.append(
                    Finding("overdue", item.meta.owner, item, stage.due, problem.message, problem)
                )
            elif (stage.due - today).days <= DUE_SOON_DAYS:
                text = f"“{item.meta.title}”的阶段“{stage.name}”须在 {stage.due} 前公开"
                out.append(Finding("due-soon", item.meta.owner, item, stage.due, text))
    return out


def _timely(live: list[Item], config: Config, calendar: WorkdayCalendar) -> list[Finding]:
    """Dynamic (及时公开) items are published within 20 working days of being formed."""
    out = []
    for item in live:
        if item.refresh(config) != "timely":
            continue
        deadline = calendar.add_workdays(item.meta.written, TIMELY_WORKDAYS)
        if item.meta.published > deadline:
            late = calendar.workdays_between(deadline, item.meta.published)
            problem = Problem.make(
                "R601",
                item.path,
                item.line_of("published"),
                limit=TIMELY_WORKDAYS,
                deadline=deadline,
                published=item.meta.published,
                late=late,
            )
            out.append(
                Finding(
                    "late", item.meta.owner, item, item.meta.published, problem.message, problem
                )
            )
    return out


def _budget_deadlines(
    items: list[Item], config: Config, today: dt.date, calendar: WorkdayCalendar
) -> list[Finding]:
    """预决算 documents are published within 20 days of approval (预算法 第十四条).

    Late and not yet out (``published`` on or after ``today``) is an error: the date can
    still be brought forward. Late and already out is a warning, so that no one is
    tempted to change a date the public has seen.
    """
    warn_days = config.budget_disclosure.warn_days
    limit = deadline_text(config)
    out = []
    for item in items:
        kind = budget_type(item, config)
        if kind is None or item.meta.approved_on is None:
            continue
        due = deadline(item.meta.approved_on, config, calendar)
        published = item.meta.published
        facts = {"kind": kind.name, "approved_by": kind.approved_by, "limit": limit}
        where = (item.path, item.line_of("published"))
        if published > due and published >= today:
            problem = Problem.make("G836", *where, deadline=due, published=published, **facts)
            out.append(Finding("overdue", item.meta.owner, item, due, problem.message, problem))
        elif published > due:
            late = (published - due).days
            problem = Problem.make(
                "G837", *where, deadline=due, published=published, late=late, **facts
            )
            out.append(Finding("late", item.meta.owner, item, published, problem.message, problem))
        elif published >= today and (due - today).days <= warn_days:
            text = f"{kind.name}“{item.meta.title}”须在 {due} 前公开（{kind.approved_by}批准后 {limit}）"
            out.append(Finding("due-soon", item.meta.owner, item, due, text))
    return out


def _schedule(items: list[Item], today: dt.date) -> list[Finding]:
    out = []
    for item in items:
        if item.meta.published > today:
            text = f"“{item.meta.title}”将于 {item.meta.published} 公开"
            out.append(Finding("upcoming", item.meta.owner, item, item.meta.published, text))
        elif item.meta.expires and today <= item.meta.expires <= today + dt.timedelta(
            DUE_SOON_DAYS
        ):
            text = f"“{item.meta.title}”公示期至 {item.meta.expires} 结束"
            out.append(Finding("expiring", item.meta.owner, item, item.meta.expires, text))
    return out


def _long_term(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    """Long-term items stay public; they are reviewed so they stay correct."""
    out = []
    for item in live:
        if item.refresh(config) == "long-term" and item.meta.validity == "current":
            due = last_update(item) + dt.timedelta(days=REVIEW_AFTER_DAYS)
            if due < today:
                text = f"长期公开的“{item.meta.title}”自 {last_update(item)} 起未更新，请复核是否仍然准确"
                out.append(Finding("review", item.meta.owner, item, due, text))
    return out


def _empty_categories(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    """Inspectors fail sites with empty sections: every public category needs a current item."""
    out = []
    current = {
        i.meta.category
        for i in live
        if i.scope == "external" and "website" in i.channels(config) and not has_ended(i, today)
    }
    for key, category in config.categories.external.items():
        if key not in current:
            problem = Problem.make("R604", config.path, category.line, name=category.name)
            out.append(Finding("empty", None, None, None, problem.message, problem))
    return out


def lifecycle_problems(config: Config, items: list[Item], today: dt.date) -> list[Problem]:
    """The warnings ``validate`` adds for ``today``."""
    return [f.problem for f in findings(config, items, today) if f.problem is not None]
