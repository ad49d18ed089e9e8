"""Index: a singleton aggregate per kind listing the open items (for sweep and overdue, no read model)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, ledger_uuid

# Confirmed entries awaiting their monthly report (NT-PCI-17) or their push upward (JY-22).
UNREPORTED, UPWARD = "unreported_list_entries", "upward_push_pending"
INDEX_NAMES = ("records", "list_entries", "objections", "repairs", "sanctions", UNREPORTED, UPWARD)


class Index(Aggregate):
    """Ids of the open items of one kind; closed items leave the index (they stay in the ledger)."""

    @staticmethod
    def create_id(name: str) -> UUID:
        """One index per name."""
        return ledger_uuid("index", name)

    @event("Started")
    def __init__(self, name: str, actor_unit: str, actor_user: str) -> None:
        self.name = name
        self.open_ids: dict[str, None] = {}  # insertion-ordered set: O(1) membership at any size

    def __deepcopy__(self, memo: dict[int, Any]) -> Index:
        """A copy for the aggregate cache: the id set holds only strings, so a shallow dict copy suffices.

        The generic deepcopy walks every id, and the index grows with the ledger (one read per command).
        """
        clone = object.__new__(type(self))
        memo[id(self)] = clone
        state = {k: deepcopy(v, memo) for k, v in self.__dict__.items() if k != "open_ids"}
        state["open_ids"] = dict(self.open_ids)
        clone.__dict__.update(state)
        return clone

    @classmethod
    def start(cls, actor: Actor, name: str) -> Index:
        """Create the index `name`."""
        return cls(name=name, **actor_stamp(actor))

    def ids(self) -> list[UUID]:
        """The open items, oldest first."""
        return [UUID(i) for i in self.open_ids]

    def add(self, actor: Actor, item_id: UUID) -> None:
        """Add an item (no-op when present)."""
        if str(item_id) not in self.open_ids:
            self._add(item_id=item_id, **actor_stamp(actor))

    @event("ItemAdded")
    def _add(self, item_id: UUID, actor_unit: str, actor_user: str) -> None:
        self.open_ids[str(item_id)] = None

    def close(self, actor: Actor, item_id: UUID) -> None:
        """Remove a closed item (no-op when absent)."""
        if str(item_id) in self.open_ids:
            self._close(item_id=item_id, **actor_stamp(actor))

    @event("ItemClosed")
    def _close(self, item_id: UUID, actor_unit: str, actor_user: str) -> None:
        del self.open_ids[str(item_id)]
