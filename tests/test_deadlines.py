"""Deadline engine: natural and working days on the Chinese holiday calendar (NT-PCI-32/35, LYG-15, HA-4.1)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.deadlines import (
    DayKind,
    calendar_version,
    calendar_years,
    compute_deadline,
    is_overdue,
    working_days_between,
)
from domain.errors import RuleViolation

# Start dates whose deadlines (up to 60 working days) stay inside the installed calendar.
starts = st.dates(date(2005, 1, 1), date(2025, 12, 31))
day_counts = st.integers(1, 60)
kinds = st.sampled_from(list(DayKind))


# Worked by hand from the State Council holiday notices:
# 2024 National Day: Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked.
# 2024 Spring Festival: Feb 10-17 off, Sun Feb 4 and Sun Feb 18 worked (Fri Feb 9, New Year's Eve, worked).
# 2025 Spring Festival: Jan 28-Feb 4 off, Sun Jan 26 and Sat Feb 8 worked.
# 2025 National Day + Mid-Autumn: Oct 1-8 off, Sun Sep 28 and Sat Oct 11 worked.
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2024, 9, 30), 1, date(2024, 10, 8)),
        (date(2024, 9, 27), 1, date(2024, 9, 29)),
        (date(2024, 10, 8), 4, date(2024, 10, 12)),
        (date(2024, 9, 30), 10, date(2024, 10, 18)),
        (date(2024, 2, 8), 1, date(2024, 2, 9)),
        (date(2024, 2, 9), 1, date(2024, 2, 18)),
        (date(2025, 1, 24), 1, date(2025, 1, 26)),
        (date(2025, 1, 27), 1, date(2025, 2, 5)),
        (date(2025, 1, 27), 4, date(2025, 2, 8)),
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 9, 30), 3, date(2025, 10, 11)),
    ],
)
def test_nt_pci_32_working_days_skip_holidays_and_count_make_up_days(start: date, days: int, due: date) -> None:
    deadline = compute_deadline(start, days, DayKind.WORKING, "NT-PCI-32")
    assert deadline.due == due
    assert (deadline.start, deadline.days, deadline.kind) == (start, days, DayKind.WORKING)


def test_lyg_15_thirty_natural_days_ignore_holidays() -> None:
    assert compute_deadline(date(2024, 9, 20), 30, DayKind.NATURAL, "LYG-15").due == date(2024, 10, 20)


@given(starts, day_counts, kinds)
def test_due_is_after_start(start: date, days: int, kind: DayKind) -> None:
    assert compute_deadline(start, days, kind, "NT-PCI-32").due > start


@given(starts, day_counts)
def test_lyg_15_natural_deadlines_are_date_arithmetic(start: date, days: int) -> None:
    assert compute_deadline(start, days, DayKind.NATURAL, "LYG-15").due == start + timedelta(days=days)


@given(starts, day_counts)
def test_nt_pci_32_working_deadline_is_the_nth_working_day_after_start(start: date, days: int) -> None:
    due = compute_deadline(start, days, DayKind.WORKING, "NT-PCI-32").due
    between = [start + timedelta(days=n) for n in range(1, (due - start).days + 1)]
    assert sum(chinese_calendar.is_workday(day) for day in between) == days
    assert chinese_calendar.is_workday(due)
    assert working_days_between(start, due) == days


@given(starts, day_counts, day_counts, kinds)
def test_deadlines_are_monotonic_in_days(start: date, a: int, b: int, kind: DayKind) -> None:
    low, high = sorted((a, b))
    first = compute_deadline(start, low, kind, "NT-PCI-35").due
    second = compute_deadline(start, high, kind, "NT-PCI-35").due
    assert first < second if low < high else first == second


@given(st.dates(date(2027, 1, 1), date(2099, 12, 31)), day_counts, st.sampled_from(["HA-4.1", "NT-PCI-35"]))
def test_years_outside_the_calendar_are_refused_with_the_given_rule(start: date, days: int, rule_id: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        compute_deadline(start, days, DayKind.WORKING, rule_id, field="publicity_end")
    assert (refused.value.rule_id, refused.value.field) == (rule_id, "publicity_end")
    first, last = calendar_years()
    assert f"is outside the working-day calendar ({calendar_version()} covers {first}–{last})" in refused.value.message


def test_a_deadline_running_past_the_calendar_end_is_refused_not_guessed() -> None:
    last = calendar_years()[1]
    with pytest.raises(RuleViolation) as refused:
        compute_deadline(date(last, 12, 20), 15, DayKind.WORKING, "NT-PCI-32")
    assert f"year {last + 1} is outside the working-day calendar" in refused.value.message


def test_year_2031_message_names_the_year_and_the_calendar() -> None:
    with pytest.raises(RuleViolation, match=r"year 2031 is outside the working-day calendar \(chinesecalendar "):
        compute_deadline(date(2031, 3, 2), 5, DayKind.WORKING, "NT-PCI-35")


def test_natural_deadlines_need_no_calendar() -> None:
    assert compute_deadline(date(2031, 3, 2), 30, DayKind.NATURAL, "LYG-15").due == date(2031, 4, 1)


def test_deadline_names_the_calendar_version() -> None:
    deadline = compute_deadline(date(2024, 1, 2), 3, "working", "NT-PCI-32")  # type: ignore[arg-type]
    assert deadline.kind is DayKind.WORKING
    assert deadline.calendar_version.startswith("chinesecalendar ") and deadline.calendar_version == calendar_version()


def test_negative_days_are_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        compute_deadline(date(2024, 1, 2), -1, DayKind.NATURAL, "LYG-15")
    assert refused.value.rule_id == "LYG-15"


def test_zero_days_is_due_on_the_start_day() -> None:
    assert compute_deadline(date(2024, 10, 1), 0, DayKind.WORKING, "NT-PCI-32").due == date(2024, 10, 1)


def test_overdue_only_after_the_due_day() -> None:
    deadline = compute_deadline(date(2024, 9, 30), 1, DayKind.WORKING, "NT-PCI-32")
    assert not is_overdue(deadline, date(2024, 10, 8))
    assert is_overdue(deadline, date(2024, 10, 9))


def test_working_days_between_is_zero_for_reversed_or_equal_dates() -> None:
    assert working_days_between(date(2024, 10, 8), date(2024, 10, 8)) == 0
    assert working_days_between(date(2024, 10, 8), date(2024, 10, 1)) == 0
    assert working_days_between(date(2024, 9, 30), date(2024, 10, 7)) == 0


@given(starts, st.integers(0, 24))
def test_nt_pci_17_month_end_deadlines_fall_on_the_last_day_of_the_nth_following_month(start: date, months: int) -> None:
    deadline = compute_deadline(start, months, DayKind.MONTH_END, "NT-PCI-17")
    assert (deadline.due + timedelta(days=1)).day == 1 and deadline.due >= start
    assert (deadline.due.year - start.year) * 12 + deadline.due.month - start.month == months
    assert deadline.kind is DayKind.MONTH_END and deadline.calendar_version == calendar_version()


def test_nt_pci_17_within_the_following_month() -> None:
    assert compute_deadline(date(2024, 1, 31), 1, DayKind.MONTH_END, "NT-PCI-17").due == date(2024, 2, 29)
    assert compute_deadline(date(2024, 12, 1), 1, DayKind.MONTH_END, "NT-PCI-17").due == date(2025, 1, 31)
    assert compute_deadline(date(2031, 3, 2), 1, DayKind.MONTH_END, "NT-PCI-17").due == date(2031, 4, 30)


def test_office_today_is_the_date_in_china_time_whatever_the_server_zone() -> None:
    """Business dates are China days: at 16:30 UTC it is already the next day at the credit office."""
    from datetime import datetime, timezone

    from domain.clock import office_today

    assert office_today(datetime(2026, 11, 22, 15, 59, tzinfo=timezone.utc)) == date(2026, 11, 22)
    assert office_today(datetime(2026, 11, 22, 16, 30, tzinfo=timezone.utc)) == date(2026, 11, 23)
