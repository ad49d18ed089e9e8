"""Objection: a subject disputes a record or a list entry (NT-PCI-31..33, LYG-14..17, JY-6); it stays published."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import (allowed_steps, check_choice, check_date, check_not_before, check_text, check_unit, compute,
                           is_late, stamp)
from domain.documents import document, supporting_documents
from domain.errors import RuleViolation
from domain.list_entry import ACTIVE, ListEntry
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
# HA-4.1: an objection after the prior notice of a serious-list decision is answered within this limit.
PRIOR_NOTICE_ANSWER = "prior_notice_answer"
RECORD, LIST_ENTRY = "record", "list_entry"
# Who lodged it: the subject, or an agent with the subject's written or SMS authorisation (NT-PCI-22).
SUBJECT, AGENT = "subject", "agent"
FILERS = (SUBJECT, AGENT)


def _filing(actor: Actor, profile: PolicyProfile, today: date, deadline_name: str, *, grounds: str, statement: str,
            filed_on: date, filed_by: str, authorisation: object | None, documents: object | None = None
            ) -> dict[str, Any]:
    """The checked fields every objection carries (NT-PCI-31 grounds and the documents they rest on, NT-PCI-22
    agent authorisation)."""
    check_choice(grounds, GROUNDS, "NT-PCI-31", "grounds")
    check_date(filed_on, today, "NT-PCI-31", "filed_on")
    check_choice(filed_by, FILERS, "NT-PCI-22", "filed_by")
    if filed_by == AGENT:
        authorised: dict[str, Any] | None = document(authorisation, today, "NT-PCI-22", "authorisation")
    elif authorisation is not None:
        raise RuleViolation("NT-PCI-22", "authorisation", "an authorisation is given only for an agent")
    else:
        authorised = None
    check_no_forbidden_data({"statement": statement})
    evidence = supporting_documents(documents, today, "NT-PCI-31")
    for i, one in enumerate(evidence):  # the filing rests on documents that existed when it was filed
        check_not_before(filed_on, one["date"], "NT-PCI-31", f"documents[{i}].date", "the document's date")
    return {
        "grounds": grounds, "statement": check_text(statement, "NT-PCI-31", "statement"), "filed_on": filed_on,
        "answer_deadline": compute(profile, deadline_name, filed_on, "filed_on"), "filed_by": filed_by,
        "authorisation": authorised, "documents": evidence or None, **stamp(actor, profile),
    }


class Objection(Aggregate):
    """An objection to a record or a list entry; handled by the unit that determined it (NT-PCI-4, LYG-14)."""

    @classmethod
    def file(cls, actor: Actor, profile: PolicyProfile, record: DishonestyRecord, today: date, *,
             grounds: str, statement: str, filed_on: date, filed_by: str = SUBJECT,
             authorisation: object | None = None, documents: object | None = None) -> Objection:
        """File on one of the NT-PCI-31 grounds, with the documents it rests on; the answer deadline runs from the
        filing date."""
        name = next((n for n in ANSWER_DEADLINES if profile.find_deadline(n)), ANSWER_DEADLINES[0])
        fields = _filing(actor, profile, today, name, grounds=grounds, statement=statement, filed_on=filed_on,
                         filed_by=filed_by, authorisation=authorisation, documents=documents)
        record.check_in_force("NT-PCI-31")
        check_not_before(filed_on, record.determination_date, "NT-PCI-31", "filed_on", "the determination date")
        record.check_in_force_on(filed_on, "NT-PCI-31")
        return cls(record_id=record.id, subject_id=record.subject_id, handler_unit=record.determining_unit, **fields)

    @classmethod
    def file_on_entry(cls, actor: Actor, profile: PolicyProfile, entry: ListEntry, today: date, *,
                      grounds: str, statement: str, filed_on: date, filed_by: str = SUBJECT,
                      authorisation: object | None = None, documents: object | None = None) -> Objection:
        """An objection to a list entry: in publicity (JY-6.1/6.2), after prior notice (HA-4.1) or once listed
        (NT-PCI-31); the determining unit verifies, within the HA-4.1 time limit after a prior notice."""
        name = next((n for n in ANSWER_DEADLINES if profile.find_deadline(n)), ANSWER_DEADLINES[0])
        if entry.notice is not None and profile.find_deadline(PRIOR_NOTICE_ANSWER):
            name = PRIOR_NOTICE_ANSWER
        fields = _filing(actor, profile, today, name, grounds=grounds, statement=statement, filed_on=filed_on,
                         filed_by=filed_by, authorisation=authorisation, documents=documents)
        entry.check_status(ACTIVE, "NT-PCI-31")
        check_not_before(filed_on, entry.drafted_on, "NT-PCI-31", "filed_on", "the draft date")
        return cls(record_id=None, subject_id=entry.subject_id, handler_unit=entry.determining_unit,
                   target_kind=LIST_ENTRY, list_entry_id=entry.id, **fields)

    @event("Filed")
    def __init__(
        self, record_id: UUID | None, subject_id: UUID, grounds: str, statement: str, filed_on: date,
        handler_unit: str, answer_deadline: dict[str, Any] | None,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
        target_kind: str = RECORD, list_entry_id: UUID | None = None, filed_by: str = SUBJECT,
        authorisation: dict[str, Any] | None = None, documents: list[dict[str, Any]] | None = None,
    ) -> None:
        self.record_id = record_id
        self.subject_id = subject_id
        self.grounds = grounds
        self.statement = statement
        self.filed_on = filed_on
        self.handler_unit = handler_unit
        self.answer_deadline = answer_deadline
        self.policy_id = policy_id
        self.target_kind = target_kind
        self.list_entry_id = list_entry_id
        self.filed_by = filed_by
        self.authorisation = authorisation
        # NT-PCI-31: the supporting documents (title, number, date, issuer); events filed before they were
        # asked for have none
        self.documents: list[dict[str, Any]] = list(documents or [])
        self.status = FILED
        self.referral: dict[str, Any] | None = None
        self.decision: dict[str, Any] | None = None
        self.correction: dict[str, Any] | None = None
        self.appeals: list[dict[str, Any]] = []

    @property
    def target_id(self) -> UUID:
        """The record or list entry objected to."""
        target = self.list_entry_id if self.target_kind == LIST_ENTRY else self.record_id
        assert target is not None
        return target

    # --- queries -----------------------------------------------------------------------------
    @property
    def open(self) -> bool:
        """Whether a step with a deadline is still pending (decision or correction)."""
        return self.status in (FILED, REFERRED, UPHELD)

    def _pending(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(step, unit, deadline) of each pending step that has a deadline (NT-PCI-32, LYG-15)."""
        steps = []
        if self.status in (FILED, REFERRED):
            steps.append(("decision", self.handler_unit, self.answer_deadline))
        if self.status == REFERRED and self.referral and self.referral.get("verification") is None:
            steps.append(("provider_verification", self.referral["provider_unit"], self.referral["deadline"]))
        if self.status == UPHELD and self.decision:
            steps.append(("correction", self.handler_unit, self.decision["correction_deadline"]))
        return [(s, u, d) for s, u, d in steps if d]

    def overdue(self, today: date) -> list[dict[str, Any]]:
        """Pending steps whose deadline has passed (NT-PCI-32, LYG-15)."""
        return [{"step": s, "unit": u, "due": d["due"]} for s, u, d in self._pending() if is_late(d, today)]

    def next_due(self) -> date | None:
        """The earliest due day of a pending step (the open-items index keeps it, so overdue reads only these)."""
        return min((d["due"] for _, _, d in self._pending()), default=None)

    def check_status(self, allowed: tuple[str, ...], rule_id: str) -> None:
        """Refuse a step out of order."""
        if self.status not in allowed:
            raise RuleViolation(rule_id, "objection_id", f"objection is {self.status}, expected {' or '.join(allowed)}")

    # --- procedure ---------------------------------------------------------------------------
    def reviewers(self, profile: PolicyProfile) -> tuple[str, ...]:
        """Who reviews and corrects: the provider (NT-PCI-4, LYG-14) and the credit information centre (NT-PCI-32)."""
        return (self.handler_unit, *profile.role_units("credit_centre"))

    # --- guards of each step, and the steps they allow (issue 16.2) ------------------------------
    def check_can_refer(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """NT-PCI-32: a profile with the provider's verification; a filed objection, referred by the centre."""
        if profile.find_deadline("provider_verification") is None:
            raise RuleViolation("NT-PCI-32", "objection_id", f"{profile.label} has no referral to the provider")
        if actor is not None:
            referrers = tuple(u for u in profile.role_units("credit_centre", "credit_office") if u != self.handler_unit)
            check_unit(actor, referrers, "NT-PCI-32", "actor", "the credit information centre")
        self.check_status((FILED,), "NT-PCI-32")

    def check_can_verify(self, actor: Actor | None = None) -> None:
        """NT-PCI-32: a referral not yet verified, by the information provider."""
        self.check_status((REFERRED,), "NT-PCI-32")
        assert self.referral is not None
        if actor is not None:
            check_unit(actor, self.referral["provider_unit"], "NT-PCI-32", "actor", "the information provider")
        if self.referral.get("verification") is not None:
            raise RuleViolation("NT-PCI-32", "objection_id", "the provider has already verified")

    def check_can_decide(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """NT-PCI-4, NT-PCI-32: filed or referred; the centre decides a referral once the provider has verified."""
        if actor is not None:
            check_unit(actor, self.reviewers(profile), "NT-PCI-4", "actor", "the unit that determined the record")
        self.check_status((FILED, REFERRED), "NT-PCI-32")
        pending = self.referral is not None and self.referral.get("verification") is None
        if pending and (actor is None or actor.unit != self.handler_unit):
            raise RuleViolation("NT-PCI-32", "objection_id", "the provider has not yet verified the referral")

    def check_can_correct_by(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """NT-PCI-32: an upheld objection, corrected by the centre (or, without that step, by the provider)."""
        if actor is not None:
            correctors = profile.role_units("credit_centre", "credit_office")
            if profile.find_deadline("provider_verification") is not None and correctors:
                check_unit(actor, correctors, "NT-PCI-32", "actor", "the credit information centre")
            else:
                check_unit(actor, self.reviewers(profile), "NT-PCI-4", "actor", "the unit that determined the record")
        self.check_status((UPHELD,), "NT-PCI-32")

    def next_steps(self, profile: PolicyProfile, day: date, actor: Actor | None = None) -> list[str]:
        """The steps the objection allows (for `actor`'s unit when given): referral, the provider's verification,
        the decision, the correction (NT-PCI-32), an appeal (NT-PCI-33)."""
        guards: dict[str, Callable[[], object]] = {
            "refer": lambda: self.check_can_refer(profile, actor),
            "verify": lambda: self.check_can_verify(actor),
            "decide": lambda: self.check_can_decide(profile, actor),
            "correct": lambda: self.check_can_correct_by(profile, actor),
            "appeal": lambda: self.check_status((UPHELD, REJECTED, CORRECTED), "NT-PCI-33"),
        }
        return allowed_steps(guards)

    def refer(self, actor: Actor, profile: PolicyProfile, today: date, *, referred_on: date) -> None:
        """The credit centre (or office) refers to the information provider for verification (NT-PCI-32: 5 working
        days); a profile without that step (e.g. LYG-14: the provider answers directly) refuses it."""
        self.check_can_refer(profile, actor)
        check_date(referred_on, today, "NT-PCI-32", "referred_on")
        check_not_before(referred_on, self.filed_on, "NT-PCI-32", "referred_on", "the filing date")
        self._refer(provider_unit=self.handler_unit, referred_on=referred_on,
                    deadline=compute(profile, "provider_verification", referred_on, "referred_on"),
                    **stamp(actor, profile))

    @event("Referred")
    def _refer(self, provider_unit: str, referred_on: date, deadline: dict[str, Any] | None,
               actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = REFERRED
        self.referral = {"provider_unit": provider_unit, "on": referred_on, "deadline": deadline, "verification": None}

    def verify(self, actor: Actor, profile: PolicyProfile, today: date, *, correct: bool, findings: str,
               verified_on: date) -> None:
        """The provider verifies and feeds back to the centre (NT-PCI-32: within 5 working days; late ones show)."""
        self.check_can_verify(actor)
        assert self.referral is not None
        check_date(verified_on, today, "NT-PCI-32", "verified_on")
        check_not_before(verified_on, self.referral["on"], "NT-PCI-32", "verified_on", "the referral date")
        check_no_forbidden_data({"findings": findings})
        self._verify(correct=bool(correct), findings=check_text(findings, "NT-PCI-32", "findings"),
                     verified_on=verified_on, late=is_late(self.referral["deadline"], verified_on),
                     **stamp(actor, profile))

    @event("ProviderVerified")
    def _verify(self, correct: bool, findings: str, verified_on: date, late: bool,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        assert self.referral is not None
        self.referral = {**self.referral, "verification": {"correct": correct, "findings": findings,
                                                           "on": verified_on, "late": late}}

    def decide(self, actor: Actor, profile: PolicyProfile, today: date, *, upheld: bool, reasons: str,
               decided_on: date) -> None:
        """The provider or the credit centre answers with reasons (NT-PCI-4, NT-PCI-32, LYG-14/15); the centre
        decides a referred objection once the provider has verified; upheld → correction due."""
        self.check_can_decide(profile, actor)
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

    def check_can_correct(self, actor: Actor, profile: PolicyProfile, today: date, applied_on: date) -> None:
        """Only an upheld objection is corrected: by the credit information centre where the profile has it verify
        with the provider (NT-PCI-32: the centre corrects, not the provider on its own), else by the provider."""
        self.check_can_correct_by(profile, actor)  # the units that refer to the provider (centre or office)
        check_date(applied_on, today, "NT-PCI-32", "applied_on")
        assert self.decision is not None
        check_not_before(applied_on, self.decision["on"], "NT-PCI-32", "applied_on", "the decision date")

    def record_correction(self, actor: Actor, profile: PolicyProfile, today: date, *, applied_on: date,
                          changes: dict[str, Any], scope: str | None = None) -> None:
        """Note the correction on the objection (NT-PCI-32: within 3 working days, late ones show), with the scope
        it is published in: the original one (the record's disclosure class or the entry's publicity channel)."""
        self.check_can_correct(actor, profile, today, applied_on)
        assert self.decision is not None
        self._correct(applied_on=applied_on, fields=sorted(changes),
                      late=is_late(self.decision["correction_deadline"], applied_on), scope=scope,
                      **stamp(actor, profile))

    @event("CorrectionApplied")
    def _correct(self, applied_on: date, fields: list[str], late: bool,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
                 scope: str | None = None) -> None:
        self.status = CORRECTED
        self.correction = {"on": applied_on, "fields": fields, "late": late, "scope": scope}

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
