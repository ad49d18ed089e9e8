"""List entries (black, red, key attention, big-data warning) with their status (JY-6, HA-4.1, JY-17, JY-20)."""

from __future__ import annotations

from typing import Any

from projections.base import Handler, Logged, Projection, sid
from projections.batch import Batch
from projections.db import list_entries, list_entry_versions
from projections.versions import all_versioned

L = "ListEntry."


def on_drafted(rows: Batch, e: Any, at: Logged) -> None:
    """A subject drafted onto a list."""
    rows.insert(list_entries, dict(
        list_entry_id=sid(e.originator_id), subject_id=sid(e.subject_id), list_code=e.list_code,
        list_field=e.list_field, policy_id=e.policy_id, determining_unit=e.determining_unit, status="drafted",
        in_force=False, drafted_on=e.drafted_on, recorded_position=at.position,
    ))


def _set(rows: Batch, e: Any, at: Logged, **values: Any) -> None:
    row = rows.row(list_entries, "list_entry_id", sid(e.originator_id))
    rows.update(list_entries, row, recorded_position=at.position, **values)


def on_confirmed(rows: Batch, e: Any, at: Logged) -> None:
    """Confirmed by a decision (HA-4.1): in force, published while valid (JY-20)."""
    _set(rows, e, at, status="confirmed", in_force=True, valid_from=e.confirmed_on, valid_until=e.valid_until)


def _ended(status: str, day_field: str, reason_field: str | None) -> Handler:
    def on_ended(rows: Batch, e: Any, at: Logged) -> None:
        """Off the list: exited (JY-17), expired (NT-PCI-30) or revoked (JY-24)."""
        reason = getattr(e, reason_field) if reason_field else status
        _set(rows, e, at, status=status, in_force=False, ended_on=getattr(e, day_field), ended_reason=reason)
    return on_ended


def _step(status: str) -> Handler:
    def on_step(rows: Batch, e: Any, at: Logged) -> None:
        """A procedural step before confirmation (prior notice, publicity)."""
        _set(rows, e, at, status=status)
    return on_step


HANDLERS: dict[str, Handler] = {
    L + "Drafted": on_drafted,
    L + "PriorNoticeGiven": _step("noticed"),
    L + "Publicised": _step("publicised"),
    L + "Confirmed": on_confirmed,
    L + "Exited": _ended("exited", "exited_on", "reason"),
    L + "Expired": _ended("expired", "expired_on", None),
    L + "Revoked": _ended("revoked", "revoked_on", "reason"),
}

PROJECTION = Projection("list_entries", (list_entries, list_entry_versions),
                        all_versioned(HANDLERS, list_entries, list_entry_versions, "list_entry_id"),
                        reads=((list_entries, "list_entry_id"), (list_entry_versions, "list_entry_id")))
