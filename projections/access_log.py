"""The query log (HA-5.2): who read which subject's data, when, for what purpose, on what basis."""

from __future__ import annotations

from typing import Any

from projections.base import Logged, Projection, sid, signed_by
from projections.batch import Batch
from projections.db import access_log


def on_recorded(rows: Batch, e: Any, at: Logged) -> None:
    """A registered non-public read; `recorded_at` is the ledger's transaction time of the read."""
    rows.insert(access_log, dict(
        access_id=sid(e.originator_id), subject_id=sid(e.subject_id), purpose=e.purpose, basis=e.basis,
        channel=e.channel, what=e.what, log_position=at.position, **signed_by(e, at),
    ))


PROJECTION = Projection("access_log", (access_log,), {"AccessRecord.Recorded": on_recorded})
