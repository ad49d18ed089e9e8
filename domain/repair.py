"""RepairApplication: credit repair of one record (NT-PCI-34/35, HA-5.1, LYG-16, JY-23, CS-2.7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import allowed_steps, check_date, check_not_before, check_text, check_unit, compute, is_late, stamp
from domain.documents import document
from domain.effective import check_item_in_force
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.record import REVOKED, DishonestyRecord

APPLIED, PUBLICISED, OPINION_AGAINST = "applied", "publicised", "opinion_against"
APPROVED, REFUSED = "approved", "refused"


def check_conditions(profile: PolicyProfile, record: DishonestyRecord, others: Sequence[DishonestyRecord],
                     today: date, applied_on: date, corrected_on: date | None,
                     record_profile: PolicyProfile | None = None) -> None:
    """NT-PCI-34: corrected; no same-kind dishonesty for the clean period since; (commitment: see caller).
    NAT-2025-22: not before the minimum publicity period of the record's class (as its own version sets it)."""
    conditions = profile.repair
    rule_id = conditions.rule_id
    record.check_in_force("NT-PCI-35")
    check_date(applied_on, today, rule_id, "applied_on")
    check_not_before(applied_on, record.determination_date, rule_id, "applied_on", "the determination date")
    check_item_in_force(record, applied_on, "NT-PCI-35", "record_id")  # past its last day: expired, swept or not
    (record_profile or profile).check_minimum_publicity(record.determination_date, record.tier, applied_on)
    if corrected_on is None:
        if conditions.correction_required:
            raise RuleViolation(rule_id, "corrected_on", "the act must be corrected and its impact removed first")
        return
    check_date(corrected_on, applied_on, rule_id, "corrected_on")
    check_not_before(corrected_on, record.act_date, rule_id, "corrected_on", "the act date")
    # Civil Code art. 201/202: a period in years starts the day after the correction and ends on the
    # corresponding day, which is still inside it: the application comes on the day after at the earliest.
    clean_until = conditions.clean_period_end(corrected_on)
    if clean_until is not None and applied_on <= clean_until:
        raise RuleViolation(rule_id, "applied_on", f"the clean period since correction runs until {clean_until} "
                                                   "inclusive (Civil Code art. 201)")
    for other in others:
        same_kind = other.behaviour_code == record.behaviour_code and other.id != record.id
        if same_kind and other.status != REVOKED and other.act_date > corrected_on:
            raise RuleViolation(rule_id, "clean_period", f"same-kind dishonesty on {other.act_date} after correction")


def response_deadlines(profile: PolicyProfile, applied_on: date) -> dict[str, Any] | None:
    """NAT-22-DL: Credit China's feedback and the department's decision, counted from the application day."""
    steps = {name: compute(profile, name, applied_on, "applied_on")
             for name in ("repair_feedback", "repair_decision") if name in profile.deadlines}
    return steps or None


