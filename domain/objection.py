"""Objection: a subject disputes a record (NT-PCI-31..33, LYG-14..17); the record stays published."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_choice, check_date, check_not_before, check_text, check_unit, compute, is_late, stamp
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.record import DishonestyRecord

# NT-PCI-31: wrong/mistaken/incomplete; forbidden information (NT-PCI-14); used beyond its validity.
GROUNDS = ("wrong_or_incomplete", "forbidden_information", "beyond_validity")
# NT-PCI-33: credit authority first, then administrative reconsideration or litigation.
APPEAL_BODIES = ("credit_authority", "administrative_reconsideration", "litigation")
FILED, REFERRED, UPHELD, REJECTED, CORRECTED = "filed", "referred", "upheld", "rejected", "corrected"
# The review time limit: NT-PCI-32 (10 working days) or LYG-15 (30 days), whichever the profile sets.
ANSWER_DEADLINES = ("objection_review", "objection_answer")


class Objection(Aggregate):
    """An objection to one record; handled by the unit that determined it (NT-PCI-4, LYG-14)."""

    @classmethod
    def file(cls, actor: Actor, profile: PolicyProfile, record: DishonestyRecord, today: date, *,
             grounds: str, statement: str, filed_on: date) -> Objection:
        """File on one of the NT-PCI-31 grounds; the answer deadline runs from the filing date."""
        check_choice(grounds, GROUNDS, "NT-PCI-31", "grounds")
        record.check_in_force("NT-PCI-31")
        check_date(filed_on, today, "NT-PCI-31", "filed_on")
        check_not_before(filed_on, record.determination_date, "NT-PCI-31", "filed_on", "the determination date")
        check_no_forbidden_data({"statement": statement})
        name = next((n for n in ANSWER_DEADLINES if profile.find_deadline(n)), ANSWER_DEADLINES[0])
        return cls(
            record_id=record.id, subject_id=record.subject_id, grounds=grounds,
            statement=check_text(statement, "NT-PCI-31", "statement"), filed_on=filed_on,
            handler_unit=record.determining_unit, answer_deadline=compute(profile, name, filed_on, "filed_on"),
            **stamp(actor, profile),
        )

    @event("Filed")
    def __init__(
        self, record_id: UUID, subject_id: UUID, grounds: str, statement: str, filed_on: date,
        handler_unit: str, answer_deadline: dict[str, Any] | None,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.record_id = record_id
        self.subject_id = subject_id
        self.grounds = grounds
        self.statement = statement
        self.filed_on = filed_on
        self.handler_unit = handler_unit
        self.answer_deadline = answer_deadline
        self.policy_id = policy_id
        self.status = FILED
        self.referral: dict[str, Any] | None = None
        self.decision: dict[str, Any] | None = None
        self.correction: dict[str, Any] | None = None
        self.appeals: list[dict[str, Any]] = []

    # --- queries -----------------------------------------------------------------------------
    @property
    def open(self) -> bool:
        """Whether a step with a deadline is still pending (decision or correction)."""
        return self.status in (FILED, REFERRED, UPHELD)

    def overdue(self, today: date) -> list[dict[str, Any]]:
        """Pending steps whose deadline has passed (NT-PCI-32, LYG-15)."""
        steps = []
        if self.status in (FILED, REFERRED):
            steps.append(("decision", self.handler_unit, self.answer_deadline))
        if self.status == REFERRED and self.referral:
            steps.append(("provider_verification", self.referral["provider_unit"], self.referral["deadline"]))
        if self.status == UPHELD and self.decision:
            steps.append(("correction", self.handler_unit, self.decision["correction_deadline"]))
        return [{"step": s, "unit": u, "due": d["due"]} for s, u, d in steps if d and is_late(d, today)]

    def check_status(self, allowed: tuple[str, ...], rule_id: str) -> None:
        """Refuse a step out of order."""
        if self.status not in allowed:
            raise RuleViolation(rule_id, "objection_id", f"objection is {self.status}, expected {' or '.join(allowed)}")

    # --- procedure ---------------------------------------------------------------------------
    def refer(self, actor: Actor, profile: PolicyProfile, today: date, *, referred_on: date) -> None:
        """Refer to the information provider for verification (NT-PCI-32: 5 working days)."""
        self.check_status((FILED,), "NT-PCI-32")
        check_date(referred_on, today, "NT-PCI-32", "referred_on")
        check_not_before(referred_on, self.filed_on, "NT-PCI-32", "referred_on", "the filing date")
        self._refer(provider_unit=self.handler_unit, referred_on=referred_on,
                    deadline=compute(profile, "provider_verification", referred_on, "referred_on"),
                    **stamp(actor, profile))

    @event("Referred")
    def _refer(self, provider_unit: str, referred_on: date, deadline: dict[str, Any] | None,
               actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = REFERRED
        self.referral = {"provider_unit": provider_unit, "on": referred_on, "deadline": deadline}

    def decide(self, actor: Actor, profile: PolicyProfile, today: date, *, upheld: bool, reasons: str,
               decided_on: date) -> None:
        """The determining unit answers with reasons (NT-PCI-4, LYG-14/15); upheld → correction due."""
        check_unit(actor, self.handler_unit, "NT-PCI-4", "actor", "the unit that determined the record")
        self.check_status((FILED, REFERRED), "NT-PCI-32")
        check_date(decided_on, today, "NT-PCI-32", "decided_on")
        check_not_before(decided_on, self.filed_on, "NT-PCI-32", "decided_on", "the filing date")
        check_no_forbidden_data({"reasons": reasons})
        self._decide(upheld=bool(upheld), reasons=check_text(reasons, "LYG-15", "reasons"), decided_on=decided_on,
                     late=is_late(self.answer_deadline, decided_on),
                     correction_deadline=compute(profile, "correction", decided_on, "decided_on") if upheld else None,
                     **stamp(actor, profile))

    @event("Decided")
    def _decide(self, upheld: bool, reasons: str, decided_on: date, late: bool,
                correction_deadline: dict[str, Any] | None,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = UPHELD if upheld else REJECTED
        self.decision = {"upheld": upheld, "reasons": reasons, "on": decided_on, "late": late,
                         "correction_deadline": correction_deadline}

    def check_can_correct(self, actor: Actor, today: date, applied_on: date) -> None:
        """Only an upheld objection is corrected, by the unit that determined the record (NT-PCI-4)."""
        check_unit(actor, self.handler_unit, "NT-PCI-4", "actor", "the unit that determined the record")
        self.check_status((UPHELD,), "NT-PCI-32")
        check_date(applied_on, today, "NT-PCI-32", "applied_on")
        assert self.decision is not None
        check_not_before(applied_on, self.decision["on"], "NT-PCI-32", "applied_on", "the decision date")

    def record_correction(self, actor: Actor, profile: PolicyProfile, today: date, *, applied_on: date,
                          changes: dict[str, Any]) -> None:
        """Note the correction on the objection (NT-PCI-32: within 3 working days; late ones show)."""
        self.check_can_correct(actor, today, applied_on)
        assert self.decision is not None
        self._correct(applied_on=applied_on, fields=sorted(changes),
                      late=is_late(self.decision["correction_deadline"], applied_on), **stamp(actor, profile))

    @event("CorrectionApplied")
    def _correct(self, applied_on: date, fields: list[str], late: bool,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = CORRECTED
        self.correction = {"on": applied_on, "fields": fields, "late": late}

    def appeal(self, actor: Actor, profile: PolicyProfile, today: date, *, body: str, appealed_on: date,
               statement: str) -> None:
        """Appeal against the result: credit authority, then reconsideration or court (NT-PCI-33)."""
        self.check_status((UPHELD, REJECTED, CORRECTED), "NT-PCI-33")
        check_choice(body, APPEAL_BODIES, "NT-PCI-33", "body")
        if body != APPEAL_BODIES[0] and not any(a["body"] == APPEAL_BODIES[0] for a in self.appeals):
            raise RuleViolation("NT-PCI-33", "body", "appeal to the credit authority comes first")
        check_date(appealed_on, today, "NT-PCI-33", "appealed_on")
        assert self.decision is not None
        check_not_before(appealed_on, self.decision["on"], "NT-PCI-33", "appealed_on", "the decision date")
        check_no_forbidden_data({"statement": statement})
        self._appeal(body=body, appealed_on=appealed_on, statement=check_text(statement, "NT-PCI-33", "statement"),
                     **stamp(actor, profile))

    @event("Appealed")
    def _appeal(self, body: str, appealed_on: date, statement: str,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.appeals.append({"body": body, "on": appealed_on, "statement": statement})
