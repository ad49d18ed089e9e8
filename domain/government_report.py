"""GovernmentRecordsReport: the city's government dishonesty records of a month, collected upward (NT-GOV-2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_date, ledger_uuid, stamp
from domain.deadlines import month_end
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.reporting import period_start

GOV_UNREPORTED = "government_unreported"  # the index of government dishonesty records not yet reported upward


class GovernmentRecordsReport(Aggregate):
    """One month's government dishonesty records of a profile, pushed to the higher platforms (NT-GOV-2.3)."""

    @staticmethod
    def create_id(policy_id: str, period: str) -> UUID:
        """One report per profile and month."""
        return ledger_uuid("government-records-report", policy_id, period)

    @classmethod
    def submit(cls, actor: Actor, profile: PolicyProfile, today: date, *, period: str, record_ids: Sequence[UUID],
               targets: Sequence[str], reported_on: date) -> GovernmentRecordsReport:
        """Report after the month has ended; an empty report says there were none."""
        first = period_start(period, "NT-GOV-2.3")
        check_date(reported_on, today, "NT-GOV-2.3", "reported_on")
        if reported_on <= month_end(first, 0):
            raise RuleViolation("NT-GOV-2.3", "period", f"{period} has not ended on {reported_on}")
        return cls(period=period, record_ids=[str(i) for i in record_ids], targets=list(targets),
                   reported_on=reported_on, **stamp(actor, profile))

    @event("GovernmentRecordsReported")
    def __init__(self, period: str, record_ids: list[str], targets: list[str], reported_on: date,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.policy_id = policy_id
        self.period = period
        self.record_ids = record_ids
        self.targets = targets  # NT-GOV-2.3: the provincial and national platforms
        self.reported_on = reported_on
        self.unit = actor_unit

