"""Produce and reproduce the yearly government-integrity evaluation (NT-GOV-4.1): facts from the ledger at one log
position, signed by the issuer; recomputed later at the same position and compared (used by the API and UI)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from domain.actor import Actor
from domain.circular import content_hash
from domain.errors import RuleViolation
from domain.evaluation import RULE, year_bounds
from domain.service import CreditService
from ledger.app import LedgerApplication
from projections.asof import catch_up
from projections.db import subjects
from projections.evaluation import evaluation_contents
from projections.timetravel import resolve_position


def produce_evaluation(app: LedgerApplication, engine: Engine, credit: CreditService, actor: Actor, *,
                       profile_id: str, evaluator_id: UUID, year: int, issued_on: date) -> UUID:
    """Compute the year's facts at the last log position and issue the signed evaluation."""
    year_bounds(year)
    credit.evaluation_issuable(actor, profile_id=profile_id, evaluator_id=evaluator_id, year=year,
                               issued_on=issued_on)
    position, contents = evaluation_contents(app, engine, profile_id, evaluator_id, year)
    return credit.issue_evaluation(actor, profile_id=profile_id, evaluator_id=evaluator_id, year=year,
                                   issued_on=issued_on, log_position=position, contents=contents)


def reproduce_evaluation(app: LedgerApplication, engine: Engine, credit: CreditService, profile_id: str,
                         evaluator_id: UUID, year: int) -> dict[str, Any]:
    """The issued evaluation and whether its facts recomputed at its log position give the same hash."""
    year_bounds(year)
    evaluation = credit.evaluation(profile_id, evaluator_id, year)
    _, contents = evaluation_contents(app, engine, profile_id, evaluator_id, year, evaluation.log_position)
    recomputed = content_hash(contents)
    return {"id": str(evaluation.id), "profile_id": profile_id, "evaluator_id": str(evaluator_id), "year": year,
            "issued_on": evaluation.issued_on, "issued_by": evaluation.unit, "log_position": evaluation.log_position,
            "contents": evaluation.contents, "content_hash": evaluation.content_hash, "recomputed_hash": recomputed,
            "matches": recomputed == evaluation.content_hash}


def year_of(value: object) -> int:
    """A year given as text in a path: four digits, else a NT-GOV-4.1 refusal naming `year`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str) or not (len(value) == 4 and value.isdigit()):
        raise RuleViolation(RULE, "year", f"year must be a calendar year YYYY, got {value!r}")
    return int(value)


def body_options(app: LedgerApplication, engine: Engine) -> list[tuple[str, str]]:
    """(subject id, name) of every registered government body: the evaluating bodies to choose from (NT-GOV-4.1)."""
    catch_up(app, engine, ("subjects",), resolve_position(app, None, None))
    with engine.connect() as conn:
        rows = conn.execute(select(subjects.c.subject_id, subjects.c.name)
                            .where(subjects.c.kind == "government_body").order_by(subjects.c.name)).all()
    return [(row.subject_id, row.name) for row in rows]
