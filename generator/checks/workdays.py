"""Chinese working days, for 第二十六条's 20-working-day publication limit.

Holidays and 调休 make-up working days come from the maintained
``chinesecalendar`` package, which knows the State Council's schedule up to the
year of its release. For later years it cannot know the schedule (it is only
announced each November), so days are counted Monday to Friday and the caller
is told which years were estimated, to report them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import chinese_calendar


@functools.cache
def _scheduled_years() -> range:
    """The years chinesecalendar has the published schedule of."""
    return range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


def _scheduled_workday(day: dt.date) -> bool | None:
    """Whether ``day`` is a working day by the published schedule; None past its last year.

    ``chinese_calendar.is_workday``'s own rule, on its data: the function re-validates
    the date against the whole holiday table on every call, and an edit's rebuild asks
    for tens of thousands of days before its first page.
    """
    if isinstance(day, dt.datetime):  # a date to the schedule, as the package makes it
        day = day.date()
    if day.year not in _scheduled_years():
        return None
    return day in chinese_calendar.workdays or (
        day.weekday() < 5 and day not in chinese_calendar.holidays
    )


@dataclass
class WorkdayCalendar:
    estimated_years: set[int] = field(default_factory=set)

    def is_workday(self, day: dt.date) -> bool:
        scheduled = _scheduled_workday(day)
        if scheduled is None:
            self.estimated_years.add(day.year)
            return day.weekday() < 5
        return scheduled

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day, estimated = _add_workdays(start, count)
        self.estimated_years |= estimated
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end ≤ start)."""
        days, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            days += self.is_workday(day)
        return days


@functools.lru_cache(maxsize=8192)
def _add_workdays(start: dt.date, count: int) -> tuple[dt.date, frozenset[int]]:
    """``add_workdays`` and the years it estimated; cached, as the assessment asks it
    for the same items' dates once per year it assesses."""
    calendar = WorkdayCalendar()
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        count -= calendar.is_workday(day)
    return day, frozenset(calendar.estimated_years)


def last_known_year() -> int:
    """The last year chinesecalendar has the holiday schedule for."""
    return max(day.year for day in chinese_calendar.holidays)
