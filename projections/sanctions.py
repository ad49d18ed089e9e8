"""Joint sanctions: cases per department and the timeline of every step (JY-21, CS-2.4..2.7, HA-4.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from projections.base import Handler, Logged, Projection, sid, signed_by
from projections.batch import Batch
from projections.db import sanction_steps, sanctions

S = "SanctionCase."


def _step(rows: Batch, e: Any, at: Logged, step: str, day: date, detail: str | None = None,
          late: bool | None = None) -> None:
    case = rows.row(sanctions, "sanction_id", sid(e.originator_id))
    rows.insert(sanction_steps, dict(
        log_position=at.position, sanction_id=case["sanction_id"], source_id=case["source_id"],
        department=case["department"], subject_id=case["subject_id"], measure_id=case["measure_id"],
        version=e.originator_version, step=step, business_date=day, detail=detail, late=late, **signed_by(e, at),
    ))


def _set(rows: Batch, e: Any, at: Logged, **values: Any) -> None:
    rows.update(sanctions, rows.row(sanctions, "sanction_id", sid(e.originator_id)),
                recorded_position=at.position, **values)


def on_pushed(rows: Batch, e: Any, at: Logged) -> None:
    """The credit office pushed a listed measure to its department (HA-4.2, JY-21)."""
    rows.insert(sanctions, dict(
        sanction_id=sid(e.originator_id), source_kind=e.source_kind, source_id=sid(e.source_id),
        subject_id=sid(e.subject_id), origin_case_id=sid(e.origin_case_id) if e.origin_case_id else None,
        measure_id=e.measure_id, measure_name=e.measure_name, department=e.department, policy_id=e.policy_id,
        status="pushed", in_force=True, pushed_on=e.pushed_on, cases=0, recorded_position=at.position,
    ))
    _step(rows, e, at, "pushed", e.pushed_on, e.measure_name)


def on_acknowledged(rows: Batch, e: Any, at: Logged) -> None:
    """The department responded (响应, JY-21)."""
    _set(rows, e, at, status="acknowledged", acknowledged_on=e.acknowledged_on)
    _step(rows, e, at, "acknowledged", e.acknowledged_on, late=e.late)


def on_applied(rows: Batch, e: Any, at: Logged) -> None:
    """Applied in a business case (实施, CS-2.6)."""
    count = rows.row(sanctions, "sanction_id", sid(e.originator_id))["cases"]
    _set(rows, e, at, status="applied", cases=count + 1, last_case_on=e.case["date"])
    _step(rows, e, at, "applied", e.case["date"], f"{e.case.get('number', '')} {e.case.get('description', '')}".strip())


def on_fed_back(rows: Batch, e: Any, at: Logged) -> None:
    """Cases fed back to the credit office (反馈, JY-21, CS-2.6)."""
    _set(rows, e, at, status="fed_back", fed_back_on=e.fed_back_on)
    _step(rows, e, at, "fed_back", e.fed_back_on, e.report)


def on_lift_pushed(rows: Batch, e: Any, at: Logged) -> None:
    """The lift was pushed: the measure is no longer in force (JY-17, CS-2.7)."""
    _set(rows, e, at, status="lift_pushed", in_force=False, lift_reason=e.reason, lift_pushed_on=e.pushed_on)
    _step(rows, e, at, "lift_pushed", e.pushed_on, e.reason)


def on_lift_confirmed(rows: Batch, e: Any, at: Logged) -> None:
    """The department confirmed the lift: the loop is closed (CS-2.7)."""
    _set(rows, e, at, status="lifted", lift_confirmed_on=e.confirmed_on)
    _step(rows, e, at, "lift_confirmed", e.confirmed_on)


def on_declined(rows: Batch, e: Any, at: Logged) -> None:
    """The department decided not to apply, with its reason: the case is closed (JY-21)."""
    _set(rows, e, at, status="declined", in_force=False)
    _step(rows, e, at, "declined", e.declined_on, e.reason)


def on_withdrawn(rows: Batch, e: Any, at: Logged) -> None:
    """The credit office withdrew a push never applied: nothing to lift (JY-17)."""
    _set(rows, e, at, status="withdrawn", in_force=False)
    _step(rows, e, at, "withdrawn", e.withdrawn_on, e.reason)


HANDLERS: dict[str, Handler] = {
    S + "Pushed": on_pushed,
    S + "Acknowledged": on_acknowledged,
    S + "Applied": on_applied,
    S + "FedBack": on_fed_back,
    S + "LiftPushed": on_lift_pushed,
    S + "LiftConfirmed": on_lift_confirmed,
    S + "Declined": on_declined,
    S + "Withdrawn": on_withdrawn,
}

PROJECTION = Projection("sanctions", (sanctions, sanction_steps), HANDLERS, reads=((sanctions, "sanction_id"),))
