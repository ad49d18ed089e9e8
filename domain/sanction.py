"""SanctionCase: one measure of one department against one subject, a closed loop (JY-21, CS-2.4..2.7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import (allowed_steps, check_date, check_not_before, check_text, check_unit, compute, credit_office,
                           is_late, ledger_uuid, stamp)
from domain.documents import document
from domain.errors import RuleViolation
from domain.policy import Measure, PolicyProfile
from domain.privacy import check_no_forbidden_data

PUSHED, ACKNOWLEDGED, APPLIED, FED_BACK = "pushed", "acknowledged", "applied", "fed_back"
LIFT_PUSHED, LIFTED = "lift_pushed", "lifted"
# JY-21: the department decided not to apply (with its reason); JY-17: a push never applied is withdrawn, not lifted.
DECLINED, WITHDRAWN = "declined", "withdrawn"
CLOSED = (LIFTED, DECLINED, WITHDRAWN)
SOURCE_KINDS = ("record", "list_entry")


def check_measure(measure: Measure, trigger: str, target: str) -> None:
    """HA-4.2: the measure list names the measure for this trigger (tier or list) and this kind of subject."""
    if trigger not in measure.triggers:
        raise RuleViolation("HA-4.2", "measure_id", f"measure {measure.id} is not listed for {trigger}")
    if target not in measure.objects:
        raise RuleViolation("HA-4.2", "measure_id", f"measure {measure.id} does not apply to a {target}")


def applicable_measures(profile: PolicyProfile, trigger: str, target: str) -> list[Measure]:
    """The measures of the profile's list that apply to a source of `trigger` against a `target` (HA-4.2)."""
    found = []
    for measure in profile.measures.values():
        try:
            check_measure(measure, trigger, target)
        except RuleViolation:
            continue
        found.append(measure)
    return found


