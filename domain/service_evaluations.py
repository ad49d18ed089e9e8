"""Commands and queries of the yearly government-integrity evaluation (NT-GOV-4.1)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.evaluation import RULE, IntegrityEvaluation
from domain.government_policy import government_rules
from domain.service_base import ServiceBase
from domain.unit_of_work import UnitOfWork


class EvaluationCommands(ServiceBase):
    """issue_evaluation, evaluation."""

    def evaluation_issuable(self, actor: Actor, *, profile_id: str, evaluator_id: UUID, year: int,
                            issued_on: date) -> None:
        """Every check of `issue_evaluation` before the facts are computed; nothing is stored."""
        self._checked(actor, profile_id=profile_id, evaluator_id=evaluator_id, year=year, issued_on=issued_on,
                      log_position=0, contents={})

    def issue_evaluation(self, actor: Actor, *, profile_id: str, evaluator_id: UUID, year: int, issued_on: date,
                         log_position: int, contents: dict[str, Any]) -> UUID:
        """The evaluating body (or the credit office) issues the year's evaluation computed at `log_position`."""
        uow, evaluation = self._checked(actor, profile_id=profile_id, evaluator_id=evaluator_id, year=year,
                                        issued_on=issued_on, log_position=log_position, contents=contents)
        uow.add(evaluation)
        uow.commit()
        return evaluation.id

    def _checked(self, actor: Actor, *, profile_id: str, evaluator_id: UUID, year: int, issued_on: date,
                 log_position: int, contents: dict[str, Any]) -> tuple[UnitOfWork, IntegrityEvaluation]:
        profile = self._profile(profile_id, on=issued_on)  # issue 15.9: the version in force on the issue day
        government_rules(profile)  # NT-GOV-2.2a refusal where the profile has no government-integrity rules
        uow = self._uow(actor)
        evaluator = self._subject(uow, evaluator_id, "evaluator_id")
        if uow.find(IntegrityEvaluation.create_id(profile.id, evaluator.id, year), IntegrityEvaluation) is not None:
            raise RuleViolation(RULE, "year", f"the {year} evaluation was issued")
        evaluation = IntegrityEvaluation.issue(actor, profile, self.today(), evaluator=evaluator, year=year,
                                               issued_on=issued_on, log_position=log_position, contents=contents)
        return uow, evaluation

    def evaluation(self, profile_id: str, evaluator_id: UUID, year: int) -> IntegrityEvaluation:
        """The issued evaluation of a profile, evaluating body and year (NotFound otherwise)."""
        return UnitOfWork(self.ledger, None).get(  # type: ignore[arg-type]
            IntegrityEvaluation.create_id(profile_id, evaluator_id, year), IntegrityEvaluation, "year")
