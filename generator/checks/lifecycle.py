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
from ..source.config import UPDATE_KINDS, Category, Config
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
    "stale": "栏目不更新",
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
    out += website_indicators(live, config, today)
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


def blank_categories(live: list[Item], config: Config, today: dt.date) -> list[Category]:
    """Public categories without a current item on the website (空白栏目)."""
    current = {
        i.meta.category
        for i in live
        if i.scope == "external" and "website" in i.channels(config) and not has_ended(i, today)
    }
    return [c for key, c in config.categories.external.items() if key not in current]


def _empty_categories(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    """Inspectors fail sites with empty sections: every public category needs a current item."""
    out = []
    for category in blank_categories(live, config, today):
        problem = Problem.make("R604", config.path, category.line, name=category.name)
        out.append(Finding("empty", None, None, None, problem.message, problem))
    return out


def _on_website(item: Item, config: Config) -> bool:
    return item.scope == "external" and "website" in item.channels(config)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    month = day.year * 12 + day.month - 1 - months
    year, month = divmod(month, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def website_indicators(live: list[Item], config: Config, today: dt.date) -> list[Finding]:
    """政府网站检查指标 (国办秘函〔2019〕19号): the home page and each column kept up to
    date, and fewer blank columns than fail a site (each is R604 too)."""
    rule = config.website_indicators
    out: list[Finding] = []
    shown = [i for i in live if _on_website(i, config) and i.meta.withdrawn is None]
    current = [i for i in shown if not has_ended(i, today)]
    if current:
        newest = max(i.meta.published for i in current)
        days = (today - newest).days
        if days > rule.home_stale_days:
            problem = Problem.make(
                "G840", config.path, 1, newest=newest, days=days, limit=rule.home_stale_days
            )
            out.append(Finding("stale", None, None, newest, problem.message, problem))
    in_category: defaultdict[str, list[Item]] = defaultdict(list)
    for item in shown:
        in_category[item.meta.category].append(item)
    for key, category in config.categories.external.items():
        out += _stale_category(key, category, in_category[key], config, today)
    blank = blank_categories(live, config, today)
    if len(blank) >= rule.blank_veto:
        names = "、".join(c.name for c in blank)
        problem = Problem.make(
            "G842", config.path, 1, count=len(blank), names=names, limit=rule.blank_veto
        )
        out.append(Finding("empty", None, None, None, problem.message, problem))
    return out


def _stale_category(
    key: str, category: Category, items: list[Item], config: Config, today: dt.date
) -> list[Finding]:
    """A column (``items``, those the website shows of ``category``) of its kind not
    updated in time; a column with nothing is blank (R604)."""
    rule = config.website_indicators
    kind = category.kind_of_update()
    updates = [last_update(i) for i in items]
    updates = [d for d in updates if d <= today]  # a change note dated later is not yet seen
    if kind == "static" or not updates:
        return []
    last = max(updates)
    if kind == "dynamic":
        stale, limit = (
            (today - last).days > rule.dynamic_stale_days,
            f"{rule.dynamic_stale_days} 天",
        )
    else:
        stale, limit = (
            last < months_before(today, rule.notices_stale_months),
            f"{rule.notices_stale_months} 个月",
        )
    if not stale:
        return []
    problem = Problem.make(
        "G841",
        config.path,
        category.line,
        kind=UPDATE_KINDS[kind],
        name=category.name,
        since=f"最近一次更新于 {last}",
        limit=limit,
    )
    return [Finding("stale", None, None, last, problem.message, problem)]


def lifecycle_problems(config: Config, items: list[Item], today: dt.date) -> list[Problem]:
    """The warnings ``validate`` adds for ``today``."""
    return [f.problem for f in findings(config, items, today) if f.problem is not None]
