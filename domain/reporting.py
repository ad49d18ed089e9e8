"""ListReport: a department's monthly report of its new red/black list entries (NT-PCI-17, zero reports included)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_date, compute, is_late, ledger_uuid, stamp
from domain.deadlines import month_end
from domain.errors import RuleViolation
from domain.policy import PolicyProfile, ReportingRule

PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def period_start(period: object, rule_id: str, field: str = "period") -> date:
    """The first day of a reporting month given as 'YYYY-MM'."""
    match = PERIOD.fullmatch(period) if isinstance(period, str) else None
    if match is None:
        raise RuleViolation(rule_id, field, f"{field} must be a month 'YYYY-MM', got {period!r}")
    try:
        return date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:  # year 0000 or month 00/13+
        raise RuleViolation(rule_id, field, f"{field} {period!r} is not a calendar month") from None


def period_of(day: date) -> str:
    """The reporting month of a date, 'YYYY-MM'."""
    return f"{day.year:04d}-{day.month:02d}"


class ListReport(Aggregate):
    """One unit's report for one month: the entries it determined then, or a zero report (NT-PCI-17)."""

    @staticmethod
    def create_id(policy_id: str, unit: str, period: str) -> UUID:
        """One report per profile, unit and month (parameter names match the event's, as eventsourcing needs)."""
        return ledger_uuid("list-report", policy_id, unit, period)

    @classmethod
    def submit(cls, actor: Actor, profile: PolicyProfile, rule: ReportingRule, today: date, *, period: str,
               entry_ids: Sequence[UUID], reported_on: date) -> ListReport:
        """Report the month's entries once the month has ended; a late report is marked late."""
        first = period_start(period, rule.rule_id)
        check_date(reported_on, today, rule.rule_id, "reported_on")
        if reported_on <= month_end(first, 0):
            raise RuleViolation(rule.rule_id, "period", f"{period} has not ended on {reported_on}")
        if not entry_ids and not rule.zero_report:
            raise RuleViolation(rule.rule_id, "list_entry_ids", f"{profile.label} keeps no zero reports")
        deadline = compute(profile, rule.deadline, first, "period") if rule.deadline else None
        return cls(unit=actor.unit, period=period, entry_ids=[str(i) for i in entry_ids], zero=not entry_ids,
                   reported_on=reported_on, deadline=deadline, late=is_late(deadline, reported_on),
                   **stamp(actor, profile))

    @event("Submitted")
    def __init__(self, unit: str, period: str, entry_ids: list[str], zero: bool, reported_on: date,
                 deadline: dict[str, Any] | None, late: bool,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.unit = unit
        self.period = period
        self.entry_ids = entry_ids
        self.zero = zero
        self.reported_on = reported_on
        self.deadline = deadline
        self.late = late
        self.policy_id = policy_id
