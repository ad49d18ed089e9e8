"""Dishonesty records with their current status and bitemporal effective periods (NT-PCI-15/30/32/35)."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.base import Handler, Logged, Projection, ProjectionError, sid
from projections.batch import Batch
from projections.db import record_periods, record_versions, records
from projections.status import EXPIRED, REPAIRED, REVOKED, record_status
from projections.versions import all_versioned

R = "DishonestyRecord."
CORRECTED_COLUMNS = ("behaviour_code", "tier", "disclosure", "act_date", "determination_date")


def on_recorded(rows: Batch, e: Any, at: Logged) -> None:
    """A new record in force from its determination date until its validity ends (NT-PCI-30)."""
    pos = at.position
    rows.insert(records, dict(
        record_id=sid(e.originator_id), subject_id=sid(e.subject_id), behaviour_code=e.behaviour_code,
        tier=e.tier, disclosure=e.disclosure, determining_unit=e.determining_unit, act_date=e.act_date,
        determination_date=e.determination_date, status=record_status(None, 0, 0), open_objections=0,
        correction_count=0, valid_from=e.determination_date, valid_until=e.valid_until, recorded_position=pos,
    ))
    rows.insert(record_periods, dict(
        record_id=sid(e.originator_id), period_no=1, recorded_position=pos,
        valid_from=e.determination_date, valid_until=e.valid_until,
    ))


def _row(rows: Batch, record_id: str) -> dict[str, Any]:
    return rows.row(records, "record_id", record_id)


def _set(rows: Batch, e: Any, pos: int, **changes: Any) -> None:
    """Update a record row and recompute its status from the changed counters and closing."""
    row = _row(rows, sid(e.originator_id))
    merged = row | changes
    status = record_status(merged["ended_reason"], merged["open_objections"], merged["correction_count"])
    rows.update(records, row, status=status, recorded_position=pos, **changes)


def _supersede(rows: Batch, record_id: str, pos: int, **changes: Any) -> int:
    """Replace the current version of the latest period by a new version recorded at `pos`."""
    current = records_period(rows, record_id)
    for period in rows.rows(record_periods, "record_id", record_id):
        if period["period_no"] == current["period_no"] and period["superseded_position"] is None:
            rows.update(record_periods, period, superseded_position=pos)
    rows.insert(record_periods, {**current, "recorded_position": pos, **changes})
    return int(current["period_no"])


def records_period(rows: Batch, record_id: str) -> dict[str, Any]:
    """The current version of a record's latest effective period (a copy)."""
    open_periods = [p for p in rows.rows(record_periods, "record_id", record_id) if p["superseded_position"] is None]
    if not open_periods:
        raise ProjectionError(f"view_record_periods: record {record_id} has no open period")
    return dict(max(open_periods, key=lambda p: p["period_no"]))


def on_flagged(rows: Batch, e: Any, at: Logged) -> None:
    """An objection is pending; the record stays in force and published (NT-PCI-32, LYG-17)."""
    _set(rows, e, at.position, open_objections=_row(rows, sid(e.originator_id))["open_objections"] + 1)


def on_unflagged(rows: Batch, e: Any, at: Logged) -> None:
    """The objection was decided."""
    _set(rows, e, at.position, open_objections=max(0, _row(rows, sid(e.originator_id))["open_objections"] - 1))


def on_corrected(rows: Batch, e: Any, at: Logged) -> None:
    """Corrected fields; the period is superseded, not overwritten, so earlier answers stay provable."""
    pos = at.position
    new = {f: c["new"] for f, c in e.changes.items() if f in CORRECTED_COLUMNS}
    row = _row(rows, sid(e.originator_id))
    start = new.get("determination_date", row["determination_date"])
    count = row["correction_count"] + 1
    _set(rows, e, pos, correction_count=count, valid_from=start, valid_until=e.valid_until, **new)
    _supersede(rows, sid(e.originator_id), pos, valid_from=start, valid_until=e.valid_until)


def on_escalated(rows: Batch, e: Any, at: Logged) -> None:
    """A new determination (LYG-9): the old period ends, a new one starts with the new validity."""
    pos = at.position
    record_id = sid(e.originator_id)
    number = _supersede(rows, record_id, pos, ended_on=e.determination_date, ended_reason="escalated")
    rows.insert(record_periods, dict(record_id=record_id, period_no=number + 1, recorded_position=pos,
                                     valid_from=e.determination_date, valid_until=e.valid_until))
    _set(rows, e, pos, behaviour_code=e.behaviour_code, tier=e.tier, determination_date=e.determination_date,
         valid_from=e.determination_date, valid_until=e.valid_until)


def _closer(reason: str, day_field: str) -> Handler:
    def on_closed(rows: Batch, e: Any, at: Logged) -> None:
        """Repaired, expired or revoked: archived, never deleted (NT-PCI-35, NT-PCI-30, JY-24)."""
        pos = at.position
        day: date = getattr(e, day_field)
        _set(rows, e, pos, ended_on=day, ended_reason=reason)
        _supersede(rows, sid(e.originator_id), pos, ended_on=day, ended_reason=reason)
    return on_closed


HANDLERS: dict[str, Handler] = {
    R + "Recorded": on_recorded,
    R + "Flagged": on_flagged,
    R + "Unflagged": on_unflagged,
    R + "Corrected": on_corrected,
    R + "Escalated": on_escalated,
    R + "Repaired": _closer(REPAIRED, "repaired_on"),
    R + "Expired": _closer(EXPIRED, "expired_on"),
    R + "Revoked": _closer(REVOKED, "revoked_on"),
}

PROJECTION = Projection("records", (records, record_periods, record_versions),
                        all_versioned(HANDLERS, records, record_versions, "record_id"),
                        reads=((records, "record_id"), (record_periods, "record_id"), (record_versions, "record_id")))
