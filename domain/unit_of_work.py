"""One command's working set: aggregates read once, changed in memory, saved together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actor import Actor
from domain.errors import NotFound
from domain.ports import EventLedger

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    """Aggregates touched by one command; `commit` saves every changed one in ONE `save_as` call."""

    def __init__(self, ledger: EventLedger, actor: Actor,
                 before_commit: Callable[[UnitOfWork], None] | None = None) -> None:
        self.ledger = ledger
        self.actor = actor
        self.loaded: dict[UUID, Any] = {}
        self._absent: set[UUID] = set()  # looked up and not found: not asked again in this command
        self._before_commit = before_commit

    def find(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        """The aggregate, or None when absent or of another kind."""
        if aggregate_id not in self.loaded:
            if aggregate_id in self._absent:
                return None
            try:
                self.loaded[aggregate_id] = self.ledger.get(aggregate_id)
            except KeyError:
                self._absent.add(aggregate_id)
                return None
        found = self.loaded[aggregate_id]
        return found if isinstance(found, cls) else None

    def get(self, aggregate_id: UUID | str, cls: type[A], field: str) -> A:
        """The aggregate of kind `cls`; NotFound (naming the field) otherwise."""
        try:
            key = aggregate_id if isinstance(aggregate_id, UUID) else UUID(str(aggregate_id))
        except ValueError:
            raise NotFound(cls.__name__, str(aggregate_id), field) from None
        found = self.find(key, cls)
        if found is None:
            raise NotFound(cls.__name__, str(aggregate_id), field)
        return found

    def add(self, *aggregates: Aggregate) -> None:
        """Take new aggregates into the working set."""
        for aggregate in aggregates:
            self.loaded[aggregate.id] = aggregate

    def changed(self) -> list[Aggregate]:
        """Aggregates with pending events, in the order they were first touched."""
        return [a for a in self.loaded.values() if a.pending_events]

    def commit(self) -> None:
        """Save every change atomically, signed by the acting unit (nothing when nothing changed)."""
        if self._before_commit is not None:
            self._before_commit(self)
        changed = self.changed()
        if changed:
            self.ledger.save_as(self.actor.unit, *changed)
