"""The office's business date: the regulations' dates are days in China time (UTC+8), whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TIME = timezone(timedelta(hours=8), "UTC+08:00")


def office_today(now: datetime | None = None) -> date:
    """Today's date in China time (between 16:00 and 24:00 UTC it is already tomorrow there)."""
    return (now or datetime.now(timezone.utc)).astimezone(CHINA_TIME).date()
