"""The public view: masked, public disclosure class only, in force only (NT-PCI-19, NT-PCI-30, HA-3.2).

Derived by a query from the subject and record views, so it can never disagree with them. "In force" is
on a business day (today unless asked): an item past its last day is not shown, swept or not (JY-20).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, func, select

from domain.clock import office_today
from projections.db import list_entries, records, subjects
from projections.status import OBJECTION_PENDING, PUBLIC_CLASS, in_force_clause
from projections.worklists import PAGE_SIZE, Page


def public_records_query(day: date | None = None) -> Select[Any]:
    """Records shown to the public on `day`; a pending objection is shown as a flag, not hidden (NT-PCI-32)."""
    return (
        select(records.c.record_id, subjects.c.masked_name, subjects.c.masked_id, records.c.behaviour_code,
               records.c.tier, records.c.determining_unit, records.c.determination_date,
               records.c.valid_until, (records.c.status == OBJECTION_PENDING).label("objection_pending"))
        .join(subjects, subjects.c.subject_id == records.c.subject_id)
        .where(records.c.disclosure == PUBLIC_CLASS, in_force_clause(records, day or office_today()))
        .order_by(records.c.determination_date, records.c.record_id)
    )


def public_list_query(list_code: str, day: date | None = None) -> Select[Any]:
    """Entries of one list in force on `day` (confirmed, not ended, not past the last day), masked (JY-20, HA-3.2)."""
    return (
        select(list_entries.c.list_entry_id, subjects.c.masked_name, subjects.c.masked_id,
               list_entries.c.list_field, list_entries.c.valid_from, list_entries.c.valid_until)
        .join(subjects, subjects.c.subject_id == list_entries.c.subject_id)
        .where(list_entries.c.list_code == list_code, in_force_clause(list_entries, day or office_today()))
        .order_by(list_entries.c.valid_from, list_entries.c.list_entry_id)
    )


def public_list_page(conn: Connection, list_code: str, day: date, number: int,
                     size: int = PAGE_SIZE) -> Page[dict[str, Any]]:
    """Page `number` (clamped to 1..pages) of one public list on `day`, counted and paged in SQL (issue 16)."""
    query = public_list_query(list_code, day)
    total = int(conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = [dict(r) for r in conn.execute(query.limit(size).offset((number - 1) * size)).mappings()]
    return Page(rows, number, pages, total)


def public_records(conn: Connection, day: date | None = None) -> list[dict[str, Any]]:
    """The public record view on `day` (default today), as far as the projections have followed the log."""
    return [dict(r) for r in conn.execute(public_records_query(day)).mappings()]


def subjects_shown_as(conn: Connection, name: str, masked_id: str) -> list[str]:
    """Ids of the subjects whose full name and masked identifier are exactly these: what a public list already
    shows of a person (HA-3.2), so a name with the visible digits finds nothing the public could not see."""
    query = select(subjects.c.subject_id).where(subjects.c.name == name, subjects.c.masked_id == masked_id)
    return [str(row) for row in conn.execute(query.order_by(subjects.c.subject_id)).scalars()]
