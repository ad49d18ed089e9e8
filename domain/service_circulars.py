"""Commands and queries of the quarterly circular (NT-JRP-Q, NT-JRP-4, CS-2.6)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.circular import Circular, quarterly_rule
from domain.errors import RuleViolation
from domain.service_base import ServiceBase
from domain.unit_of_work import UnitOfWork


class CircularCommands(ServiceBase):
    """issue_circular, circular."""

    def issue_circular(self, actor: Actor, *, profile_id: str, period: str, issued_on: date, log_position: int,
                       contents: dict[str, Any]) -> UUID:
        """The credit office issues the quarter's circular with the contents computed at `log_position`, under
        the version in force on `issued_on` (issue 15.9)."""
        profile = self._profile(profile_id, on=issued_on)
        uow = self._uow(actor)
        if uow.find(Circular.create_id(profile.id, period), Circular) is not None:
            raise RuleViolation(quarterly_rule(profile).rule_id, "period", f"the {period} circular was issued")
        circular = Circular.issue(actor, profile, self.today(), period=period, issued_on=issued_on,
                                  log_position=log_position, contents=contents)
        uow.add(circular)
        uow.commit()
        return circular.id

    def circular(self, profile_id: str, period: str) -> Circular:
        """The issued circular of a profile and quarter (NotFound otherwise)."""
        return UnitOfWork(self.ledger, None).get(  # type: ignore[arg-type]
            Circular.create_id(profile_id, period), Circular, "period")
