"""Work queues: pending objection, repair, sanction-response and penalty-withdrawal steps with deadlines
(NT-PCI-32, NAT-22-DL, JY-21, NAT-APL-48).

A step is opened by the event that makes it due and closed by the one that does (or supersedes) it;
the deadline is the one the opening event carries. Whether a step is overdue depends on the day
asked, so it is computed by `work_queue(conn, today)`, the same way as the aggregates' `overdue()`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Sequence

from sqlalchemy import Connection, select

from projections.base import Handler, Logged, Projection, ProjectionError, sid
from projections.batch import Batch
from projections.db import work_items


def _steps(rows: Batch, item_id: str) -> list[dict[str, Any]]:
    """The item's steps so far, or ProjectionError when it has none (an event before its opening one)."""
    found = rows.rows(work_items, "item_id", item_id)
    if not found:
        raise ProjectionError(f"view_work_items: no step of item {item_id} is open")
    return found


def _open(rows: Batch, kind: str, e: Any, at: Logged, step: str, unit: str,
          deadline: Mapping[str, Any] | None, subject_id: str | None = None) -> None:
    item_id = sid(e.originator_id)
    if subject_id is None:
        subject_id = _steps(rows, item_id)[0]["subject_id"]
    rows.insert(work_items, dict(
        item_id=item_id, step=step, opened_position=at.position, kind=kind, subject_id=subject_id, unit=unit,
        due=deadline["due"] if deadline else None, rule_id=deadline.get("rule_id") if deadline else None,
    ))


def _close(rows: Batch, e: Any, at: Logged, steps: Sequence[str], done_on: date | None = None,
           late: bool | None = None) -> None:
    for item in rows.rows(work_items, "item_id", sid(e.originator_id)):
        if item["step"] in steps and item["closed_position"] is None:
            rows.update(work_items, item, closed_position=at.position, done_on=done_on, late=late)


def _unit(rows: Batch, e: Any) -> str:
    """The unit of an item's first step (the handler or department it was given to)."""
    return str(min(_steps(rows, sid(e.originator_id)), key=lambda r: r["opened_position"])["unit"])


# --- objections (NT-PCI-32, LYG-15) --------------------------------------------------------------
def on_objection_filed(rows: Batch, e: Any, at: Logged) -> None:
    """The determining unit must answer by the review deadline."""
    _open(rows, "objection", e, at, "decision", e.handler_unit, e.answer_deadline, sid(e.subject_id))


def on_objection_referred(rows: Batch, e: Any, at: Logged) -> None:
    """The provider must verify (NT-PCI-32: 5 working days)."""
    _open(rows, "objection", e, at, "provider_verification", e.provider_unit, e.deadline)


def on_objection_verified(rows: Batch, e: Any, at: Logged) -> None:
    """The provider verified and fed back (NT-PCI-32: 5 working days)."""
    _close(rows, e, at, ("provider_verification",), e.verified_on, e.late)


def on_objection_decided(rows: Batch, e: Any, at: Logged) -> None:
    """Answered; upheld → the correction is due (NT-PCI-32: 3 working days)."""
    _close(rows, e, at, ("decision", "provider_verification"), e.decided_on, e.late)
    if e.upheld:
        _open(rows, "objection", e, at, "correction", _unit(rows, e), e.correction_deadline)


def on_objection_corrected(rows: Batch, e: Any, at: Logged) -> None:
    """The correction was applied."""
    _close(rows, e, at, ("correction",), e.applied_on, e.late)


# --- repairs (NT-PCI-35) -------------------------------------------------------------------------
REPAIR_STEPS = ("repair_opinion", "repair_decision", "repair_feedback")


def on_repair_applied(rows: Batch, e: Any, at: Logged) -> None:
    """The provider gives its opinion (no time limit in the seeds); NAT-22-DL: the feedback and decision time
    limits start on the application day and run until the application is decided."""
    _open(rows, "repair", e, at, "repair_opinion", e.handler_unit, None, sid(e.subject_id))
    for step, deadline in sorted((getattr(e, "response_deadlines", None) or {}).items()):
        _open(rows, "repair", e, at, step, e.handler_unit, deadline, sid(e.subject_id))


def on_repair_opinion(rows: Batch, e: Any, at: Logged) -> None:
    """After the publicity period the provider decides."""
    _close(rows, e, at, ("repair_opinion",), e.given_on)
    _open(rows, "repair", e, at, "repair_decision", _unit(rows, e), e.publicity_deadline)


