"""The 依申请公开 register's rules: consistent records, and replies on time.

A reply is due 20 working days after the request was received (or corrected, 补正),
on the real working-day calendar (holidays and 调休), not counting suspended periods
(征求第三方意见 and the like); an extension approved before that adds at most 20
more (条例第三十二、三十三条). ``register_problems`` checks the records;
``request_findings`` is what ``status`` and the intranet list for a day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..problems import Problem
from ..source.config import Config, RequestRules
from ..source.requests import (
    APPLICANT_TYPES,
    OUTCOME_GROUPS,
    Register,
    Request,
    outcome_group,
)
from .confidential import KINDS, find
from .lifecycle import Finding
from .workdays import WorkdayCalendar

ONE_DAY = dt.timedelta(days=1)


def suspended_days(request: Request) -> set[dt.date]:
    days: set[dt.date] = set()
    for period in request.suspensions:
        day = period.start
        while day <= period.end:
            days.add(day)
            day += ONE_DAY
    return days


def add_counted_workdays(
    calendar: WorkdayCalendar, start: dt.date, count: int, skipped: set[dt.date]
) -> dt.date:
    """The ``count``-th working day after ``start`` that is not in ``skipped``."""
    day = start
    while count > 0:
        day += ONE_DAY
        count -= calendar.is_workday(day) and day not in skipped
    return day


def counted_workdays_between(
    calendar: WorkdayCalendar, start: dt.date, end: dt.date, skipped: set[dt.date]
) -> int:
    """Working days after ``start`` up to ``end``, not in ``skipped`` (0 if end ≤ start)."""
    days, day = 0, start
    while day < end:
        day += ONE_DAY
        days += calendar.is_workday(day) and day not in skipped
    return days


def first_deadline(request: Request, rules: RequestRules, calendar: WorkdayCalendar) -> dt.date:
    """The reply deadline without an extension."""
    start = request.corrected or request.received
    return add_counted_workdays(calendar, start, rules.reply_workdays, suspended_days(request))


def reply_deadline(request: Request, rules: RequestRules, calendar: WorkdayCalendar) -> dt.date:
    """The last day to reply, with the extension if one was approved in time."""
    due = first_deadline(request, rules, calendar)
    extension = request.extension
    if extension is None or extension.workdays is None or extension.approved is None:
        return due
    if extension.approved > due:
        return due  # G805: too late to extend
    extra = min(extension.workdays, rules.extension_workdays)
    return add_counted_workdays(calendar, due, extra, suspended_days(request))


def register_problems(register: Register, config: Config) -> list[Problem]:
    """Every record's own problems, and numbers used twice."""
    out = list(register.problems)
    seen: dict[str, int] = {}
    calendar = WorkdayCalendar()
    for path, request in register.requests:
        if request.number in seen:
            out.append(
                Problem.make(
                    "G801", path, request.line, number=request.number, first=seen[request.number]
                )
            )
        seen.setdefault(request.number, request.line)
        out += _record_problems(path, request, config, calendar)
    return out


def _record_problems(
    path: str, request: Request, config: Config, calendar: WorkdayCalendar
) -> list[Problem]:
    out: list[Problem] = []

    def report(code: str, key: str, **params: object) -> None:
        out.append(Problem.make(code, path, request.line_of(key), **params))

    year = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    if not year.isdigit() or int(year) != request.received.year:
        report("G810", "received", file=path, received=request.received)
    if request.section not in config.sections:
        report("I306", "section", value=request.section, choices="、".join(config.sections))
    if request.replied and request.replied < request.received:
        report("G802", "replied", replied=request.replied, received=request.received)
    if request.corrected and request.corrected < request.received:
        report("G803", "corrected", corrected=request.corrected, received=request.received)
    if (request.outcome is None) != (request.replied is None):
        missing = "答复日期 replied" if request.replied is None else "办理结果 outcome"
        report("G807", "outcome" if request.outcome else "replied", missing=missing)
    for period in request.suspensions:
        if period.start and period.end and period.end < period.start:
            out.append(Problem.make("G806", path, period.line, start=period.start, end=period.end))
    extension = request.extension
    if extension is not None and extension.workdays is not None and extension.approved:
        limit = config.requests.extension_workdays
        if extension.workdays > limit:
            out.append(
                Problem.make("G804", path, extension.line, workdays=extension.workdays, limit=limit)
            )
        due = first_deadline(request, config.requests, calendar)
        start = request.corrected or request.received
        if not start <= extension.approved <= due:
            out.append(
                Problem.make(
                    "G805", path, extension.line, approved=extension.approved, deadline=due
                )
            )
    for key in ("subject", "note"):
        text = getattr(request, key)
        for finding in find(text) if text else ():
            code, _ = KINDS[finding.kind]
            report(code, key, where=f"登记表“{key}”", masked=finding.masked)
    return out


