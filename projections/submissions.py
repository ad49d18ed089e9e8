"""Submission of records to the credit office (LYG-4): each record's profile, and when it was submitted."""

from __future__ import annotations

from typing import Any

from projections.base import Logged, Projection, sid
from projections.batch import Batch
from projections.db import record_submissions


def on_recorded(rows: Batch, e: Any, at: Logged) -> None:
    """A new record, not yet submitted; its profile says whether a collect-and-submit step applies (LYG-4)."""
    rows.insert(record_submissions, dict(record_id=sid(e.originator_id), policy_id=e.policy_id,
                                         recorded_position=at.position))


def on_submitted(rows: Batch, e: Any, at: Logged) -> None:
    """The collecting department submitted the record to the credit office (LYG-4)."""
    row = rows.row(record_submissions, "record_id", sid(e.originator_id))
    rows.update(record_submissions, row, submitted_on=e.submitted_on, to_unit=e.to_unit, recorded_position=at.position)


PROJECTION = Projection("submissions", (record_submissions,), {
    "DishonestyRecord.Recorded": on_recorded, "DishonestyRecord.Submitted": on_submitted,
}, reads=((record_submissions, "record_id"),))