def on_repair_reviewed(rows: Batch, e: Any, at: Logged) -> None:
    """CS-2.7: a negative review ends the application: nothing is due any more (NAT-22-DL limits included)."""
    if not e.approved:
        _close(rows, e, at, REPAIR_STEPS, e.reviewed_on)


def on_repair_decided(rows: Batch, e: Any, at: Logged) -> None:
    """Decided: every time limit of the application ends (NT-PCI-35, NAT-22-DL)."""
    _close(rows, e, at, REPAIR_STEPS, e.decided_on)


# --- department responses (JY-21, CS-2.6, CS-2.7) ------------------------------------------------
def on_sanction_pushed(rows: Batch, e: Any, at: Logged) -> None:
    """The department acknowledges (响应)."""
    _open(rows, "sanction", e, at, "acknowledge", e.department, e.response_deadline, sid(e.subject_id))


def on_sanction_acknowledged(rows: Batch, e: Any, at: Logged) -> None:
    """Acknowledged."""
    _close(rows, e, at, ("acknowledge",), e.acknowledged_on, e.late)


def on_sanction_applied(rows: Batch, e: Any, at: Logged) -> None:
    """Each application makes a feedback due (it replaces an earlier, not yet given one)."""
    _close(rows, e, at, ("feed_back",))
    _open(rows, "sanction", e, at, "feed_back", _unit(rows, e), e.feedback_deadline)


def on_sanction_fed_back(rows: Batch, e: Any, at: Logged) -> None:
    """Fed back."""
    _close(rows, e, at, ("feed_back",), e.fed_back_on)


def on_lift_pushed(rows: Batch, e: Any, at: Logged) -> None:
    """The lift replaces any pending response; the department confirms it."""
    _close(rows, e, at, ("acknowledge", "feed_back"))
    _open(rows, "sanction", e, at, "confirm_lift", _unit(rows, e), e.deadline)


def on_lift_confirmed(rows: Batch, e: Any, at: Logged) -> None:
    """The loop is closed."""
    _close(rows, e, at, ("confirm_lift",), e.confirmed_on)


def on_sanction_ended(rows: Batch, e: Any, at: Logged) -> None:
    """Declined by the department (JY-21) or withdrawn by the credit office (JY-17): nothing stays pending."""
    _close(rows, e, at, ("acknowledge", "feed_back"))


# --- penalty withdrawals (NAT-APL-48) ------------------------------------------------------------
def on_withdrawal_registered(rows: Batch, e: Any, at: Logged) -> None:
    """A changed or revoked penalty is withdrawn within 3 days of the change."""
    _open(rows, "withdrawal", e, at, "withdrawal", e.handler_unit, e.deadline, sid(e.subject_id))


def on_withdrawal_done(rows: Batch, e: Any, at: Logged) -> None:
    """Withdrawn (on time or late)."""
    _close(rows, e, at, ("withdrawal",), e.withdrawn_on, e.late)


HANDLERS: dict[str, Handler] = {
    "Objection.Filed": on_objection_filed,
    "Objection.Referred": on_objection_referred,
    "Objection.ProviderVerified": on_objection_verified,
    "Objection.Decided": on_objection_decided,
    "Objection.CorrectionApplied": on_objection_corrected,
    "RepairApplication.Applied": on_repair_applied,
    "RepairApplication.OpinionGiven": on_repair_opinion,
    "RepairApplication.Decided": on_repair_decided,
    "RepairApplication.Reviewed": on_repair_reviewed,
    "SanctionCase.Pushed": on_sanction_pushed,
    "SanctionCase.Acknowledged": on_sanction_acknowledged,
    "SanctionCase.Applied": on_sanction_applied,
    "SanctionCase.FedBack": on_sanction_fed_back,
    "SanctionCase.LiftPushed": on_lift_pushed,
    "SanctionCase.LiftConfirmed": on_lift_confirmed,
    "SanctionCase.Declined": on_sanction_ended,
    "SanctionCase.Withdrawn": on_sanction_ended,
    "PenaltyWithdrawal.Registered": on_withdrawal_registered,
    "PenaltyWithdrawal.Withdrawn": on_withdrawal_done,
}

PROJECTION = Projection("work_queue", (work_items,), HANDLERS, reads=((work_items, "item_id"),))


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
