"""IntegrityEvaluation: a superior body's yearly government-integrity evaluation of its subordinates (NT-GOV-4.1).

Like the quarterly circular (domain/circular.py), its contents are computed by the caller from the ledger as it
stood at one log position (projections/evaluation.py) and stored with that position and their hash, so anyone
can recompute them later and compare. The seed sets no scoring method: the contents are facts, not a score.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.circular import check_report_data, content_hash
from domain.common import check_date, check_unit, ledger_uuid, stamp
from domain.errors import RuleViolation
from domain.government_policy import government_rules
from domain.policy import PolicyProfile
from domain.subject import GOVERNMENT_BODY, Subject

RULE = "NT-GOV-4.1"


def year_bounds(year: object) -> tuple[date, date]:
    """First and last day of an evaluation year (NT-GOV-4.1: evaluated yearly)."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 < year < 10000:
        raise RuleViolation(RULE, "year", f"year must be a calendar year, got {year!r}")
    return date(year, 1, 1), date(year, 12, 31)


def evaluators(profile: PolicyProfile, evaluator: Subject) -> tuple[str, ...]:
    """The units that may issue the evaluation: the evaluating body itself and the credit office organising it."""
    rules = government_rules(profile)
    own = (evaluator.government or {}).get("unit")
    return (*((own,) if own else ()), *rules.units("consequence_units"))


class IntegrityEvaluation(Aggregate):
    """One evaluating body's evaluation of its subordinate bodies for one year, signed by the issuer."""

    @staticmethod
    def create_id(policy_id: str, evaluator_id: UUID, year: int) -> UUID:
        """One evaluation per profile, evaluating body and year."""
        return ledger_uuid("integrity-evaluation", policy_id, str(evaluator_id), str(year))

    @classmethod
    def issue(cls, actor: Actor, profile: PolicyProfile, today: date, *, evaluator: Subject, year: int,
              issued_on: date, log_position: int, contents: dict[str, Any]) -> IntegrityEvaluation:
        """Issue the evaluation of an ended year, with the log position its contents were computed at."""
        if evaluator.kind != GOVERNMENT_BODY:
            raise RuleViolation(RULE, "evaluator_id", "the evaluating body must be a registered government body")
        check_unit(actor, evaluators(profile, evaluator), RULE, "actor", "the evaluating body or the credit office")
        _, last = year_bounds(year)
        check_date(issued_on, today, RULE, "issued_on")
        if issued_on <= last:
            raise RuleViolation(RULE, "year", f"{year} has not ended on {issued_on}")
        check_report_data(RULE, log_position, contents)
        return cls(evaluator_id=evaluator.id, year=year, issued_on=issued_on, log_position=log_position,
                   contents=contents, content_hash=content_hash(contents), **stamp(actor, profile))

    @event("Issued")
    def __init__(self, evaluator_id: UUID, year: int, issued_on: date, log_position: int, contents: dict[str, Any],
                 content_hash: str,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.evaluator_id = evaluator_id
        self.year = year
        self.issued_on = issued_on
        self.log_position = log_position
        self.contents = contents
        self.content_hash = content_hash
        self.policy_id = policy_id
        self.unit = actor_unit
