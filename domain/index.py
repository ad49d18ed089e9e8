"""Index: a singleton aggregate per kind listing the open items (for sweep and overdue, no read model)."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, ledger_uuid

# Confirmed entries awaiting their monthly report (NT-PCI-17) or their push upward (JY-22).
UNREPORTED, UPWARD = "unreported_list_entries", "upward_push_pending"
INDEX_NAMES = ("records", "list_entries", "objections", "repairs", "sanctions", UNREPORTED, UPWARD)
# Due dates kept with the ids: "" no end of validity (yet), an ISO date the last day in force, and
# UNKNOWN for items filed before due dates were kept (a sweep reads those and records their due date).
NO_END, UNKNOWN = "", "?"


def due_text(valid_until: date | None) -> str:
    """The index's text for a last day in force (ISO dates sort as dates)."""
    return valid_until.isoformat() if valid_until is not None else NO_END


class Index(Aggregate):
    """Ids of the open items of one kind; closed items leave the index (they stay in the ledger)."""

    @staticmethod
    def create_id(name: str) -> UUID:
        """One index per name."""
        return ledger_uuid("index", name)

    @event("Started")
    def __init__(self, name: str, actor_unit: str, actor_user: str) -> None:
        self.name = name
        # id -> due text; insertion-ordered: O(1) membership at any size, oldest first
        self.open_ids: dict[str, str] = {}

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

    def due_by(self, day: date) -> list[UUID]:
        """Items whose last day in force is before `day` (or not known), oldest first: what a sweep reads."""
        last = day.isoformat()
        return [UUID(i) for i, due in self.open_ids.items() if due == UNKNOWN or NO_END < due < last]

    def due_of(self, item_id: UUID) -> str | None:
        """The due text kept for an open item; None when it is not open."""
        return self.open_ids.get(str(item_id))

    def add(self, actor: Actor, item_id: UUID, valid_until: date | None = None) -> None:
        """Add an item with its last day in force (no-op when present)."""
        if str(item_id) not in self.open_ids:
            self._add(item_id=item_id, due=due_text(valid_until), **actor_stamp(actor))

    # `due` defaults to UNKNOWN for ItemAdded events stored before due dates were kept.
    @event("ItemAdded")
    def _add(self, item_id: UUID, actor_unit: str, actor_user: str, due: str = UNKNOWN) -> None:
        self.open_ids[str(item_id)] = due

    def set_due(self, actor: Actor, item_id: UUID, valid_until: date | None) -> None:
        """Keep an open item's last day in force current (no-op when absent or unchanged)."""
        due = due_text(valid_until)
        if self.open_ids.get(str(item_id), due) != due:
            self._set_due(item_id=item_id, due=due, **actor_stamp(actor))

    @event("DueSet")
    def _set_due(self, item_id: UUID, due: str, actor_unit: str, actor_user: str) -> None:
        self.open_ids[str(item_id)] = due

    def close(self, actor: Actor, item_id: UUID) -> None:
        """Remove a closed item (no-op when absent)."""
        if str(item_id) in self.open_ids:
            self._close(item_id=item_id, **actor_stamp(actor))

    @event("ItemClosed")
    def _close(self, item_id: UUID, actor_unit: str, actor_user: str) -> None:
        del self.open_ids[str(item_id)]
