"""QueryAuthorisation: a subject's authorisation of a delegate to query its credit information (NT-PCI-22, HA-5.3)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, check_choice, check_date, check_text
from domain.documents import document
from domain.errors import RuleViolation
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject

# NT-PCI-22: a delegate shows a written or SMS authorisation, or the subject authorises online after
# identity verification; each is evidenced by a numbered, dated document or verification reference.
METHODS = ("written", "sms", "online")
# NT-PCI-19: what an authorised query may show; government-shared items go to government units only.
AUTHORISED_CLASSES = ("public", "authorised_query")
SHARED_CLASSES = ("public", "government_shared")


class QueryAuthorisation(Aggregate):
    """Who may query, for which stated purpose, how it was given and until when: never for life (HA-5.3)."""

    @classmethod
    def grant(
        cls, actor: Actor, subject: Subject, today: date, *, requester: str, method: str, purpose: str,
        granted_on: date, valid_until: object, evidence: object,
    ) -> QueryAuthorisation:
        """Register an authorisation; purpose and an end date are required (HA-5.3), evidence per method (NT-PCI-22)."""
        check_choice(method, METHODS, "NT-PCI-22", "method")
        check_date(granted_on, today, "NT-PCI-22", "granted_on")
        if not isinstance(valid_until, date) or valid_until <= granted_on:
            raise RuleViolation("HA-5.3", "valid_until", "an authorisation ends on a stated day after it is given, "
                                "never for life")
        check_no_forbidden_data({"purpose": purpose})
        proof = document(evidence, today, "NT-PCI-22", "evidence")  # online: the verification's reference
        return cls(subject_id=subject.id, requester=check_text(requester, "NT-PCI-22", "requester"), method=method,
                   purpose=check_text(purpose, "HA-5.3", "purpose"), granted_on=granted_on, valid_until=valid_until,
                   evidence=proof, **actor_stamp(actor))

    @event("Granted")
    def __init__(self, subject_id: UUID, requester: str, method: str, purpose: str, granted_on: date,
                 valid_until: date, evidence: dict[str, Any], actor_unit: str, actor_user: str) -> None:
        self.subject_id = subject_id
        self.requester = requester
        self.method = method
        self.purpose = purpose
        self.granted_on = granted_on
        self.valid_until = valid_until
        self.evidence = evidence
        self.withdrawn_on: date | None = None

    def check_allows(self, actor: Actor, subject_id: UUID, purpose: str, day: date) -> None:
        """HA-5.3 / NT-PCI-22: the same subject, requester and purpose, on a day the authorisation runs."""
        if self.subject_id != subject_id:
            raise RuleViolation("NT-PCI-22", "authorisation_id", "the authorisation is for another subject")
        if self.requester not in (actor.unit, actor.user):
            raise RuleViolation("NT-PCI-22", "authorisation_id", f"the authorisation names {self.requester}")
        if purpose.strip() != self.purpose:
            raise RuleViolation("HA-5.3", "purpose", f"authorised for the purpose {self.purpose!r} only")
        if not self.granted_on <= day <= self.valid_until or (self.withdrawn_on and day >= self.withdrawn_on):
            raise RuleViolation("HA-5.3", "authorisation_id", f"the authorisation does not run on {day}")

    def withdraw(self, actor: Actor, today: date, *, withdrawn_on: date) -> None:
        """The subject withdraws the authorisation (HA-5.3: no authorisation binds for ever)."""
        check_date(withdrawn_on, today, "HA-5.3", "withdrawn_on")
        if self.withdrawn_on is not None:
            raise RuleViolation("HA-5.3", "authorisation_id", f"already withdrawn on {self.withdrawn_on}")
        self._withdraw(withdrawn_on=withdrawn_on, **actor_stamp(actor))

    @event("Withdrawn")
    def _withdraw(self, withdrawn_on: date, actor_unit: str, actor_user: str) -> None:
        self.withdrawn_on = withdrawn_on
