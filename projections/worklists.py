"""Open work read from the views: filtered (unit, status) and paginated in SQL, oldest first (issue 16).

"Open" is what keeps an item in the domain's open-item index (domain.index): a record not repaired,
expired or revoked (NT-PCI-30, NT-PCI-35, JY-24); a list entry not exited, expired or revoked (JY-17,
JY-20); an objection awaiting its decision or correction (NT-PCI-32); a repair not decided (NT-PCI-35);
a sanction case not lifted, declined or withdrawn (JY-21, CS-2.7). "Oldest first" is by the business
day the item was opened (determination, drafting, filing, application, push), then by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Sequence, TypeVar

from sqlalchemy import Column, ColumnElement, Connection, Table, and_, func, not_, or_, select, true

from projections.db import (list_entries, objections, record_submissions, records, repairs, sanction_steps, sanctions,
                            subjects, work_items)
from projections.status import IN_FORCE_STATUSES, in_force_clause

PAGE_SIZE = 100  # open items per page (a million-event ledger has 70,000 open records)


@dataclass(frozen=True)
class Kind:
    """How one kind of open item is found in its view: key, open filter, responsible unit, opening day."""

    table: Table
    key: str
    open_statuses: tuple[str, ...]
    unit: str  # the column naming the unit that must act on the item
    opened: str  # the business day the item was opened (the order of a list)

    def column(self, name: str) -> Column[Any]:
        """A column of the view."""
        return self.table.c[name]  # type: ignore[no-any-return]

    def is_open(self) -> ColumnElement[bool]:
        """The open filter (an IN on the status column, which the view indexes with the opening day)."""
        return self.column("status").in_(self.open_statuses)


KINDS: dict[str, Kind] = {
    "records": Kind(records, "record_id", IN_FORCE_STATUSES, "determining_unit", "determination_date"),
    "list_entries": Kind(list_entries, "list_entry_id", ("drafted", "noticed", "publicised", "confirmed"),
                         "determining_unit", "drafted_on"),
    "objections": Kind(objections, "objection_id", ("filed", "referred", "upheld"), "handler_unit", "filed_on"),
    "repairs": Kind(repairs, "repair_id", ("applied", "publicised", "opinion_against"), "handler_unit", "applied_on"),
    "sanctions": Kind(sanctions, "sanction_id", ("pushed", "acknowledged", "applied", "fed_back", "lift_pushed"),
                      "department", "pushed_on"),
}


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list (open items: rows of the view, each with `id`), its number, the page count, the total."""

    items: list[T]
    number: int
    pages: int
    total: int


def unit_filter(name: str, unit: str | None) -> ColumnElement[bool]:
    """Items the unit must act on; for objections also those referred to it for verification (NT-PCI-32)."""
    kind = KINDS[name]
    own = kind.column(kind.unit) == unit
    if name != "objections":
        return own
    referred = select(work_items.c.item_id).where(
        work_items.c.kind == "objection", work_items.c.step == "provider_verification", work_items.c.unit == unit)
    return or_(own, kind.column(kind.key).in_(referred))


def open_filter(name: str, unit: str | None = None, *, any_unit: bool = True,
                status: str | None = None) -> ColumnElement[bool]:
    """The WHERE clause: open items of the kind, of `unit` unless `any_unit`, of one status if given."""
    kind = KINDS[name]
    clauses = [kind.is_open()]
    if not any_unit:
        clauses.append(unit_filter(name, unit))
    if status is not None:
        clauses.append(kind.column("status") == status)
    return and_(*clauses)


def open_count(conn: Connection, name: str, unit: str | None = None, *, any_unit: bool = True,
               status: str | None = None) -> int:
    """How many items of the kind are open (for the unit, of the status), counted in SQL."""
    query = select(func.count()).select_from(KINDS[name].table).where(
        open_filter(name, unit, any_unit=any_unit, status=status))
    return int(conn.execute(query).scalar_one())


def open_page(conn: Connection, name: str, number: int, unit: str | None = None, *, any_unit: bool = True,
              status: str | None = None, size: int = PAGE_SIZE) -> Page[dict[str, Any]]:
    """Page `number` (clamped to 1..pages) of the open items, oldest first; only that page's rows are read."""
    kind = KINDS[name]
    where = open_filter(name, unit, any_unit=any_unit, status=status)
    total = int(conn.execute(select(func.count()).select_from(kind.table).where(where)).scalar_one())
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    query = (select(kind.table).where(where).order_by(kind.column(kind.opened), kind.column(kind.key))
             .limit(size).offset((number - 1) * size))
    rows = [dict(r) | {"id": r[kind.key]} for r in conn.execute(query).mappings()]
    return Page(rows, number, pages, total)


