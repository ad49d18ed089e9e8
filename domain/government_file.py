"""Government-affairs credit file entries (政务领域信用档案, NT-GOV-2.2a/d): positive entries are first-class."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_choice, check_text, stamp
from domain.documents import document
from domain.errors import RuleViolation
from domain.government_policy import POLARITIES, GovernmentRules
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject


class GovernmentFileEntry(Aggregate):
    """One entry of a body's or civil servant's file, signed by the recording department."""

    @classmethod
    def record(
        cls, actor: Actor, profile: PolicyProfile, rules: GovernmentRules, subject: Subject, today: date, *,
        category: str, polarity: str, document_given: object, summary: str, year: int | None = None,
        result: str | None = None,
    ) -> GovernmentFileEntry:
        """Check the category fits the subject's kind (NT-GOV-2.2a), the document and the summary."""
        kind = rules.category(category, subject.kind)
        check_choice(polarity, POLARITIES, kind.rule_id, "polarity")
        check_no_forbidden_data({"summary": summary, "result": result or ""})
        doc = document(document_given, today, kind.rule_id, "document")
        if category == "annual_assessment":  # NT-GOV-2.2a: the year assessed and its result
            if not isinstance(year, int) or isinstance(year, bool) or not 1949 < year <= today.year:
                raise RuleViolation("NT-GOV-2.2a", "year", "the assessed year is required")
            result = check_text(result, "NT-GOV-2.2a", "result")
        return cls(
            subject_id=subject.id, category=kind.code, rule_id=kind.rule_id, polarity=polarity, document=doc,
            summary=check_text(summary, kind.rule_id, "summary"), year=year, result=result,
            recording_unit=actor.unit, **stamp(actor, profile),
        )

    @event("GovernmentFileEntryRecorded")
    def __init__(
        self, subject_id: UUID, category: str, rule_id: str, polarity: str, document: dict[str, Any], summary: str,
        year: int | None, result: str | None, recording_unit: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.subject_id = subject_id
        self.category = category
        self.rule_id = rule_id
        self.polarity = polarity
        self.document = document
        self.summary = summary
        self.year = year
        self.result = result
        self.recording_unit = recording_unit  # NT-GOV-2.2a: each department records its own civil servants
        self.policy_id = policy_id
