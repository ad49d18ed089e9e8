"""GovernmentCase: the consequences of one government dishonesty record (NT-GOV-2.4a/b, 2.5b)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import allowed_steps, check_choice, check_date, check_not_before, check_text, ledger_uuid, stamp
from domain.documents import document
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import GOVERNMENT_BODY

# NT-GOV-2.4a: a body loses honours eligibility and is criticised; NT-GOV-2.4b: a civil servant is restricted
# from awards and honours. Both read by `may_receive_award`.
HONOURS = "honours_restriction"
CRITICISM = "public_criticism"
RECTIFICATION = "rectification"
CONSEQUENCES = {GOVERNMENT_BODY: (HONOURS, CRITICISM, RECTIFICATION), "civil_servant": (HONOURS,)}
OUTCOMES = ("lighter", "exempt")  # NT-GOV-2.5b 从轻或免于实施失信惩戒措施


class GovernmentCase(Aggregate):
    """Explanation, rectification with its deadline, criticism, accountability and self-correction of a record."""

    @staticmethod
    def create_id(record_id: UUID) -> UUID:
        """One case per government dishonesty record."""
        return ledger_uuid("government-case", record_id)

    @classmethod
    def open(cls, actor: Actor, profile: PolicyProfile, *, record_id: UUID, subject_id: UUID, subject_kind: str,
             determination_date: date) -> GovernmentCase:
        """Opened with the record: the consequences of the subject's kind apply from its determination."""
        return cls(record_id=record_id, subject_id=subject_id, subject_kind=subject_kind,
                   consequences=list(CONSEQUENCES[subject_kind]), applies_from=determination_date,
                   **stamp(actor, profile))

    @event("GovernmentCaseOpened")
    def __init__(
        self, record_id: UUID, subject_id: UUID, subject_kind: str, consequences: list[str], applies_from: date,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.record_id = record_id
        self.subject_id = subject_id
        self.subject_kind = subject_kind
        self.consequences = consequences
        self.applies_from = applies_from
        self.policy_id = policy_id
        self.explanation: dict[str, Any] | None = None
        self.rectification: dict[str, Any] | None = None
        self.criticism: dict[str, Any] | None = None
        self.accountability: list[dict[str, Any]] = []
        self.self_corrections: list[dict[str, Any]] = []

    # --- queries -----------------------------------------------------------------------------
    def lifted_on(self, consequence: str, day: date) -> bool:
        """Whether a self-correction decided by `day` lifted `consequence` (NT-GOV-2.5b)."""
        return any(c["decided_on"] <= day and consequence in c["lifted"] for c in self.self_corrections)

    def restricts_awards(self, day: date) -> bool:
        """NT-GOV-2.4a/b: the record bars honours and awards on `day` unless self-correction lifted it."""
        return day >= self.applies_from and HONOURS in self.consequences and not self.lifted_on(HONOURS, day)

    def rectification_overdue(self, day: date) -> bool:
        """NT-GOV-2.4a: a deadline was set and passed with no rectification completed by `day`."""
        r = self.rectification
        if r is None or self.lifted_on(RECTIFICATION, day):
            return False
        done = r.get("completed_on")
        return day > r["deadline"] and (done is None or done > day)

    def next_due(self) -> date | None:
        """The rectification deadline while it is not completed."""
        r = self.rectification
        return r["deadline"] if r is not None and r.get("completed_on") is None else None

    # --- guards ------------------------------------------------------------------------------
    def _check_body(self, rule_id: str, step: str) -> None:
        if self.subject_kind != GOVERNMENT_BODY:
            raise RuleViolation(rule_id, "record_id", f"{step} is for a government body's record")

    # --- guards, and the steps they allow (issue 16.2) ----------------------------------------
    def check_can_explain(self) -> None:
        """NT-GOV-2.4a: a body's record, its cause not yet explained."""
        self._check_body("NT-GOV-2.4a", "a written explanation")
        if self.explanation is not None:
            raise RuleViolation("NT-GOV-2.4a", "record_id", "the body has already explained the cause in writing")

    def check_can_order(self) -> None:
        """NT-GOV-2.4a: a body's record, rectification not yet ordered."""
        self._check_body("NT-GOV-2.4a", "a rectification order")
        if self.rectification is not None:
            raise RuleViolation("NT-GOV-2.4a", "record_id", "rectification was already ordered")

    def check_can_complete(self) -> dict[str, Any]:
        """NT-GOV-2.4a: an ordered rectification not yet completed; returns it."""
        r = self.rectification
        if r is None:
            raise RuleViolation("NT-GOV-2.4a", "record_id", "no rectification was ordered")
        if r["completed_on"] is not None:
            raise RuleViolation("NT-GOV-2.4a", "record_id", f"rectification was completed on {r['completed_on']}")
        return r

    def check_can_criticise(self, day: date) -> None:
        """NT-GOV-2.4a, 2.5b: a body's record, not yet criticised, the criticism not lifted by self-correction."""
        self._check_body("NT-GOV-2.4a", "a public criticism")
        if self.criticism is not None:
            raise RuleViolation("NT-GOV-2.4a", "record_id", "the criticism was already published")
        if self.lifted_on(CRITICISM, day):
            raise RuleViolation("NT-GOV-2.5b", "record_id", "self-correction lifted the public criticism")

    def check_can_hold_accountable(self) -> None:
        """NT-GOV-2.4a: a body's record, its principal responsible person not yet held accountable."""
        self._check_body("NT-GOV-2.4a", "the principal's accountability")
        if self.accountability:
            raise RuleViolation("NT-GOV-2.4a", "record_id", "the principal responsible person is already accountable")

    def check_can_self_correct(self, day: date) -> None:
        """NT-GOV-2.5b: some consequence of the record is not yet lifted by self-correction on `day`."""
        if all(self.lifted_on(c, day) for c in self.consequences):
            raise RuleViolation("NT-GOV-2.5b", "record_id", "self-correction already lifted every consequence")

    def next_steps(self, day: date) -> list[str]:
        """The consequence steps the case allows on `day`, each decided by its own guard."""
        guards = {"explain": self.check_can_explain, "order": self.check_can_order,
                  "complete": self.check_can_complete, "criticise": lambda: self.check_can_criticise(day),
                  "accountable": self.check_can_hold_accountable,
                  "self_correct": lambda: self.check_can_self_correct(day)}
        return allowed_steps(guards)

    # --- commands ----------------------------------------------------------------------------
    def explain(self, actor: Actor, profile: PolicyProfile, today: date, *, text: str, explained_on: date) -> None:
        """NT-GOV-2.4a: the body explains the cause in writing."""
        self.check_can_explain()
        check_date(explained_on, today, "NT-GOV-2.4a", "explained_on")
        check_not_before(explained_on, self.applies_from, "NT-GOV-2.4a", "explained_on", "the determination")
        check_no_forbidden_data({"text": text})
        self._explain(text=check_text(text, "NT-GOV-2.4a", "text"), explained_on=explained_on,
                      **stamp(actor, profile))

    @event("ExplanationGiven")
    def _explain(self, text: str, explained_on: date, actor_unit: str, actor_user: str, policy_id: str,
                 policy_version: int, policy_hash: str) -> None:
        self.explanation = {"text": text, "on": explained_on, "by": actor_unit}

    def order_rectification(self, actor: Actor, profile: PolicyProfile, today: date, *, ordered_on: date,
                            deadline: date, requirements: str) -> None:
        """NT-GOV-2.4a: rectify within a set deadline; the seed sets none, so the order states it."""
        self.check_can_order()
        check_date(ordered_on, today, "NT-GOV-2.4a", "ordered_on")
        check_not_before(ordered_on, self.applies_from, "NT-GOV-2.4a", "ordered_on", "the determination")
        if not isinstance(deadline, date):
            raise RuleViolation("NT-GOV-2.4a", "deadline", "the rectification deadline is required")
        check_not_before(deadline, ordered_on, "NT-GOV-2.4a", "deadline", "the order")
        check_no_forbidden_data({"requirements": requirements})
        self._order(ordered_on=ordered_on, deadline=deadline,
                    requirements=check_text(requirements, "NT-GOV-2.4a", "requirements"), **stamp(actor, profile))

    @event("RectificationOrdered")
    def _order(self, ordered_on: date, deadline: date, requirements: str, actor_unit: str, actor_user: str,
               policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.rectification = {"ordered_on": ordered_on, "deadline": deadline, "requirements": requirements,
                              "completed_on": None}

    def complete_rectification(self, actor: Actor, profile: PolicyProfile, today: date, *, completed_on: date,
                               document_given: object) -> None:
        """NT-GOV-2.4a: rectification done, with its document; late completion stays visible as late."""
        r = self.check_can_complete()
        check_date(completed_on, today, "NT-GOV-2.4a", "completed_on")
        check_not_before(completed_on, r["ordered_on"], "NT-GOV-2.4a", "completed_on", "the order")
        doc = document(document_given, today, "NT-GOV-2.4a", "document")
        self._rectified(completed_on=completed_on, document=doc, on_time=completed_on <= r["deadline"],
                        **stamp(actor, profile))

    @event("Rectified")
    def _rectified(self, completed_on: date, document: dict[str, Any], on_time: bool, actor_unit: str,
                   actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        assert self.rectification is not None
        self.rectification = {**self.rectification, "completed_on": completed_on, "document": document,
                              "on_time": on_time}

    def publish_criticism(self, actor: Actor, profile: PolicyProfile, today: date, *, notice: object,
                          published_on: date) -> None:
        """NT-GOV-2.4a: a public criticism notice (通报批评) against the body."""
        self.check_can_criticise(published_on)
        check_date(published_on, today, "NT-GOV-2.4a", "published_on")
        check_not_before(published_on, self.applies_from, "NT-GOV-2.4a", "published_on", "the determination")
        doc = document(notice, today, "NT-GOV-2.4a", "notice", text=True)
        self._criticise(notice=doc, published_on=published_on, **stamp(actor, profile))

    @event("CriticismPublished")
    def _criticise(self, notice: dict[str, Any], published_on: date, actor_unit: str, actor_user: str,
                   policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.criticism = {"notice": notice, "on": published_on, "by": actor_unit}

    def note_accountability(self, actor: Actor, profile: PolicyProfile, *, person_id: UUID,
                            accountability_record_id: UUID) -> None:
        """NT-GOV-2.4a: the principal responsible person is held accountable (a record against them)."""
        self.check_can_hold_accountable()
        self._accountable(person_id=person_id, accountability_record_id=accountability_record_id,
                          **stamp(actor, profile))

    @event("PrincipalHeldAccountable")
    def _accountable(self, person_id: UUID, accountability_record_id: UUID, actor_unit: str, actor_user: str,
                     policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.accountability.append({"person_id": str(person_id), "record_id": str(accountability_record_id)})

    def self_correct(self, actor: Actor, profile: PolicyProfile, today: date, *, grounds: tuple[str, ...],
                     ground: str, outcome: str, lifted: list[str] | None, reason: str, document_given: object,
                     decided_on: date) -> None:
        """NT-GOV-2.5b: loss recovered, effect removed or harm prevented → lighter (named consequences lifted)
        or no sanctions (every consequence lifted), with the reason and document."""
        self.check_can_self_correct(decided_on if isinstance(decided_on, date) else today)
        check_choice(ground, grounds, "NT-GOV-2.5b", "ground")
        check_choice(outcome, OUTCOMES, "NT-GOV-2.5b", "outcome")
        check_date(decided_on, today, "NT-GOV-2.5b", "decided_on")
        check_not_before(decided_on, self.applies_from, "NT-GOV-2.5b", "decided_on", "the determination")
        if outcome == "exempt":
            names = list(self.consequences)
        else:
            names = list(lifted or [])
            unknown = [n for n in names if n not in self.consequences]
            if not names or unknown:
                raise RuleViolation("NT-GOV-2.5b", "lifted",
                                    f"name the consequences lightened among {', '.join(self.consequences)}")
        check_no_forbidden_data({"reason": reason})
        doc = document(document_given, today, "NT-GOV-2.5b", "document")
        self._self_corrected(ground=ground, outcome=outcome, lifted=names,
                             reason=check_text(reason, "NT-GOV-2.5b", "reason"), document=doc,
                             decided_on=decided_on, **stamp(actor, profile))

    @event("SelfCorrected")
    def _self_corrected(self, ground: str, outcome: str, lifted: list[str], reason: str, document: dict[str, Any],
                        decided_on: date, actor_unit: str, actor_user: str, policy_id: str, policy_version: int,
                        policy_hash: str) -> None:
        self.self_corrections.append({"ground": ground, "outcome": outcome, "lifted": lifted, "reason": reason,
                                      "document": document, "decided_on": decided_on, "by": actor_unit})
