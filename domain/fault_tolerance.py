"""Fault-tolerance determinations (容错纠错 / 免责, NT-GOV-2.2c): kept, cited, and they keep a case out."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_text, ledger_uuid, stamp
from domain.documents import document
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject


def case_key(number: str) -> str:
    """The case a determination covers: the number of the judgment, penalty, sanction or decision."""
    return "".join(number.split())


class FaultToleranceDetermination(Aggregate):
    """The competent body's determination that a case meets the fault-tolerance conditions (NT-GOV-2.2c)."""

    @staticmethod
    def create_id(subject_id: UUID, case_number: str) -> UUID:
        """One determination per subject and case document number."""
        return ledger_uuid("fault-tolerance", subject_id, case_key(case_number))

    @classmethod
    def determine(
        cls, actor: Actor, profile: PolicyProfile, subject: Subject, today: date, *, case_number: str,
        document_given: object, reason: str,
    ) -> FaultToleranceDetermination:
        """Keep the determination with its document and reason."""
        check_no_forbidden_data({"reason": reason})
        number = check_text(case_number, "NT-GOV-2.2c", "case_number")
        return cls(
            subject_id=subject.id, case_number=number,
            document=document(document_given, today, "NT-GOV-2.2c", "document"),
            reason=check_text(reason, "NT-GOV-2.2c", "reason"), **stamp(actor, profile),
        )

    @event("FaultToleranceDetermined")
    def __init__(
        self, subject_id: UUID, case_number: str, document: dict[str, Any], reason: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.subject_id = subject_id
        self.case_number = case_number
        self.document = document
        self.reason = reason
        self.determining_unit = actor_unit
        self.policy_id = policy_id
