"""The public view: masked, public disclosure class only, in force only (NT-PCI-19, NT-PCI-30, HA-3.2).

Derived by a query from the subject and record views, so it can never disagree with them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, select

from projections.db import list_entries, records, subjects
from projections.status import IN_FORCE_STATUSES, OBJECTION_PENDING, PUBLIC_CLASS


def public_records_query() -> Select[Any]:
    """Records shown to the public; a pending objection is shown as a flag, not hidden (NT-PCI-32)."""
    return (
        select(records.c.record_id, subjects.c.masked_name, subjects.c.masked_id, records.c.behaviour_code,
               records.c.tier, records.c.determining_unit, records.c.determination_date,
               records.c.valid_until, (records.c.status == OBJECTION_PENDING).label("objection_pending"))
        .join(subjects, subjects.c.subject_id == records.c.subject_id)
        .where(records.c.disclosure == PUBLIC_CLASS, records.c.status.in_(IN_FORCE_STATUSES))
        .order_by(records.c.determination_date, records.c.record_id)
    )


def public_list_query(list_code: str) -> Select[Any]:
    """Entries of one list in force (confirmed, not ended), masked (JY-20, HA-3.2)."""
    return (
        select(list_entries.c.list_entry_id, subjects.c.masked_name, subjects.c.masked_id,
               list_entries.c.list_field, list_entries.c.valid_from, list_entries.c.valid_until)
        .join(subjects, subjects.c.subject_id == list_entries.c.subject_id)
        .where(list_entries.c.list_code == list_code, list_entries.c.in_force.is_(True))
        .order_by(list_entries.c.valid_from, list_entries.c.list_entry_id)
    )


def public_records(conn: Connection) -> list[dict[str, Any]]:
    """The public record view now (as far as the projections have followed the log)."""
    return [dict(r) for r in conn.execute(public_records_query()).mappings()]
