"""Submission of records to the credit office (LYG-4): each record's profile, and when it was submitted.

Each row also copies whether the record is in force and its determination date, so the list of in-force
records not yet submitted is counted and ordered on this table's index alone (issue 16).
"""

from __future__ import annotations

from typing import Any

from projections.base import Handler, Logged, Projection, sid
from projections.batch import Batch
from projections.db import record_submissions

R = "DishonestyRecord."


def _set(rows: Batch, e: Any, at: Logged, **changes: Any) -> None:
    row = rows.row(record_submissions, "record_id", sid(e.originator_id))
    rows.update(record_submissions, row, recorded_position=at.position, **changes)


def on_recorded(rows: Batch, e: Any, at: Logged) -> None:
    """A new record, not yet submitted; its profile says whether a collect-and-submit step applies (LYG-4)."""
    rows.insert(record_submissions, dict(record_id=sid(e.originator_id), policy_id=e.policy_id, in_force=True,
                                         determination_date=e.determination_date, recorded_position=at.position))


def on_submitted(rows: Batch, e: Any, at: Logged) -> None:
    """The collecting department submitted the record to the credit office (LYG-4)."""
    _set(rows, e, at, submitted_on=e.submitted_on, to_unit=e.to_unit)


def on_corrected(rows: Batch, e: Any, at: Logged) -> None:
    """A correction may move the determination date (NT-PCI-32)."""
    change = e.changes.get("determination_date")
    if change is not None:
        _set(rows, e, at, determination_date=change["new"])


def on_escalated(rows: Batch, e: Any, at: Logged) -> None:
    """A new determination (LYG-9)."""
    _set(rows, e, at, determination_date=e.determination_date)


def on_closed(rows: Batch, e: Any, at: Logged) -> None:
    """Repaired, expired or revoked: no longer in force, nothing left to submit (NT-PCI-30, NT-PCI-35, JY-24)."""
    _set(rows, e, at, in_force=False)


HANDLERS: dict[str, Handler] = {
    R + "Recorded": on_recorded, R + "Submitted": on_submitted, R + "Corrected": on_corrected,
    R + "Escalated": on_escalated, R + "Repaired": on_closed, R + "Expired": on_closed, R + "Revoked": on_closed,
}

PROJECTION = Projection("submissions", (record_submissions,), HANDLERS, reads=((record_submissions, "record_id"),))