class RepairApplication(Aggregate):
    """Subject applies → provider opinion → publicity → approved (record archived, sanctions lifted) or refused."""

    @classmethod
    def apply(cls, actor: Actor, profile: PolicyProfile, record: DishonestyRecord,
              others: Sequence[DishonestyRecord], today: date, *, applied_on: date, corrected_on: date | None,
              commitment: object | None, public_service: Sequence[str] = (),
              record_profile: PolicyProfile | None = None) -> RepairApplication:
        """Check the conditions (NT-PCI-34, NAT-2025-22/36) and file the application with the record's provider
        (NT-PCI-4); NAT-22-DL: the feedback and decision time limits start on the application day."""
        check_conditions(profile, record, others, today, applied_on, corrected_on, record_profile)
        doc = None
        if commitment is not None or profile.repair.commitment_required:
            doc = document(commitment, today, profile.repair.rule_id, "commitment", text=True)
        check_no_forbidden_data({"public_service": list(public_service)})
        return cls(
            record_id=record.id, subject_id=record.subject_id, applied_on=applied_on, corrected_on=corrected_on,
            commitment=doc, public_service=list(public_service), handler_unit=record.determining_unit,
            **stamp(actor, profile), response_deadlines=response_deadlines(profile, applied_on),
        )

    @event("Applied")
    def __init__(
        self, record_id: UUID, subject_id: UUID, applied_on: date, corrected_on: date | None,
        commitment: dict[str, Any] | None, public_service: list[str], handler_unit: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
        response_deadlines: dict[str, Any] | None = None,
    ) -> None:
        self.record_id = record_id
        self.response_deadlines = response_deadlines or {}  # NAT-22-DL: step name → deadline
        self.subject_id = subject_id
        self.applied_on = applied_on
        self.corrected_on = corrected_on
        self.commitment = commitment
        self.public_service = public_service
        self.handler_unit = handler_unit
        self.policy_id = policy_id
        self.policy_version = policy_version  # issue 15.9: the version in force on the application day
        self.status = APPLIED
        self.opinion: dict[str, Any] | None = None
        self.decision: dict[str, Any] | None = None
        self.publicity_objections: list[dict[str, Any]] = []
        self.review: dict[str, Any] | None = None

    @property
    def open(self) -> bool:
        """Not yet decided."""
        return self.status in (APPLIED, PUBLICISED, OPINION_AGAINST)

    def _decision_deadline(self) -> dict[str, Any] | None:
        """The end of the publicity period while the decision is pending (NT-PCI-35)."""
        deadline = self.opinion["publicity_deadline"] if self.opinion else None
        return deadline if self.status == PUBLICISED else None

    def _pending(self) -> list[tuple[str, dict[str, Any]]]:
        """The time limits still running: publicity end (NT-PCI-35), feedback and decision (NAT-22-DL)."""
        if not self.open:
            return []
        deadline = self._decision_deadline()
        steps = [("repair_decision", deadline)] if deadline is not None else []
        return steps + sorted(self.response_deadlines.items())

    def overdue(self, today: date) -> list[dict[str, Any]]:
        """A time limit that has passed without a decision shows as a pending step."""
        return [{"step": step, "unit": self.handler_unit, "due": d["due"], "rule_id": d.get("rule_id")}
                for step, d in self._pending() if is_late(d, today)]

    def next_due(self) -> date | None:
        """The day the earliest pending step is due (the open-items index keeps it, so overdue reads only these)."""
        dues = [d["due"] for _, d in self._pending()]
        return min(dues) if dues else None

    # --- guards of each step, and the steps they allow (issue 16.2) ------------------------------
    def _handler(self, actor: Actor | None, rule_id: str = "NT-PCI-4", role: str = "the unit that penalised "
                 "(谁处罚、谁修复)") -> None:
        """NT-PCI-4: the unit that determined the record handles its repair (skipped without an actor)."""
        if actor is not None:
            check_unit(actor, self.handler_unit, rule_id, "actor", role)

    def check_can_review(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """CS-2.7: a profile with the review step; an application not yet reviewed, by the reviewing unit."""
        role = profile.repair.review_role
        if role is None:
            raise RuleViolation("CS-2.7", "repair_id", f"{profile.label} sets no review step")
        if actor is not None:
            check_unit(actor, profile.role_units(role), "CS-2.7", "actor", f"the {role} unit")
        if self.status != APPLIED or self.review is not None:
            raise RuleViolation("CS-2.7", "repair_id", f"application is {self.status}: reviewed already or decided")

    def check_can_give_opinion(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """NT-PCI-35: an application without opinion (reviewed first where CS-2.7 applies), by its handler."""
        self._handler(actor)
        if self.status != APPLIED:
            raise RuleViolation("NT-PCI-35", "repair_id", f"application is {self.status}: the opinion was given")
        if profile.repair.review_role and self.review is None:
            raise RuleViolation("CS-2.7", "repair_id", "the application is reviewed first (综合执法局审核)")

    def check_in_publicity(self, day: date) -> dict[str, Any] | None:
        """NT-PCI-35: a favourable opinion publicised and its period still running on `day`; returns the deadline."""
        if self.status != PUBLICISED or self.opinion is None:
            raise RuleViolation("NT-PCI-35", "repair_id", f"application is {self.status}: nothing is publicised")
        deadline: dict[str, Any] | None = self.opinion["publicity_deadline"]
        if deadline is not None and is_late(deadline, day):
            raise RuleViolation("NT-PCI-35", "filed_on", f"the publicity period ended on {deadline['due']}")
        return deadline

    def check_unverified_objection(self, actor: Actor | None = None) -> None:
        """NT-PCI-35: an objection raised in the publicity awaits the provider's verification."""
        self._handler(actor, "NT-PCI-35", "the information provider")
        if all(item["verification"] is not None for item in self.publicity_objections):
            raise RuleViolation("NT-PCI-35", "number", "no publicity objection awaits verification")

    def next_steps(self, profile: PolicyProfile, day: date, actor: Actor | None = None) -> list[str]:
        """The steps the application allows on `day` (for `actor`'s unit when given): review (CS-2.7), opinion,
        objection in the publicity and its verification, approval or refusal (NT-PCI-35)."""
        guards: dict[str, Callable[[], object]] = {
            "review": lambda: self.check_can_review(profile, actor),
            "opinion": lambda: self.check_can_give_opinion(profile, actor),
            "publicity_objection": lambda: self.check_in_publicity(day),
            "verify_objection": lambda: self.check_unverified_objection(actor),
            "approve": lambda: self.check_can_decide(actor, day, True, day),
            "refuse": lambda: self.check_can_decide(actor, day, False, day),
        }
        return allowed_steps(guards)

    def give_opinion(self, actor: Actor, profile: PolicyProfile, today: date, *, favourable: bool,
                     opinion: object, given_on: date) -> None:
        """The provider's written opinion, published for the publicity period (NT-PCI-35)."""
        self.check_can_give_opinion(profile, actor)
        check_date(given_on, today, "NT-PCI-35", "given_on")
        check_not_before(given_on, self.applied_on, "NT-PCI-35", "given_on", "the application date")
        doc = document(opinion, today, "NT-PCI-35", "opinion", text=True)
        name = profile.repair.publicity_deadline
        deadline = compute(profile, name, given_on, "given_on") if name and favourable else None
        self._opinion(favourable=bool(favourable), opinion=doc, given_on=given_on, publicity_deadline=deadline,
                      **stamp(actor, profile))

    @event("OpinionGiven")
    def _opinion(self, favourable: bool, opinion: dict[str, Any], given_on: date,
                 publicity_deadline: dict[str, Any] | None,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = PUBLICISED if favourable else OPINION_AGAINST
        self.opinion = {"favourable": favourable, "document": opinion, "on": given_on,
                        "publicity_deadline": publicity_deadline}

    def check_can_decide(self, actor: Actor | None, today: date, approved: bool, decided_on: date) -> None:
        """NT-PCI-35: after a favourable opinion and the end of its publicity period."""
        self._handler(actor)
        if self.status not in (PUBLICISED, OPINION_AGAINST) or self.opinion is None:
            raise RuleViolation("NT-PCI-35", "repair_id", f"application is {self.status}: an opinion comes first")
        check_date(decided_on, today, "NT-PCI-35", "decided_on")
        check_not_before(decided_on, self.opinion["on"], "NT-PCI-35", "decided_on", "the opinion date")
        if not approved:
            return
        if not self.opinion["favourable"]:
            raise RuleViolation("NT-PCI-35", "approved", "the provider's opinion is against repair")
        deadline = self.opinion["publicity_deadline"]
        if deadline is not None and not is_late(deadline, decided_on):
            raise RuleViolation(deadline["rule_id"] or "NT-PCI-35", "decided_on",
                                f"the publicity period runs until {deadline['due']}")
        self.check_publicity_objections()

    def check_publicity_objections(self) -> None:
        """NT-PCI-35: repair takes effect only without objection: each one verified and found unfounded."""
        for number, item in enumerate(self.publicity_objections, start=1):
            if item["verification"] is None:
                raise RuleViolation("NT-PCI-35", "publicity_objections", f"objection {number} is not yet verified")
            if item["verification"]["founded"]:
                raise RuleViolation("NT-PCI-35", "approved", f"objection {number} was found founded: refuse")

    def decide(self, actor: Actor, profile: PolicyProfile, today: date, *, approved: bool, reasons: str,
               decided_on: date) -> None:
        """Approve (the original moves to the archive, NT-PCI-35) or refuse with reasons."""
        self.check_can_decide(actor, today, approved, decided_on)
        check_no_forbidden_data({"reasons": reasons})
        self._decide(approved=bool(approved), reasons=check_text(reasons, "NT-PCI-35", "reasons"),
                     decided_on=decided_on, **stamp(actor, profile))

    @event("Decided")
    def _decide(self, approved: bool, reasons: str, decided_on: date,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = APPROVED if approved else REFUSED
        self.decision = {"approved": approved, "reasons": reasons, "on": decided_on}

    # --- NT-PCI-35: objections during the publicity period, verified by the provider --------------
    def object_in_publicity(self, actor: Actor, profile: PolicyProfile, today: date, *, statement: str,
                            filed_on: date) -> None:
        """Register an objection raised during the publicity of a favourable opinion (NT-PCI-35)."""
        self.check_in_publicity(filed_on)
        assert self.opinion is not None
        check_date(filed_on, today, "NT-PCI-35", "filed_on")
        check_not_before(filed_on, self.opinion["on"], "NT-PCI-35", "filed_on", "the start of the publicity")
        check_no_forbidden_data({"statement": statement})
        self._object(statement=check_text(statement, "NT-PCI-35", "statement"), filed_on=filed_on,
                     **stamp(actor, profile))

    @event("PublicityObjectionFiled")
    def _object(self, statement: str, filed_on: date,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.publicity_objections.append({"statement": statement, "filed_on": filed_on, "by": actor_unit,
                                          "verification": None})

    def verify_objection(self, actor: Actor, profile: PolicyProfile, today: date, *, number: int, founded: bool,
                         opinion: str, verified_on: date) -> None:
        """The provider verifies a publicity objection and gives its opinion (NT-PCI-35, NT-PCI-4)."""
        check_unit(actor, self.handler_unit, "NT-PCI-35", "actor", "the information provider")
        if not isinstance(number, int) or not 1 <= number <= len(self.publicity_objections):
            raise RuleViolation("NT-PCI-35", "number", f"no publicity objection number {number!r}")
        item = self.publicity_objections[number - 1]
        if item["verification"] is not None:
            raise RuleViolation("NT-PCI-35", "number", f"objection {number} was already verified")
        check_date(verified_on, today, "NT-PCI-35", "verified_on")
        check_not_before(verified_on, item["filed_on"], "NT-PCI-35", "verified_on", "the objection date")
        check_no_forbidden_data({"opinion": opinion})
        self._verify(number=number, founded=bool(founded), opinion=check_text(opinion, "NT-PCI-35", "opinion"),
                     verified_on=verified_on, **stamp(actor, profile))

    @event("PublicityObjectionVerified")
    def _verify(self, number: int, founded: bool, opinion: str, verified_on: date,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.publicity_objections[number - 1] = {**self.publicity_objections[number - 1], "verification": {
            "founded": founded, "opinion": opinion, "on": verified_on}}

    # --- CS-2.7: the enforcement bureau reviews before the office adjusts ------------------------
    def review_application(self, actor: Actor, profile: PolicyProfile, today: date, *, approved: bool, opinion: str,
                           reviewed_on: date) -> None:
        """The reviewing unit (CS: the enforcement bureaus) reviews; a negative review refuses the application."""
        self.check_can_review(profile, actor)
        check_date(reviewed_on, today, "CS-2.7", "reviewed_on")
        check_not_before(reviewed_on, self.applied_on, "CS-2.7", "reviewed_on", "the application date")
        check_no_forbidden_data({"opinion": opinion})
        self._review(approved=bool(approved), opinion=check_text(opinion, "CS-2.7", "opinion"), reviewed_on=reviewed_on,
                     **stamp(actor, profile))

    @event("Reviewed")
    def _review(self, approved: bool, opinion: str, reviewed_on: date,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.review = {"approved": approved, "opinion": opinion, "on": reviewed_on, "by": actor_unit}
        if not approved:
            self.status = REFUSED
            self.decision = {"approved": False, "reasons": opinion, "on": reviewed_on}
