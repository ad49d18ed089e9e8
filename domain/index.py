"""Index: the open items of one kind (for sweep and overdue, no read model), kept in generations.

An index's history grows with the ledger, and a new process replays it on first read, verifying every
event (each belongs to a different save). So after ROLLOVER_EVENTS events an index is continued in a
new generation whose Started event carries the open set, signed and in the log like any event (anyone
can check it against the previous generation's events); a small `IndexHead` names the current one.
The first generation keeps the original id, so ledgers written before generations read as before.
"""

from __future__ import annotations

from collections.abc import Callable
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
# Due days kept with the ids: "" nothing due (no end of validity, no pending deadline), an ISO date (the
# last day in force of a record or list entry, the earliest pending deadline of an objection, repair or
# sanction case), and UNKNOWN for items filed before due days were kept (read whenever what is due is).
NO_END, UNKNOWN = "", "?"
# Events of one generation before the next write continues it in a new one (about 1-2 s of cold replay).
ROLLOVER_EVENTS = 20_000


def due_text(day: date | None) -> str:
    """The index's text for a due day (ISO dates sort as dates)."""
    return day.isoformat() if day is not None else NO_END


class Index(Aggregate):
    """Ids of the open items of one kind; closed items leave the index (they stay in the ledger)."""

    @staticmethod
    def create_id(name: str, generation: int = 0) -> UUID:
        """One index per name and generation (generation 0 keeps the id it had before generations)."""
        return ledger_uuid("index", name) if generation == 0 else ledger_uuid("index", name, generation)

    # `generation` and `carried` default for Started events stored before generations existed.
    @event("Started")
    def __init__(self, name: str, actor_unit: str, actor_user: str, generation: int = 0,
                 carried: dict[str, str] | None = None) -> None:
        self.name = name
        self.generation = generation
        self.continued = False
        # id -> due text; insertion-ordered: O(1) membership at any size, oldest first
        self.open_ids: dict[str, str] = dict(carried or {})

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
        """Create the index `name` (its first generation)."""
        return cls(name=name, **actor_stamp(actor))

    def due_for_rollover(self) -> bool:
        """Whether this generation's history is long enough to continue in a new one."""
        return self.version >= ROLLOVER_EVENTS

    def continue_in_next(self, actor: Actor) -> Index:
        """Close this generation and start the next with the open set (one atomic save with the head)."""
        self._check_current()
        following = type(self)(name=self.name, generation=self.generation + 1, carried=dict(self.open_ids),
                               **actor_stamp(actor))
        self._continued(generation=following.generation, **actor_stamp(actor))
        return following

    @event("Continued")
    def _continued(self, generation: int, actor_unit: str, actor_user: str) -> None:
        self.continued = True

    def _check_current(self) -> None:
        # A write to a continued generation would be lost to readers of the head: refuse it (a process
        # with a stale copy fails on the version check first and retries on the current generation).
        if self.continued:
            raise RuntimeError(f"index {self.name} generation {self.generation} was continued")

    def ids(self) -> list[UUID]:
        """The open items, oldest first."""
        return [UUID(i) for i in self.open_ids]

    def due_by(self, day: date) -> list[UUID]:
        """Items due before `day` (or of unknown due day), oldest first: what the sweep and overdue read."""
        last = day.isoformat()
        return [UUID(i) for i, due in self.open_ids.items() if due == UNKNOWN or NO_END < due < last]

    def due_of(self, item_id: UUID) -> str | None:
        """The due text kept for an open item; None when it is not open."""
        return self.open_ids.get(str(item_id))

    def add(self, actor: Actor, item_id: UUID, due_day: date | None = None) -> None:
        """Add an item with its due day (no-op when present)."""
        self._check_current()
        if str(item_id) not in self.open_ids:
            self._add(item_id=item_id, due=due_text(due_day), **actor_stamp(actor))

    # `due` defaults to UNKNOWN for ItemAdded events stored before due dates were kept.
    @event("ItemAdded")
    def _add(self, item_id: UUID, actor_unit: str, actor_user: str, due: str = UNKNOWN) -> None:
        self.open_ids[str(item_id)] = due

    def set_due(self, actor: Actor, item_id: UUID, due_day: date | None) -> None:
        """Keep an open item's due day current (no-op when absent or unchanged)."""
        self._check_current()
        due = due_text(due_day)
        if self.open_ids.get(str(item_id), due) != due:
            self._set_due(item_id=item_id, due=due, **actor_stamp(actor))

    @event("DueSet")
    def _set_due(self, item_id: UUID, due: str, actor_unit: str, actor_user: str) -> None:
        self.open_ids[str(item_id)] = due

    def close(self, actor: Actor, item_id: UUID) -> None:
        """Remove a closed item (no-op when absent)."""
        self._check_current()
        if str(item_id) in self.open_ids:
            self._close(item_id=item_id, **actor_stamp(actor))

    @event("ItemClosed")
    def _close(self, item_id: UUID, actor_unit: str, actor_user: str) -> None:
        del self.open_ids[str(item_id)]


class IndexHead(Aggregate):
    """Which generation of an index is current (absent until the first continuation)."""

    @staticmethod
    def create_id(name: str) -> UUID:
        """One head per index name."""
        return ledger_uuid("index-head", name)

    @event("Started")
    def __init__(self, name: str, actor_unit: str, actor_user: str) -> None:
        self.name = name
        self.generation = 0

    @classmethod
    def start(cls, actor: Actor, name: str) -> IndexHead:
        """Create the head of index `name` (at generation 0)."""
        return cls(name=name, **actor_stamp(actor))

    def advance(self, actor: Actor, generation: int) -> None:
        """The index continues in `generation` (the next one)."""
        if generation != self.generation + 1:
            raise RuntimeError(f"index {self.name}: generation {generation} does not follow {self.generation}")
        self._advance(generation=generation, **actor_stamp(actor))

    @event("Advanced")
    def _advance(self, generation: int, actor_unit: str, actor_user: str) -> None:
        self.generation = generation


def current_generation(get: Callable[[UUID], Any], name: str) -> int:
    """The current generation of index `name` (0 when it was never continued)."""
    try:
        return int(get(IndexHead.create_id(name)).generation)
    except KeyError:
        return 0


def read_index(get: Callable[[UUID], Any], name: str) -> Index | None:
    """The current generation of index `name`, or None when nothing was ever filed there."""
    try:
        return get(Index.create_id(name, current_generation(get, name)))  # type: ignore[no-any-return]
    except KeyError:
        return None
