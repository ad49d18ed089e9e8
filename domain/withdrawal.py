"""PenaltyWithdrawal: a published penalty changed or revoked is withdrawn within 3 days (NAT-APL-48).

行政处罚法 (2021) 第四十八条: the information of a published administrative penalty that is later changed,
revoked, confirmed unlawful or void is withdrawn within three days. The time limit runs from the day the
change is registered; until the record is withdrawn (revoked: no longer published or used, kept in the
archive) the step shows as overdue once the limit has passed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_date, check_not_before, compute, is_late, ledger_uuid, stamp
from domain.documents import document
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.record import DishonestyRecord

OUTCOMES = ("changed", "revoked", "confirmed_unlawful", "confirmed_void")
RULE = "NAT-APL-48"


class PenaltyWithdrawal(Aggregate):
    """Registered (with its 3-day limit) → withdrawn (the record revoked, on time or late)."""

    @staticmethod
    def create_id(record_id: UUID) -> UUID:
        """One withdrawal per record (uuid5 of the record id)."""
        return ledger_uuid("penalty-withdrawal", record_id)

    @classmethod
    def register(cls, actor: Actor, profile: PolicyProfile, record: DishonestyRecord, today: date, *,
                 outcome: str, decision: object, changed_on: date) -> PenaltyWithdrawal:
        """Register that the penalty behind `record` was changed or revoked; the limit starts on `changed_on`."""
        if outcome not in OUTCOMES:
            raise RuleViolation(RULE, "outcome", f"outcome must be one of {', '.join(OUTCOMES)}")
        record.check_penalty_changeable(profile)
        check_date(changed_on, today, RULE, "changed_on")
        check_not_before(changed_on, record.determination_date, RULE, "changed_on", "the determination date")
        doc = document(decision, today, RULE, "decision")
        return cls(record_id=record.id, subject_id=record.subject_id, outcome=outcome, decision=doc,
                   changed_on=changed_on, deadline=compute(profile, "withdrawal", changed_on, "changed_on"),
                   handler_unit=record.determining_unit, **stamp(actor, profile))

    @event("Registered")
    def __init__(self, record_id: UUID, subject_id: UUID, outcome: str, decision: dict[str, Any], changed_on: date,
                 deadline: dict[str, Any] | None, handler_unit: str, actor_unit: str, actor_user: str,
                 policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.record_id = record_id
        self.subject_id = subject_id
        self.outcome = outcome
        self.decision = decision
        self.changed_on = changed_on
        self.deadline = deadline
        self.handler_unit = handler_unit
        self.policy_id = policy_id
        self.withdrawn: dict[str, Any] | None = None

    @property
    def open(self) -> bool:
        """Not yet withdrawn."""
        return self.withdrawn is None

    def overdue(self, today: date) -> list[dict[str, Any]]:
        """NAT-APL-48: past the 3 days and still published."""
        if self.open and is_late(self.deadline, today):
            return [{"step": "withdrawal", "unit": self.handler_unit, "due": self.deadline["due"],  # type: ignore
                     "rule_id": RULE}]
        return []

    def next_due(self) -> date | None:
        """The last day of the time limit while open."""
        return self.deadline["due"] if self.open and self.deadline else None

    def withdraw(self, actor: Actor, profile: PolicyProfile, today: date, *, withdrawn_on: date) -> None:
        """Record the withdrawal (the caller revokes the record in the same unit of work)."""
        if not self.open:
            raise RuleViolation(RULE, "withdrawal_id", "already withdrawn")
        check_date(withdrawn_on, today, RULE, "withdrawn_on")
        check_not_before(withdrawn_on, self.changed_on, RULE, "withdrawn_on", "the change of the penalty")
        self._withdraw(withdrawn_on=withdrawn_on, late=is_late(self.deadline, withdrawn_on), **stamp(actor, profile))

    @event("Withdrawn")
    def _withdraw(self, withdrawn_on: date, late: bool, actor_unit: str, actor_user: str,
                  policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.withdrawn = {"on": withdrawn_on, "late": late, "by": actor_unit}
