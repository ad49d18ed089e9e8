"""Deadline engine: natural-day and working-day deadlines on the Chinese public-holiday calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache
from importlib.metadata import version

import chinese_calendar
from chinese_calendar.constants import holidays

from domain.calendar_supplement import YearArrangement, load_arrangements
from domain.errors import RuleViolation

ONE_DAY = timedelta(days=1)


class DayKind(StrEnum):
    """How a deadline counts: calendar days, working days (调休 included), or whole months to a month end."""

    NATURAL = "natural"
    WORKING = "working"
    # `days` counts whole months: due on the last day of the month that many months after the start's
    # month, e.g. 1 = "within the following month" (下月内, NT-PCI-17; monthly case reports, NT-JRP-4).
    MONTH_END = "month_end"


@dataclass(frozen=True)
class Deadline:
    """A computed due date, with the calendar it was computed on (NT-PCI-32, LYG-14/15, HA-4.1)."""

    start: date
    days: int
    kind: DayKind
    due: date
    calendar_version: str


@cache
def supplements() -> dict[int, YearArrangement]:
    """The years after the installed calendar's last, copied from the State Council's notices (domain/calendars)."""
    last = max(day.year for day in holidays)
    found, year = {}, last + 1
    arrangements = load_arrangements()
    while year in arrangements:  # only consecutive years: a gap would leave a year guessed
        found[year] = arrangements[year]
        year += 1
    return found


@cache
def calendar_version() -> str:
    """Name and version of the working-day calendar, e.g. 'chinesecalendar 1.11.0', with any supplement years and
    the notices they copy (a deadline names the calendar it was computed on)."""
    added = "".join(f" + {y} ({a.notice})" for y, a in sorted(supplements().items()))
    return f"chinesecalendar {version('chinesecalendar')}{added}"


@cache
def calendar_years() -> tuple[int, int]:
    """First and last year the working-day calendar covers (the installed one and its supplements)."""
    years = [day.year for day in holidays] + list(supplements())
    return min(years), max(years)


def _check_covered(day: date, rule_id: str, field: str) -> None:
    """Refuse a date outside the calendar's years: never guess holidays."""
    first, last = calendar_years()
    if not first <= day.year <= last:
        raise RuleViolation(
            rule_id,
            field,
            f"working days cannot be counted: year {day.year} is outside the working-day calendar "
            f"({calendar_version()} covers {first}–{last})",
        )


def is_working_day(day: date, rule_id: str = "NT-PCI-32", field: str = "deadline") -> bool:
    """Whether `day` is a Chinese working day (weekends and holidays off, make-up workdays on)."""
    _check_covered(day, rule_id, field)
    supplement = supplements().get(day.year)
    if supplement is not None:
        return supplement.is_working_day(day)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:  # pragma: no cover - guarded by _check_covered
        raise RuleViolation(rule_id, field, f"working-day calendar refused {day}: {exc}") from None


def add_working_days(start: date, days: int, rule_id: str, field: str = "deadline") -> date:
    """The `days`-th working day after `start` (the start day itself is not counted)."""
    day, counted = start, 0
    while counted < days:
        day += ONE_DAY
        if is_working_day(day, rule_id, field):
            counted += 1
    return day


def month_end(start: date, months: int) -> date:
    """The last day of the month `months` months after `start`'s month (0: the end of that month)."""
    index = start.year * 12 + start.month - 1 + months + 1
    return date(index // 12, index % 12 + 1, 1) - ONE_DAY


def compute_deadline(start: date, days: int, kind: DayKind, rule_id: str, field: str = "deadline") -> Deadline:
    """Due date `days` natural or working days after `start`, citing `rule_id` in any refusal."""
    if days < 0:
        raise RuleViolation(rule_id, field, f"a deadline cannot be {days} days long")
    kind = DayKind(kind)
    if kind is DayKind.NATURAL:
        due = start + timedelta(days=days)
    elif kind is DayKind.MONTH_END:
        due = month_end(start, days)
    else:
        due = add_working_days(start, days, rule_id, field)
    return Deadline(start=start, days=days, kind=kind, due=due, calendar_version=calendar_version())


def is_overdue(deadline: Deadline, today: date) -> bool:
    """Whether the deadline has passed: the due day itself is still in time."""
    return today > deadline.due


def working_days_between(a: date, b: date, rule_id: str = "NT-PCI-32", field: str = "deadline") -> int:
    """Number of working days in (a, b]: after `a`, up to and including `b` (0 when b <= a)."""
    count, day = 0, a
    while day < b:
        day += ONE_DAY
        count += is_working_day(day, rule_id, field)
    return count
