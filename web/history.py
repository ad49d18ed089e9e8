"""The signed history of an aggregate: each event with its log position, signer key, unit, user and time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.app import LedgerApplication
from ledger.envelope import unpack

HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor_unit", "actor_user",
          "policy_hash", "password_hash", "token_hash"}  # the account registry's hashes are never shown
NOT_BUSINESS_DATES = {"birth_date"}  # a subject's birth date is personal data, not the date of a step


@dataclass(frozen=True)
class Step:
    """One event of an aggregate as recorded: transaction time, log position and who signed it."""

    version: int
    position: int | None
    name: str
    timestamp: datetime
    unit: str | None
    user: str | None
    key_id: str
    details: dict[str, Any]

    @property
    def business_date(self) -> date | None:
        """The first business date the event states (e.g. `pushed_on`), if any."""
        values = [v for k, v in self.details.items() if k not in NOT_BUSINESS_DATES]
        values += [v for d in values if isinstance(d, dict) for v in d.values()]  # e.g. an applied case's date
        for value in values:
            if isinstance(value, date) and not isinstance(value, datetime):
                return value
        return None


def steps_of(ledger: LedgerApplication, aggregate_id: UUID) -> list[Step]:
    """Every verified event of the aggregate with its position and signer (the replay of its history)."""
    rows = {int(r["originator_version"]): r for r in ledger.log.aggregate_rows(aggregate_id)}
    steps = []
    for event in ledger.events.get(aggregate_id):
        row = rows.get(event.originator_version)
        state = row["state"] if row else None
        key_id = unpack(bytes(state)).key_id if state is not None else "?"
        fields = {k: v for k, v in vars(event).items() if k not in HIDDEN}
        steps.append(Step(event.originator_version, None if row is None or row["position"] is None
                          else int(row["position"]), type(event).__name__, event.timestamp,
                          getattr(event, "actor_unit", None), getattr(event, "actor_user", None), key_id, fields))
    return steps