@dataclass(frozen=True)
class RequestState:
    """One request on a day: its deadline and how it stands."""

    path: str
    request: Request
    due: dt.date
    left: int  # working days from the day to the deadline (0 on the day itself)
    late: int  # days past the deadline: today's, or the reply's (a Saturday counts)


def request_states(register: Register, config: Config, today: dt.date) -> list[RequestState]:
    calendar = WorkdayCalendar()
    out = []
    for path, request in register.requests:
        if request.received > today:
            continue
        due = reply_deadline(request, config.requests, calendar)
        end = request.replied if request.replied and request.replied <= today else today
        left = counted_workdays_between(calendar, today, due, suspended_days(request))
        out.append(RequestState(path, request, due, left, max(0, (end - due).days)))
    return out


def request_findings(register: Register, config: Config, today: dt.date) -> list[Finding]:
    """Replies overdue or due within ``due_soon_workdays``, and replies that were late."""
    soon = config.requests.due_soon_workdays
    out = []
    for state in request_states(register, config, today):
        request = state.request
        section = request.section if request.section in config.sections else None
        answered = request.replied is not None and request.replied <= today
        where = f"（{state.path}:{request.line}）"
        if not answered and state.late > 0:
            problem = Problem.make(
                "G808",
                state.path,
                request.line,
                number=request.number,
                due=state.due,
                late=state.late,
            )
            out.append(
                Finding("overdue", section, None, state.due, problem.message + where, problem)
            )
        elif not answered and state.left <= soon:
            text = f"依申请公开 {request.number}（{request.subject}）须在 {state.due} 前答复，还有 {state.left} 个工作日{where}"
            out.append(Finding("due-soon", section, None, state.due, text))
        elif answered and state.late > 0:
            problem = Problem.make(
                "G809",
                state.path,
                request.line,
                number=request.number,
                replied=request.replied,
                due=state.due,
                late=state.late,
            )
            out.append(Finding("late", section, None, request.replied, problem.message, problem))
    return out


# Table 三 of the annual report ---------------------------------------------------------

COLUMNS = list(APPLICANT_TYPES)  # the six applicant columns; 总计 is their sum


def table_three(register: Register, year: int) -> dict[str, Counter[str]]:
    """Counts by row key and applicant type for ``year``: ``new`` (本年新收), ``carried``
    (上年结转), each outcome row and group key, ``total`` (（七）总计) and ``next``
    (结转下年度继续办理). Rows with no request are empty Counters."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for _, request in register.requests:
        kind = request.applicant
        if request.received > end:
            continue
        if start <= request.received:
            rows["new"][kind] += 1
        elif request.replied is None or request.replied >= start:
            rows["carried"][kind] += 1
        else:
            continue  # answered before the year
        if request.replied is not None and request.replied <= end and request.outcome:
            group = outcome_group(request.outcome)
            rows[group][kind] += 1
            if request.outcome != group:
                rows[request.outcome][kind] += 1
            rows["total"][kind] += 1
        else:
            rows["next"][kind] += 1
    return rows


def outcome_rows() -> list[tuple[str, str, bool]]:
    """(row key, label, is a group) of table 三's outcome part, in the format's order."""
    out = []
    for key, (name, rows) in OUTCOME_GROUPS.items():
        out.append((key, name, True))
        out += [(k, label, False) for k, label in rows.items()]
    return out
