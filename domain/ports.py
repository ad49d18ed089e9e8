"""What the domain needs from the ledger: a place to save signed events and read aggregates."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate


class EventLedger(Protocol):
    """The signed event store, seen from the domain (implemented by `ledger.app.LedgerApplication`)."""

    def save_as(self, unit: str, *aggregates: Aggregate) -> None:
        """Store the aggregates' pending events atomically, signed with `unit`'s active key."""

    def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """Reconstruct an aggregate (optionally at a past version); raise KeyError when absent."""

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether any event exists for this aggregate id."""
