"""Overdue steps and expiries awaiting the sweep, read from the views (issue 16).

The same answers as `CreditService.overdue` and `CreditService.awaiting_sweep`, as one function of the
events (the view rows) and the day asked: a step is overdue when the day is after its due day (the due day
itself is in time, `domain.common.is_late`; NT-PCI-32, JY-21, CS-2.7, NAT-22-DL, NAT-APL-48); an item is
awaiting the sweep when it is stored as in force and the day is after its last day in force
(`domain.effective.awaiting_sweep`; NT-PCI-30, LYG-18).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from projections.db import list_entries, records, work_items
from projections.status import IN_FORCE_STATUSES


def overdue(conn: Connection, day: date, *, kind: str | None = None,
            item_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Open steps past their due day on `day` (of one kind, of the given items), oldest due day first, with
    `days_late`; `kind` is the view's word (objection, repair, sanction, withdrawal)."""
    query = select(work_items).where(work_items.c.closed_position.is_(None), work_items.c.due < day)
    if kind is not None:
        query = query.where(work_items.c.kind == kind)
    if item_ids is not None:
        query = query.where(work_items.c.item_id.in_(list(item_ids)))
    query = query.order_by(work_items.c.due, work_items.c.item_id, work_items.c.opened_position, work_items.c.step)
    return [{"kind": r["kind"], "id": r["item_id"], "subject_id": r["subject_id"], "step": r["step"],
             "unit": r["unit"], "due": r["due"], "rule_id": r["rule_id"], "days_late": (day - r["due"]).days}
            for r in conn.execute(query).mappings()]


def awaiting_sweep(conn: Connection, day: date) -> list[dict[str, Any]]:
    """Records and list entries stored as in force whose last day in force is before `day` (their `Expired`
    event is not stored yet), oldest last day first; `kind` is record or list_entry."""
    found = []
    for kind, table, key, stored_in_force in (
            ("record", records, "record_id", records.c.status.in_(IN_FORCE_STATUSES)),
            ("list_entry", list_entries, "list_entry_id", list_entries.c.in_force.is_(True))):
        query = select(table.c[key], table.c.subject_id, table.c.valid_until).where(
            stored_in_force, table.c.valid_until.is_not(None), table.c.valid_until < day)
        found += [{"kind": kind, "id": r[key], "subject_id": r["subject_id"], "step": "expire",
                   "due": r["valid_until"], "days_late": (day - r["valid_until"]).days}
                  for r in conn.execute(query).mappings()]
    return sorted(found, key=lambda s: (s["due"], s["id"]))
