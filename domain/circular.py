"""Circular: the credit office's periodic circular on lists, reports and sanctions (NT-JRP-Q, NT-JRP-4, CS-2.6).

Its contents are computed by the caller from the ledger as it stood at one log position (projections/circular.py)
and stored with that position and their hash, so anyone can recompute them later and compare.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import check_date, check_unit, credit_office, ledger_uuid, stamp
from domain.errors import RuleViolation
from domain.policy import PolicyProfile, ReportingRule

QUARTER = re.compile(r"(\d{4})-Q([1-4])")
QUARTERLY = "quarterly"


def check_report_data(rule_id: str, log_position: object, contents: object) -> None:
    """A periodic report names the log position it was computed at and holds its contents as a mapping."""
    if isinstance(log_position, bool) or not isinstance(log_position, int) or log_position < 0:
        raise RuleViolation(rule_id, "log_position", f"not a log position: {log_position!r}")
    if not isinstance(contents, dict):
        raise RuleViolation(rule_id, "contents", "contents must be a mapping")


def quarterly_rule(profile: PolicyProfile) -> ReportingRule:
    """The profile's quarterly circular; refused where the regulation sets no period (CS-2.6 "定期", JY "考核")."""
    for rule in profile.reporting.values():
        if rule.period == QUARTERLY:
            return rule
    raise RuleViolation("NT-JRP-Q", "profile_id", f"{profile.label} sets no quarterly circular")


def quarter_bounds(period: object, rule_id: str = "NT-JRP-Q") -> tuple[date, date]:
    """First and last day of a quarter given as 'YYYY-Qn'."""
    match = QUARTER.fullmatch(period) if isinstance(period, str) else None
    if match is None or int(match.group(1)) < 1:
        raise RuleViolation(rule_id, "period", f"period must be a quarter 'YYYY-Qn', got {period!r}")
    year, quarter = int(match.group(1)), int(match.group(2))
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def content_hash(contents: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the contents (sorted keys, ISO dates)."""
    canonical = json.dumps(contents, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class Circular(Aggregate):
    """One profile's circular for one quarter, signed by the credit office (NT-JRP-Q)."""

    @staticmethod
    def create_id(policy_id: str, period: str) -> UUID:
        """One circular per profile and quarter."""
        return ledger_uuid("circular", policy_id, period)

    @classmethod
    def issue(cls, actor: Actor, profile: PolicyProfile, today: date, *, period: str, issued_on: date,
              log_position: int, contents: dict[str, Any]) -> Circular:
        """Issue the circular of an ended quarter, with the log position its contents were computed at."""
        rule = quarterly_rule(profile)
        check_unit(actor, credit_office(profile), rule.rule_id, "actor", "the credit office")
        _, last = quarter_bounds(period, rule.rule_id)
        check_date(issued_on, today, rule.rule_id, "issued_on")
        if issued_on <= last:
            raise RuleViolation(rule.rule_id, "period", f"{period} has not ended on {issued_on}")
        check_report_data(rule.rule_id, log_position, contents)
        return cls(period=period, issued_on=issued_on, log_position=log_position, contents=contents,
                   content_hash=content_hash(contents), **stamp(actor, profile))

    @event("Issued")
    def __init__(self, period: str, issued_on: date, log_position: int, contents: dict[str, Any],
                 content_hash: str,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.period = period
        self.issued_on = issued_on
        self.log_position = log_position
        self.contents = contents
        self.content_hash = content_hash
        self.policy_id = policy_id
        self.unit = actor_unit
