"""Objections (NT-PCI-31..33, LYG-14..17) and credit repair applications (NT-PCI-34/35, HA-5.1)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table

from projections.base import Handler, Logged, Projection, due, sid
from projections.batch import Batch
from projections.db import objections, repairs

O, R = "Objection.", "RepairApplication."


def _set(rows: Batch, table: Table, key: str, e: Any, at: Logged, **values: Any) -> None:
    rows.update(table, rows.row(table, key, sid(e.originator_id)), recorded_position=at.position, **values)


def on_filed(rows: Batch, e: Any, at: Logged) -> None:
    """Filed on an NT-PCI-31 ground; the record stays published (NT-PCI-32, LYG-17)."""
    rows.insert(objections, dict(
        objection_id=sid(e.originator_id), record_id=sid(e.record_id), subject_id=sid(e.subject_id),
        grounds=e.grounds, handler_unit=e.handler_unit, status="filed", filed_on=e.filed_on,
        answer_due=due(e.answer_deadline), appeals=0, recorded_position=at.position,
    ))


def on_referred(rows: Batch, e: Any, at: Logged) -> None:
    """Referred to the information provider for verification (NT-PCI-32)."""
    _set(rows, objections, "objection_id", e, at, status="referred", referred_on=e.referred_on,
         verification_due=due(e.deadline))


def on_decided(rows: Batch, e: Any, at: Logged) -> None:
    """Answered with reasons (LYG-15); upheld → a correction is due (NT-PCI-32)."""
    _set(rows, objections, "objection_id", e, at, status="upheld" if e.upheld else "rejected",
         decided_on=e.decided_on, upheld=e.upheld, decision_late=e.late, correction_due=due(e.correction_deadline))


def on_corrected(rows: Batch, e: Any, at: Logged) -> None:
    """The correction was applied to the record (NT-PCI-32)."""
    _set(rows, objections, "objection_id", e, at, status="corrected", corrected_on=e.applied_on,
         correction_late=e.late, corrected_fields=",".join(e.fields))


def on_appealed(rows: Batch, e: Any, at: Logged) -> None:
    """Appealed against the result (NT-PCI-33)."""
    count = rows.row(objections, "objection_id", sid(e.originator_id))["appeals"]
    _set(rows, objections, "objection_id", e, at, appeals=count + 1)


def on_repair_applied(rows: Batch, e: Any, at: Logged) -> None:
    """A repair application filed with the record's provider (NT-PCI-34, NT-PCI-4)."""
    rows.insert(repairs, dict(
        repair_id=sid(e.originator_id), record_id=sid(e.record_id), subject_id=sid(e.subject_id),
        handler_unit=e.handler_unit, status="applied", applied_on=e.applied_on, corrected_on=e.corrected_on,
        recorded_position=at.position,
    ))


def on_opinion(rows: Batch, e: Any, at: Logged) -> None:
    """The provider's opinion, published for the publicity period when favourable (NT-PCI-35)."""
    _set(rows, repairs, "repair_id", e, at, status="publicised" if e.favourable else "opinion_against",
         opinion_on=e.given_on, favourable=e.favourable, publicity_due=due(e.publicity_deadline))


def on_repair_decided(rows: Batch, e: Any, at: Logged) -> None:
    """Approved (the record is archived, NT-PCI-35) or refused."""
    _set(rows, repairs, "repair_id", e, at, status="approved" if e.approved else "refused",
         decided_on=e.decided_on, approved=e.approved)


def on_repair_reviewed(rows: Batch, e: Any, at: Logged) -> None:
    """CS-2.7: a negative review by the enforcement bureau refuses the application."""
    if not e.approved:
        _set(rows, repairs, "repair_id", e, at, status="refused", decided_on=e.reviewed_on, approved=False)


OBJECTIONS = Projection("objections", (objections,), {
    O + "Filed": on_filed, O + "Referred": on_referred, O + "Decided": on_decided,
    O + "CorrectionApplied": on_corrected, O + "Appealed": on_appealed,
}, reads=((objections, "objection_id"),))
REPAIR_HANDLERS: dict[str, Handler] = {
    R + "Applied": on_repair_applied, R + "OpinionGiven": on_opinion, R + "Decided": on_repair_decided,
    R + "Reviewed": on_repair_reviewed,
}
REPAIRS = Projection("repairs", (repairs,), REPAIR_HANDLERS, reads=((repairs, "repair_id"),))