def open_steps(conn: Connection, item_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The pending steps (view_work_items) of the given items, by item id: what each waits for and until when."""
    if not item_ids:
        return {}
    query = (select(work_items).where(work_items.c.item_id.in_(list(item_ids)),
                                      work_items.c.closed_position.is_(None))
             .order_by(work_items.c.opened_position))
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query).mappings():
        found.setdefault(row["item_id"], []).append(dict(row))
    return found


def first_due(conn: Connection, item_ids: Sequence[str], step: str) -> dict[str, Any]:
    """The due day of each item's first step called `step` (open or done), by item id (None: no deadline)."""
    if not item_ids:
        return {}
    query = (select(work_items.c.item_id, work_items.c.due).where(
        work_items.c.item_id.in_(list(item_ids)), work_items.c.step == step).order_by(work_items.c.opened_position))
    found: dict[str, Any] = {}
    for row in conn.execute(query):
        found.setdefault(row.item_id, row.due)
    return found


def feedback_of(conn: Connection, sanction_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The departments' feedback reports (CS-2.6) of the given cases, oldest first, by case id."""
    if not sanction_ids:
        return {}
    query = (select(sanction_steps.c.sanction_id, sanction_steps.c.detail, sanction_steps.c.business_date)
             .where(sanction_steps.c.sanction_id.in_(list(sanction_ids)), sanction_steps.c.step == "fed_back")
             .order_by(sanction_steps.c.log_position))
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query):
        found.setdefault(row.sanction_id, []).append({"report": row.detail, "on": row.business_date})
    return found


def masked_subjects(conn: Connection, subject_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """The masked name and identifier (HA-3.2) of the given subjects, by subject id."""
    if not subject_ids:
        return {}
    query = select(subjects.c.subject_id, subjects.c.masked_name, subjects.c.masked_id).where(
        subjects.c.subject_id.in_(sorted(set(subject_ids))))
    return {row.subject_id: {"name": row.masked_name, "id": row.masked_id} for row in conn.execute(query)}


def lifts_due(conn: Connection, day: date, policy_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Cases in force (of the given profiles) whose record or list entry is not in force on `day`: lift the
    applied ones, withdraw the others (JY-17, CS-2.7); `CreditService.lifts_due` as one query on the views."""
    record_gone = and_(sanctions.c.source_kind == "record", not_(in_force_clause(records, day)))
    entry_gone = and_(sanctions.c.source_kind != "record", not_(in_force_clause(list_entries, day)))
    query = (select(sanctions)
             .outerjoin(records, and_(sanctions.c.source_kind == "record", records.c.record_id == sanctions.c.source_id))
             .outerjoin(list_entries, and_(sanctions.c.source_kind != "record",
                                           list_entries.c.list_entry_id == sanctions.c.source_id))
             .where(sanctions.c.in_force.is_(True), sanctions.c.policy_id.in_(list(policy_ids)),
                    or_(record_gone, entry_gone))
             .order_by(sanctions.c.pushed_on, sanctions.c.sanction_id))
    return [{"sanction_id": r["sanction_id"], "department": r["department"], "measure_id": r["measure_id"],
             "subject_id": r["subject_id"], "source_id": r["source_id"], "policy_id": r["policy_id"],
             "action": "lift" if r["cases"] else "withdraw", "rule_id": "JY-17"}
            for r in conn.execute(query).mappings()]


def records_to_submit(conn: Connection, policy_ids: Sequence[str], number: int = 1,
                      size: int = PAGE_SIZE) -> Page[dict[str, Any]]:
    """In-force records of the given profiles (those with a collect-and-submit step) not yet submitted, oldest
    first, one page (LYG-4); `CreditService.records_to_submit` as a query on the views."""
    # counted and ordered on the submissions view's index alone; only the page's records are read (issue 16)
    pending = record_submissions.c
    where = and_(pending.policy_id.in_(list(policy_ids)), pending.submitted_on.is_(None), pending.in_force == true())
    total = int(conn.execute(select(func.count()).select_from(record_submissions).where(where)).scalar_one())
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    joined = record_submissions.join(records, records.c.record_id == pending.record_id)
    query = (select(records, pending.policy_id).select_from(joined).where(where)
             .order_by(pending.determination_date, pending.record_id).limit(size).offset((number - 1) * size))
    return Page([dict(r) | {"id": r["record_id"]} for r in conn.execute(query).mappings()], number, pages, total)


def open_records_of_kinds(conn: Connection, kinds: Sequence[str]) -> list[str]:
    """Ids of the open records whose subject is of one of the kinds (e.g. government bodies, NT-GOV-2.2a)."""
    # the subjects of those kinds first (few, on their kind index), then their records on the subject index:
    # one join would scan every open record (issue 16)
    of_kinds = list(conn.execute(select(subjects.c.subject_id).where(subjects.c.kind.in_(list(kinds)))).scalars())
    if not of_kinds:
        return []
    query = (select(records.c.record_id).where(records.c.subject_id.in_(of_kinds),
                                               records.c.status.in_(IN_FORCE_STATUSES))
             .order_by(records.c.determination_date, records.c.record_id))
    return [str(r) for r in conn.execute(query).scalars()]
