"""Work queues: pending objection, repair and sanction-response steps with deadlines (NT-PCI-32, JY-21).

A step is opened by the event that makes it due and closed by the one that does (or supersedes) it;
the deadline is the one the opening event carries. Whether a step is overdue depends on the day
asked, so it is computed by `work_queue(conn, today)`, the same way as the aggregates' `overdue()`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, select, update

from projections.base import Handler, Logged, Projection, insert_row, sid
from projections.db import work_items


def _open(conn: Connection, kind: str, e: Any, at: Logged, step: str, unit: str,
          deadline: Mapping[str, Any] | None, subject_id: str | None = None) -> None:
    item_id = sid(e.originator_id)
    if subject_id is None:
        subject_id = conn.execute(select(work_items.c.subject_id).where(work_items.c.item_id == item_id)
                                  .limit(1)).scalar_one()
    insert_row(conn, work_items, dict(
        item_id=item_id, step=step, opened_position=at.position, kind=kind, subject_id=subject_id, unit=unit,
        due=deadline["due"] if deadline else None, rule_id=deadline.get("rule_id") if deadline else None,
    ))


def _close(conn: Connection, e: Any, at: Logged, steps: Sequence[str], done_on: date | None = None,
           late: bool | None = None) -> None:
    conn.execute(update(work_items).where(
        work_items.c.item_id == sid(e.originator_id), work_items.c.step.in_(steps),
        work_items.c.closed_position.is_(None)).values(closed_position=at.position, done_on=done_on, late=late))


def _unit(conn: Connection, e: Any) -> str:
    """The unit of an item's first step (the handler or department it was given to)."""
    return str(conn.execute(select(work_items.c.unit).where(work_items.c.item_id == sid(e.originator_id))
                            .order_by(work_items.c.opened_position).limit(1)).scalar_one())


# --- objections (NT-PCI-32, LYG-15) --------------------------------------------------------------
def on_objection_filed(conn: Connection, e: Any, at: Logged) -> None:
    """The determining unit must answer by the review deadline."""
    _open(conn, "objection", e, at, "decision", e.handler_unit, e.answer_deadline, sid(e.subject_id))


def on_objection_referred(conn: Connection, e: Any, at: Logged) -> None:
    """The provider must verify (NT-PCI-32: 5 working days)."""
    _open(conn, "objection", e, at, "provider_verification", e.provider_unit, e.deadline)


def on_objection_decided(conn: Connection, e: Any, at: Logged) -> None:
    """Answered; upheld → the correction is due (NT-PCI-32: 3 working days)."""
    _close(conn, e, at, ("decision", "provider_verification"), e.decided_on, e.late)
    if e.upheld:
        _open(conn, "objection", e, at, "correction", _unit(conn, e), e.correction_deadline)


def on_objection_corrected(conn: Connection, e: Any, at: Logged) -> None:
    """The correction was applied."""
    _close(conn, e, at, ("correction",), e.applied_on, e.late)


# --- repairs (NT-PCI-35) -------------------------------------------------------------------------
def on_repair_applied(conn: Connection, e: Any, at: Logged) -> None:
    """The provider gives its opinion (no time limit in the seeds)."""
    _open(conn, "repair", e, at, "repair_opinion", e.handler_unit, None, sid(e.subject_id))


def on_repair_opinion(conn: Connection, e: Any, at: Logged) -> None:
    """After the publicity period the provider decides."""
    _close(conn, e, at, ("repair_opinion",), e.given_on)
    _open(conn, "repair", e, at, "repair_decision", _unit(conn, e), e.publicity_deadline)


def on_repair_decided(conn: Connection, e: Any, at: Logged) -> None:
    """Decided."""
    _close(conn, e, at, ("repair_decision",), e.decided_on)


# --- department responses (JY-21, CS-2.6, CS-2.7) ------------------------------------------------
def on_sanction_pushed(conn: Connection, e: Any, at: Logged) -> None:
    """The department acknowledges (响应)."""
    _open(conn, "sanction", e, at, "acknowledge", e.department, e.response_deadline, sid(e.subject_id))


def on_sanction_acknowledged(conn: Connection, e: Any, at: Logged) -> None:
    """Acknowledged."""
    _close(conn, e, at, ("acknowledge",), e.acknowledged_on, e.late)


def on_sanction_applied(conn: Connection, e: Any, at: Logged) -> None:
    """Each application makes a feedback due (it replaces an earlier, not yet given one)."""
    _close(conn, e, at, ("feed_back",))
    _open(conn, "sanction", e, at, "feed_back", _unit(conn, e), e.feedback_deadline)


def on_sanction_fed_back(conn: Connection, e: Any, at: Logged) -> None:
    """Fed back."""
    _close(conn, e, at, ("feed_back",), e.fed_back_on)


def on_lift_pushed(conn: Connection, e: Any, at: Logged) -> None:
    """The lift replaces any pending response; the department confirms it."""
    _close(conn, e, at, ("acknowledge", "feed_back"))
    _open(conn, "sanction", e, at, "confirm_lift", _unit(conn, e), e.deadline)


def on_lift_confirmed(conn: Connection, e: Any, at: Logged) -> None:
    """The loop is closed."""
    _close(conn, e, at, ("confirm_lift",), e.confirmed_on)


HANDLERS: dict[str, Handler] = {
    "Objection.Filed": on_objection_filed,
    "Objection.Referred": on_objection_referred,
    "Objection.Decided": on_objection_decided,
    "Objection.CorrectionApplied": on_objection_corrected,
    "RepairApplication.Applied": on_repair_applied,
    "RepairApplication.OpinionGiven": on_repair_opinion,
    "RepairApplication.Decided": on_repair_decided,
    "SanctionCase.Pushed": on_sanction_pushed,
    "SanctionCase.Acknowledged": on_sanction_acknowledged,
    "SanctionCase.Applied": on_sanction_applied,
    "SanctionCase.FedBack": on_sanction_fed_back,
    "SanctionCase.LiftPushed": on_lift_pushed,
    "SanctionCase.LiftConfirmed": on_lift_confirmed,
}

PROJECTION = Projection("work_queue", (work_items,), HANDLERS)


def work_queue(conn: Connection, today: date, *, kind: str | None = None, unit: str | None = None,
               overdue_only: bool = False) -> list[dict[str, Any]]:
    """Open steps, oldest deadline first, each with `overdue` = past its due day on `today`."""
    query = select(work_items).where(work_items.c.closed_position.is_(None))
    if kind is not None:
        query = query.where(work_items.c.kind == kind)
    if unit is not None:
        query = query.where(work_items.c.unit == unit)
    if overdue_only:
        query = query.where(work_items.c.due < today)
    order = (work_items.c.due.is_(None), work_items.c.due, work_items.c.item_id, work_items.c.step)
    rows = [dict(r) for r in conn.execute(query.order_by(*order)).mappings()]
    return [r | {"overdue": r["due"] is not None and today > r["due"]} for r in rows]
