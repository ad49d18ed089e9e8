"""Whether an item is in force on a day: a function of its events and the day, never of the sweep alone.

NT-PCI-30: after its validity ends, information is no longer a basis for sanctions and no longer
published; JY-20: publication lasts exactly as long as the entry is valid; LYG-18: the end repairs
automatically. The daily sweep records the `Expired` event, but an item past its last day in force is
not in force on that day whether or not the sweep has run yet. `in_force_on` is the ONE decision; the
domain (aggregates, commands, queries), the read models (`projections.status` re-exports it; the SQL
filters in `projections.status.in_force_clause` are its column form) and every view use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from domain.errors import RuleViolation

EXPIRED = "expired"  # the status word of an item past its last day in force (records and list entries alike)


class Standing(str, Enum):
    """Where a day falls in an item's effective period."""

    NOT_STARTED = "not_started"  # before its first day in force (or never confirmed)
    IN_FORCE = "in_force"
    PAST_LAST_DAY = "past_last_day"  # NT-PCI-30, JY-20: validity ended (swept or not)
    ENDED = "ended"  # closed by an event (repair, exit, revocation, the sweep's expiry) on or before the day


@dataclass(frozen=True)
class Period:
    """An item's effective period: first day, last day in force (None: no time limit), the day it was closed."""

    valid_from: date | None
    valid_until: date | None
    ended_on: date | None = None


def standing(day: date, valid_from: date | None, valid_until: date | None, ended_on: date | None) -> Standing:
    """Where `day` falls in the period valid_from..valid_until, closed on `ended_on` (NT-PCI-30, JY-20)."""
    if valid_from is None or day < valid_from:
        return Standing.NOT_STARTED
    if valid_until is not None and day > valid_until:
        return Standing.PAST_LAST_DAY
    if ended_on is not None and day >= ended_on:
        return Standing.ENDED
    return Standing.IN_FORCE


def in_force_on(day: date, valid_from: date | None, valid_until: date | None, ended_on: date | None) -> bool:
    """THE decision: started, not past its last day in force, not closed on or before `day`."""
    return standing(day, valid_from, valid_until, ended_on) is Standing.IN_FORCE


def effective_status(stored_status: str, stored_in_force: bool, period: Period, day: date) -> str:
    """The status word on `day`: an item stored as in force but past its last day is `expired` (unswept)."""
    if stored_in_force and standing(day, period.valid_from, period.valid_until, None) is Standing.PAST_LAST_DAY:
        return EXPIRED
    return stored_status


def awaiting_sweep(stored_in_force: bool, valid_until: date | None, day: date) -> bool:
    """Past its last day in force on `day` while no `Expired` event is stored yet (NT-PCI-30, LYG-18)."""
    return stored_in_force and valid_until is not None and day > valid_until


# --- the aggregates (DishonestyRecord, ListEntry), read by their attributes ----------------------------
def period_of(item: Any) -> Period:
    """The effective period of a DishonestyRecord or a ListEntry as its events left it."""
    if hasattr(item, "closed_on"):  # DishonestyRecord: in force from its determination (NT-PCI-30)
        ended = None if item.in_force else (item.closed_on or item.determination_date)
        return Period(item.determination_date, item.valid_until, ended)
    start = item.decision["confirmed_on"] if item.decision else None  # ListEntry: from its confirmation
    ended = None if item.in_force else ((item.closing or {}).get("on") or start)
    return Period(start, item.valid_until, ended)


def item_in_force(item: Any, day: date) -> bool:
    """Whether a record or list entry is in force on `day`: a basis for sanctions, published if public."""
    period = period_of(item)
    return in_force_on(day, period.valid_from, period.valid_until, period.ended_on)


def item_published(record: Any, day: date) -> bool:
    """A record shown to the public on `day`: public class and in force (NT-PCI-19, NT-PCI-30, JY-20)."""
    return record.disclosure == "public" and item_in_force(record, day)


def item_status(item: Any, day: date) -> str:
    """The status word of a record or list entry on `day` (`expired` once past its last day)."""
    return effective_status(item.status, item.in_force, period_of(item), day)


def check_item_in_force(item: Any, day: date, rule_id: str, field: str) -> None:
    """Refuse a step that needs the item in force on `day` (NT-PCI-30: no sanction beyond validity)."""
    period = period_of(item)
    where = standing(day, period.valid_from, period.valid_until, period.ended_on)
    if where is Standing.IN_FORCE:
        return
    reason = {Standing.PAST_LAST_DAY: f"validity ended on {period.valid_until}",
              Standing.NOT_STARTED: f"in force only from {period.valid_from}"}.get(where, item.status)
    raise RuleViolation(rule_id, field, f"{reason}: not in force on {day}")
