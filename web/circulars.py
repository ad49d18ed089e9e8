"""Produce and reproduce the quarterly circular (NT-JRP-Q): contents from the read models at one log position,
signed by the credit office; recomputed later at the same position and compared (used by the API, UI and CLI)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from domain.actor import Actor
from domain.circular import content_hash, quarter_bounds
from domain.service import CreditService
from ledger.app import LedgerApplication
from projections.circular import circular_contents


def produce_circular(app: LedgerApplication, engine: Engine, credit: CreditService, actor: Actor, *,
                     profile_id: str, period: str, issued_on: date) -> UUID:
    """Compute the quarter's contents at the last log position and issue the signed circular."""
    first, last = quarter_bounds(period)
    position, contents = circular_contents(app, engine, profile_id, _codes(credit, profile_id), first, last)
    return credit.issue_circular(actor, profile_id=profile_id, period=period, issued_on=issued_on,
                                 log_position=position, contents={"period": period, **contents})


def reproduce_circular(app: LedgerApplication, engine: Engine, credit: CreditService, profile_id: str,
                       period: str) -> dict[str, Any]:
    """The issued circular and whether its contents recomputed at its log position give the same hash."""
    first, last = quarter_bounds(period)
    circular = credit.circular(profile_id, period)
    method = int(circular.contents.get("method", 1))  # recomputed the way it was computed
    _, contents = circular_contents(app, engine, profile_id, _codes(credit, profile_id), first, last,
                                    circular.log_position, method)
    recomputed = content_hash({"period": period, **contents})
    return {"id": str(circular.id), "profile_id": profile_id, "period": period, "issued_on": circular.issued_on,
            "issued_by": circular.unit, "log_position": circular.log_position, "contents": circular.contents,
            "content_hash": circular.content_hash, "recomputed_hash": recomputed,
            "matches": recomputed == circular.content_hash}


def _codes(credit: CreditService, profile_id: str) -> list[str]:
    """The profile's behaviour codes (the determinations the circular counts)."""
    profile = credit.profiles.get(profile_id)
    return sorted(profile.behaviours) if profile is not None else []
