"""Working-day calendar supplements (domain/calendars): a year the installed chinesecalendar does not cover is
counted only from a copied State Council notice, checked on load, named in every deadline computed with it, and
never guessed (a missing or non-consecutive year stays refused)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from domain import deadlines
from domain.calendar_supplement import CalendarError, load_arrangements, read_arrangement
from domain.deadlines import DayKind, calendar_years, compute_deadline
from domain.errors import RuleViolation

# A made-up arrangement for the tests only (NOT the real notice): New Year's Day off on a Friday, a make-up
# working day on Saturday 2027-01-09.
FAKE = """year = {year}
notice = "测试用节假日安排（非真实通知）"
holidays = [{year}-01-01, {year}-01-04]
workdays = [{year}-01-09]
"""


def _write(folder: Path, year: int, text: str | None = None) -> Path:
    path = folder / f"{year}.toml"
    path.write_text(text if text is not None else FAKE.format(year=year), encoding="utf-8")
    return path


@pytest.fixture
def calendars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Supplements read from a temporary folder; the cached calendar is rebuilt before and after."""
    monkeypatch.setattr(deadlines, "load_arrangements", lambda: load_arrangements(tmp_path))
    for cached in (deadlines.supplements, deadlines.calendar_version, deadlines.calendar_years):
        cached.cache_clear()
    yield tmp_path
    for cached in (deadlines.supplements, deadlines.calendar_version, deadlines.calendar_years):
        cached.cache_clear()


def test_the_next_year_is_counted_from_its_notice_and_the_deadline_names_it(calendars: Path) -> None:
    last = calendar_years()[1]
    _write(calendars, last + 1)
    for cached in (deadlines.supplements, deadlines.calendar_version, deadlines.calendar_years):
        cached.cache_clear()
    deadline = compute_deadline(date(last, 12, 28), 5, DayKind.WORKING, "NT-PCI-32")
    # 12-29, 12-30, 12-31 (if weekdays of the installed year), then Jan: the 1st and 4th off, the 9th worked
    counted, day = 0, date(last, 12, 28)
    expected = None
    while counted < 5:
        day = date.fromordinal(day.toordinal() + 1)
        works = (day.year == last and deadlines.chinese_calendar.is_workday(day)) or (
            day.year == last + 1 and (day == date(last + 1, 1, 9) or (
                day.weekday() < 5 and day not in (date(last + 1, 1, 1), date(last + 1, 1, 4)))))
        counted += works
        expected = day
    assert deadline.due == expected
    assert deadline.calendar_version.endswith(f"+ {last + 1} (测试用节假日安排（非真实通知）)")
    assert calendar_years()[1] == last + 1


def test_a_year_after_a_gap_is_not_used_NT_PCI_32(calendars: Path) -> None:
    last = calendar_years()[1]
    _write(calendars, last + 2)  # the year in between has no notice: nothing after it is trusted
    for cached in (deadlines.supplements, deadlines.calendar_version, deadlines.calendar_years):
        cached.cache_clear()
    with pytest.raises(RuleViolation, match=f"year {last + 1} is outside the working-day calendar"):
        compute_deadline(date(last, 12, 20), 15, DayKind.WORKING, "NT-PCI-32")


@pytest.mark.parametrize(("text", "problem"), [
    ('year = 2027\nholidays = [2027-01-01]\n', "name the State Council notice"),
    ('year = 2028\nnotice = "n"\nholidays = [2028-01-01]\n', "the file's own year"),
    ('year = 2027\nnotice = "n"\nholidays = [2026-12-31]\n', "outside 2027"),
    ('year = 2027\nnotice = "n"\nholidays = [2027-01-09]\nworkdays = [2027-01-09]\n', "both a holiday and a working"),
    ('year = 2027\nnotice = "n"\nholidays = [2027-01-01]\nworkdays = [2027-01-11]\n', "is not a Saturday or Sunday"),
])
def test_a_supplement_that_does_not_describe_its_year_is_refused_on_load(tmp_path: Path, text: str,
                                                                         problem: str) -> None:
    with pytest.raises(CalendarError, match=problem):
        read_arrangement(_write(tmp_path, 2027, text))


def test_the_shipped_supplements_load_and_follow_the_installed_calendar() -> None:
    shipped = load_arrangements()
    last = max(day.year for day in deadlines.holidays)
    assert all(year > last for year in shipped), "a supplement may only add years the installed calendar lacks"
