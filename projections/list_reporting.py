"""Confirmed list entries waiting for their monthly report (NT-PCI-17) or their upward push (JY-22), issue 16.

The view keeps, per list entry, its profile, list, unit and confirmation day, whether a monthly report named
it and which upper-level systems it was pushed to; which lists are reported or pushed upward is the profiles'
say, so the queries take those (policy id, list codes, targets) from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, false, func, or_, select

from projections.base import Handler, Logged, Projection, sid
from projections.batch import Batch
from projections.db import list_entries, list_reporting
from projections.status import in_force_clause
from projections.worklists import Page

E = "ListEntry."


def on_drafted(rows: Batch, e: Any, at: Logged) -> None:
    """A drafted entry: nothing to report until it is confirmed."""
    rows.insert(list_reporting, dict(list_entry_id=sid(e.originator_id), subject_id=sid(e.subject_id),
                                     policy_id=e.policy_id, list_code=e.list_code, determining_unit=e.determining_unit,
                                     reported=False, pushed_to="", recorded_position=at.position))


def on_confirmed(rows: Batch, e: Any, at: Logged) -> None:
    """Confirmed: its month's report (NT-PCI-17) and, for the lists the profile names, the push are due (JY-22)."""
    row = rows.row(list_reporting, "list_entry_id", sid(e.originator_id))
    rows.update(list_reporting, row, confirmed_on=e.confirmed_on, recorded_position=at.position)


def on_pushed_upward(rows: Batch, e: Any, at: Logged) -> None:
    """Pushed to some upper-level systems (JY-22)."""
    row = rows.row(list_reporting, "list_entry_id", sid(e.originator_id))
    systems = sorted(set(row["pushed_to"].split()) | set(e.systems))
    rows.update(list_reporting, row, pushed_to=" ".join(systems), recorded_position=at.position)


def on_report_submitted(rows: Batch, e: Any, at: Logged) -> None:
    """A monthly report names its entries (an empty one is the zero report, NT-PCI-17)."""
    for entry_id in e.entry_ids:
        row = rows.row(list_reporting, "list_entry_id", str(entry_id))
        rows.update(list_reporting, row, reported=True, recorded_position=at.position)


HANDLERS: dict[str, Handler] = {E + "Drafted": on_drafted, E + "Confirmed": on_confirmed,
                                E + "PushedUpward": on_pushed_upward, "ListReport.Submitted": on_report_submitted}

PROJECTION = Projection("list_reporting", (list_reporting,), HANDLERS, reads=((list_reporting, "list_entry_id"),))


def _of_lists(lists: Mapping[str, Sequence[str]]) -> ColumnElement[bool]:
    """Entries of the given lists of each profile (policy id → list codes)."""
    c = list_reporting.c
    chosen = [and_(c.policy_id == pid, c.list_code.in_(list(codes))) for pid, codes in lists.items() if codes]
    return or_(*chosen) if chosen else false()


def unreported(conn: Connection, lists: Mapping[str, Sequence[str]]) -> list[tuple[str, str, date, str]]:
    """Confirmed entries of the reported lists no monthly report has named yet (NT-PCI-17), by profile, unit, day:
    (policy id, unit, confirmation day, list entry id), as `CreditService.reports_due_of` takes them."""
    c = list_reporting.c
    query = (select(c.policy_id, c.determining_unit, c.confirmed_on, c.list_entry_id)
             .where(_of_lists(lists), c.reported.is_(False), c.confirmed_on.is_not(None))
             .order_by(c.policy_id, c.determining_unit, c.confirmed_on, c.list_entry_id))
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


def upward_pending(conn: Connection, targets: Mapping[str, tuple[Sequence[str], Sequence[str]]], day: date,
                   number: int, size: int) -> Page[dict[str, Any]]:
    """Page `number` of the entries in force on `day` of the pushed lists (policy id → (list codes, systems))
    not yet pushed to every system (JY-22, JY-20), oldest confirmation first, each with the systems missing."""
    c = list_reporting.c
    not_done = [and_(c.policy_id == pid, c.list_code.in_(list(codes)), c.pushed_to != " ".join(sorted(systems)))
                for pid, (codes, systems) in targets.items() if codes and systems]
    joined = list_reporting.join(list_entries, list_entries.c.list_entry_id == c.list_entry_id)
    where = and_(or_(*not_done) if not_done else false(), c.confirmed_on.is_not(None),
                 in_force_clause(list_entries, day))
    total = int(conn.execute(select(func.count()).select_from(joined).where(where)).scalar_one())
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    query = (select(c.list_entry_id, c.subject_id, c.policy_id, c.confirmed_on, c.pushed_to).select_from(joined)
             .where(where).order_by(c.confirmed_on, c.list_entry_id).limit(size).offset((number - 1) * size))
    rows = []
    for r in conn.execute(query).mappings():
        done = set(r["pushed_to"].split())
        rows.append(dict(r) | {"missing": [s for s in targets[r["policy_id"]][1] if s not in done]})
    return Page(rows, number, pages, total)
