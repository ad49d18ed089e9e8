"""Periods in months and years counted the Civil Code way (Art. 201/202): the corresponding day."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later, the month's last day when it does not exist (Civil Code Art. 202)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """The corresponding day `years` later, month end when it does not exist (Civil Code Art. 202)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