class SanctionCase(Aggregate):
    """Pushed → acknowledged → applied (business case) → feedback → lift pushed → lift confirmed.

    Other ends of the loop: acknowledged → declined with a reason (JY-21); pushed or acknowledged, never
    applied → withdrawn by the credit office when the basis ends (JY-17: lifts go only to appliers)."""

    @staticmethod
    def create_id(source_id: UUID, subject_id: UUID, measure_id: str) -> UUID:
        """One case per (source, subject, measure); the measure fixes the department (JY-16)."""
        return ledger_uuid("sanction", source_id, subject_id, measure_id)

    @classmethod
    def push(cls, actor: Actor, profile: PolicyProfile, today: date, *, source_kind: str, source_id: UUID,
             subject_id: UUID, trigger: str, target: str, measure_id: str, pushed_on: date,
             origin_case_id: UUID | None = None) -> SanctionCase:
        """Push a measure of the measure list (HA-4.2) for `trigger` (tier or list) to its department."""
        measure = profile.measure(measure_id)
        check_measure(measure, trigger, target)
        check_date(pushed_on, today, "JY-21", "pushed_on")
        return cls(
            source_kind=source_kind, source_id=source_id, subject_id=subject_id, measure_id=measure_id,
            department=measure.unit, measure_name=measure.name_zh, legal_basis=measure.legal_basis, target=target,
            origin_case_id=origin_case_id, pushed_on=pushed_on,
            response_deadline=compute(profile, "sanction_response", pushed_on, "pushed_on"), **stamp(actor, profile),
        )

    @event("Pushed")
    def __init__(
        self, source_kind: str, source_id: UUID, subject_id: UUID, measure_id: str, department: str,
        measure_name: str, legal_basis: str, target: str, origin_case_id: UUID | None, pushed_on: date,
        response_deadline: dict[str, Any] | None,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.source_kind = source_kind
        self.source_id = source_id
        self.subject_id = subject_id
        self.measure_id = measure_id
        self.department = department
        self.measure_name = measure_name
        self.legal_basis = legal_basis
        self.target = target
        self.origin_case_id = origin_case_id
        self.pushed_on = pushed_on
        self.response_deadline = response_deadline
        self.policy_id = policy_id
        self.status = PUSHED
        self.acknowledged_on: date | None = None
        self.cases: list[dict[str, Any]] = []
        self.feedback: list[dict[str, Any]] = []
        self.feedback_deadline: dict[str, Any] | None = None
        self.lift: dict[str, Any] | None = None
        self.closing: dict[str, Any] | None = None

    # --- queries -----------------------------------------------------------------------------
    @property
    def in_force(self) -> bool:
        """Whether the measure is (to be) applied: not lifted, declined or withdrawn."""
        return self.status not in (LIFT_PUSHED, *CLOSED)

    @property
    def open(self) -> bool:
        """Whether the loop still waits for a step (lifted, declined and withdrawn cases are closed)."""
        return self.status not in CLOSED

    @property
    def applied(self) -> bool:
        """Whether the department applied the measure in at least one business case (CS-2.6)."""
        return bool(self.cases)

    def pending_steps(self) -> list[dict[str, Any]]:
        """The department's next response with its deadline, if the profile sets one (JY-21, CS-2.6, CS-2.7)."""
        pending = {PUSHED: ("acknowledge", self.response_deadline),
                   APPLIED: ("feed_back", self.feedback_deadline),
                   LIFT_PUSHED: ("confirm_lift", (self.lift or {}).get("deadline"))}
        step, deadline = pending.get(self.status, ("", None))
        if deadline is None:
            return []
        return [{"step": step, "unit": self.department, "department": self.department, "sanction_id": self.id,
                 "measure_id": self.measure_id, "due": deadline["due"], "deadline": deadline}]

    def overdue(self, today: date) -> list[dict[str, Any]]:
        """Department responses past their deadline (JY-21, CS-2.6): visible on the credit office's desk."""
        return [s for s in self.pending_steps() if is_late(s["deadline"], today)]

    def next_due(self) -> date | None:
        """The earliest due day of a pending step (the open-items index keeps it, so overdue reads only these)."""
        return min((s["due"] for s in self.pending_steps()), default=None)

    def check_department(self, actor: Actor | None) -> None:
        """Only the department the measure was pushed to responds (JY-21); skipped without an actor."""
        if actor is not None:
            check_unit(actor, self.department, "JY-21", "actor", "the department the measure was pushed to")

    def check_office(self, profile: PolicyProfile, actor: Actor | None, rule_id: str) -> None:
        """Only the credit office lifts or withdraws (JY-17, CS-2.7); skipped without an actor."""
        if actor is not None:
            check_unit(actor, credit_office(profile), rule_id, "actor", "the credit office")

    def check_can_lift(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """JY-17, CS-2.7: a lift goes only to a department that applied the measure, from the credit office."""
        self.check_office(profile, actor, "CS-2.7")
        if self.status in (PUSHED, ACKNOWLEDGED):
            raise RuleViolation("JY-17", "sanction_id", "the measure was never applied: withdraw the push, no lift")
        self.check_status((APPLIED, FED_BACK), "JY-17")

    def check_can_withdraw(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """JY-17: a push never applied is withdrawn by the credit office."""
        self.check_office(profile, actor, "JY-17")
        self.check_status((PUSHED, ACKNOWLEDGED), "JY-17")

    def next_steps(self, profile: PolicyProfile, day: date, actor: Actor | None = None) -> list[str]:
        """The steps of the closed loop the case allows (for `actor`'s unit when given): the department
        acknowledges, applies, declines, feeds back, confirms the lift (JY-21, CS-2.6, CS-2.7); the credit office
        pushes the lift or withdraws the push (JY-17). `day` is unused: no step waits for a date."""
        def department(*allowed: str) -> Callable[[], None]:
            def guard() -> None:
                self.check_department(actor)
                self.check_status(allowed)
            return guard

        guards: dict[str, Callable[[], object]] = {
            "acknowledge": department(PUSHED), "apply": department(ACKNOWLEDGED, APPLIED, FED_BACK),
            "decline": department(ACKNOWLEDGED), "feed_back": department(APPLIED),
            "confirm_lift": department(LIFT_PUSHED),
            "push_lift": lambda: self.check_can_lift(profile, actor),
            "withdraw": lambda: self.check_can_withdraw(profile, actor),
        }
        return allowed_steps(guards)

    def check_status(self, allowed: tuple[str, ...], rule_id: str = "JY-21") -> None:
        """Refuse a step out of the closed loop's order."""
        if self.status not in allowed:
            raise RuleViolation(rule_id, "sanction_id", f"sanction is {self.status}, expected {' or '.join(allowed)}")

    # --- the closed loop ---------------------------------------------------------------------
    def acknowledge(self, actor: Actor, profile: PolicyProfile, today: date, *, acknowledged_on: date) -> None:
        """The department responds (响应) to the push (JY-21)."""
        self.check_department(actor)
        self.check_status((PUSHED,))
        check_date(acknowledged_on, today, "JY-21", "acknowledged_on")
        check_not_before(acknowledged_on, self.pushed_on, "JY-21", "acknowledged_on", "the push date")
        self._acknowledge(acknowledged_on=acknowledged_on, late=is_late(self.response_deadline, acknowledged_on),
                          **stamp(actor, profile))

    @event("Acknowledged")
    def _acknowledge(self, acknowledged_on: date, late: bool,
                     actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status, self.acknowledged_on = ACKNOWLEDGED, acknowledged_on

    def apply(self, actor: Actor, profile: PolicyProfile, today: date, *, case: object) -> None:
        """Apply the measure in a concrete business case (实施, CS-2.6 measure register)."""
        self.check_department(actor)
        self.check_status((ACKNOWLEDGED, APPLIED, FED_BACK))
        doc = document(case, today, "CS-2.6", "case")
        description = case.get("description") if isinstance(case, dict) else None
        doc["description"] = check_text(description, "CS-2.6", "case.description")
        assert self.acknowledged_on is not None
        check_not_before(doc["date"], self.acknowledged_on, "CS-2.6", "case.date", "the acknowledgement")
        self._apply(case=doc, feedback_deadline=compute(profile, "sanction_feedback", doc["date"], "case.date"),
                    **stamp(actor, profile))

    @event("Applied")
    def _apply(self, case: dict[str, Any], feedback_deadline: dict[str, Any] | None,
               actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = APPLIED
        self.cases.append(case)
        self.feedback_deadline = feedback_deadline

    def feed_back(self, actor: Actor, profile: PolicyProfile, today: date, *, report: str, fed_back_on: date) -> None:
        """Send the applied cases back to the credit office (反馈, JY-21, CS-2.6)."""
        self.check_department(actor)
        self.check_status((APPLIED,))
        check_date(fed_back_on, today, "CS-2.6", "fed_back_on")
        check_not_before(fed_back_on, self.cases[-1]["date"], "CS-2.6", "fed_back_on", "the case date")
        check_no_forbidden_data({"report": report})
        self._feed_back(report=check_text(report, "CS-2.6", "report"), fed_back_on=fed_back_on,
                        cases=len(self.cases), **stamp(actor, profile))

    @event("FedBack")
    def _feed_back(self, report: str, fed_back_on: date, cases: int,
                   actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = FED_BACK
        self.feedback.append({"report": report, "on": fed_back_on, "cases": cases})

    def push_lift(self, actor: Actor, profile: PolicyProfile, today: date, *, reason: str, pushed_on: date) -> None:
        """The credit office pushes the lift to a department that applied the measure (JY-17, CS-2.7, HA-5.1)."""
        self.check_can_lift(profile, actor)
        check_date(pushed_on, today, "CS-2.7", "pushed_on")
        check_not_before(pushed_on, self.pushed_on, "CS-2.7", "pushed_on", "the push date")
        self._push_lift(reason=check_text(reason, "CS-2.7", "reason"), pushed_on=pushed_on,
                        deadline=compute(profile, "lift_confirmation", pushed_on, "pushed_on"), **stamp(actor, profile))

    @event("LiftPushed")
    def _push_lift(self, reason: str, pushed_on: date, deadline: dict[str, Any] | None,
                   actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = LIFT_PUSHED
        self.lift = {"reason": reason, "pushed_on": pushed_on, "deadline": deadline, "confirmed_on": None}

    def confirm_lift(self, actor: Actor, profile: PolicyProfile, today: date, *, confirmed_on: date) -> None:
        """The department confirms the measure is no longer applied (JY-17, CS-2.7)."""
        self.check_department(actor)
        self.check_status((LIFT_PUSHED,), "CS-2.7")
        assert self.lift is not None
        check_date(confirmed_on, today, "CS-2.7", "confirmed_on")
        check_not_before(confirmed_on, self.lift["pushed_on"], "CS-2.7", "confirmed_on", "the lift push")
        self._confirm_lift(confirmed_on=confirmed_on, **stamp(actor, profile))

    @event("LiftConfirmed")
    def _confirm_lift(self, confirmed_on: date,
                      actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = LIFTED
        assert self.lift is not None
        self.lift = {**self.lift, "confirmed_on": confirmed_on}

    # --- other ends of the loop ----------------------------------------------------------------
    def decline(self, actor: Actor, profile: PolicyProfile, today: date, *, reason: str, declined_on: date) -> None:
        """The department acknowledged and decides not to apply, with its reason: the case closes (JY-21)."""
        self.check_department(actor)
        self.check_status((ACKNOWLEDGED,))
        assert self.acknowledged_on is not None
        check_date(declined_on, today, "JY-21", "declined_on")
        check_not_before(declined_on, self.acknowledged_on, "JY-21", "declined_on", "the acknowledgement")
        check_no_forbidden_data({"reason": reason})
        self._decline(reason=check_text(reason, "JY-21", "reason"), declined_on=declined_on, **stamp(actor, profile))

    @event("Declined")
    def _decline(self, reason: str, declined_on: date,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = DECLINED
        self.closing = {"kind": DECLINED, "reason": reason, "on": declined_on}

    def withdraw(self, actor: Actor, profile: PolicyProfile, today: date, *, reason: str, withdrawn_on: date) -> None:
        """The credit office withdraws a push never applied when its basis ends: nothing to lift (JY-17)."""
        self.check_can_withdraw(profile, actor)
        check_date(withdrawn_on, today, "JY-17", "withdrawn_on")
        check_not_before(withdrawn_on, self.pushed_on, "JY-17", "withdrawn_on", "the push date")
        self._withdraw(reason=check_text(reason, "JY-17", "reason"), withdrawn_on=withdrawn_on,
                       **stamp(actor, profile))

    @event("Withdrawn")
    def _withdraw(self, reason: str, withdrawn_on: date,
                  actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = WITHDRAWN
        self.closing = {"kind": WITHDRAWN, "reason": reason, "on": withdrawn_on}

    def end(self, actor: Actor, profile: PolicyProfile, today: date, *, reason: str, on: date) -> None:
        """The basis ended: lift an applied measure, withdraw one never applied (JY-17, CS-2.7)."""
        if self.applied:
            self.push_lift(actor, profile, today, reason=reason, pushed_on=on)
        else:
            self.withdraw(actor, profile, today, reason=reason, withdrawn_on=on)
