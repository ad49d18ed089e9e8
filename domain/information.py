"""CreditInformation: basic, positive and "other" public credit information of a subject (NT-PCI-9..13)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_text, stamp
from domain.documents import document
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject


class CreditInformation(Aggregate):
    """One catalogued item of non-negative information (NT-PCI-9): an award, volunteering, a commitment..."""

    @classmethod
    def record(
        cls, actor: Actor, profile: PolicyProfile, subject: Subject, today: date, *, category: str,
        document_given: object, disclosure: str, summary: str,
    ) -> CreditInformation:
        """Record an item of the profile's catalog (NT-PCI-9..13) with its document and disclosure class."""
        kind = profile.information_kind(category)
        if disclosure not in profile.disclosure_classes:
            raise RuleViolation("NT-PCI-19", "disclosure", f"{disclosure!r} is not a disclosure class")
        check_no_forbidden_data({"summary": summary})  # NT-PCI-14
        doc = document(document_given, today, kind.rule_id, "document")
        return cls(
            subject_id=subject.id, category=kind.code, kind=kind.kind, rule_id=kind.rule_id, document=doc,
            disclosure=disclosure, summary=check_text(summary, kind.rule_id, "summary"),
            provider_unit=actor.unit, **stamp(actor, profile),
        )

    @event("InformationRecorded")
    def __init__(
        self, subject_id: UUID, category: str, kind: str, rule_id: str, document: dict[str, Any], disclosure: str,
        summary: str, provider_unit: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.subject_id = subject_id
        self.category = category
        self.kind = kind
        self.rule_id = rule_id
        self.document = document
        self.disclosure = disclosure
        self.summary = summary
        self.provider_unit = provider_unit  # NT-PCI-4: whoever provides information answers for it
        self.policy_id = policy_id

    @property
    def published(self) -> bool:
        """Shown in the public view when its class is public (NT-PCI-19)."""
        return self.disclosure == "public"
