"""Working-day calendar years copied from the State Council's holiday notices, for years the installed
`chinesecalendar` does not cover yet (domain/calendars/YYYY.toml; never a guess: a year without a notice stays
uncovered)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CALENDARS = Path(__file__).resolve().parent / "calendars"


class CalendarError(ValueError):
    """A supplement file that does not describe one year's arrangement consistently."""


@dataclass(frozen=True)
class YearArrangement:
    """One year's holidays and make-up working days, as the notice it copies publishes them."""

    year: int
    notice: str
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        """A make-up working day, or a weekday that is not a holiday."""
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _dates(raw: object, name: str, year: int, path: Path) -> frozenset[date]:
    if not isinstance(raw, list) or not all(type(d) is date for d in raw):
        raise CalendarError(f"{path.name}: {name} must be a list of dates")
    outside = [d for d in raw if d.year != year]
    if outside:
        raise CalendarError(f"{path.name}: {name} has {outside[0]}, outside {year}")
    return frozenset(raw)


def read_arrangement(path: Path) -> YearArrangement:
    """One supplement file, checked: its year, the notice it copies, and dates of that year only."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    year, notice = data.get("year"), str(data.get("notice", "")).strip()
    if not isinstance(year, int) or path.stem != str(year):
        raise CalendarError(f"{path.name}: year must be the file's own year")
    if not notice:
        raise CalendarError(f"{path.name}: name the State Council notice the dates are copied from")
    holidays = _dates(data.get("holidays"), "holidays", year, path)
    workdays = _dates(data.get("workdays", []), "workdays", year, path)
    if holidays & workdays:
        raise CalendarError(f"{path.name}: {min(holidays & workdays)} is both a holiday and a working day")
    weekday_workdays = [d for d in workdays if d.weekday() < 5]
    if weekday_workdays:
        raise CalendarError(f"{path.name}: make-up working day {weekday_workdays[0]} is not a Saturday or Sunday")
    return YearArrangement(year, notice, holidays, workdays)


def load_arrangements(folder: Path = CALENDARS) -> dict[int, YearArrangement]:
    """Every supplement year in the folder, by year."""
    found = [read_arrangement(path) for path in sorted(folder.glob("*.toml"))]
    return {one.year: one for one in found}
