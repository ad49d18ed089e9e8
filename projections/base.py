"""What a projection is: a name, the tables it owns, and one handler per event class it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping

from sqlalchemy import Connection, Insert, Table

from ledger.errors import LedgerError



@dataclass(frozen=True)
class Logged:
    """Where an event sits in the log and who vouched for it: Merkle position and signing key id."""

    position: int
    key_id: str


# A handler gets the open transaction, the decoded (signature-verified) event and where it was logged.
Handler = Callable[[Connection, Any, Logged], None]


class ProjectionError(LedgerError):
    """A projection cannot be built or queried (unknown name, inconsistent log)."""


@dataclass(frozen=True)
class Projection:
    """A read model: its tables and its handlers keyed by event class name ('DishonestyRecord.Recorded')."""

    name: str
    tables: tuple[Table, ...]
    handlers: Mapping[str, Handler] = field(default_factory=dict)

    def handler_for(self, topic: str) -> Handler | None:
        """The handler of a stored event's topic ('module:Class.Event'), or None: events it does not read."""
        return self.handlers.get(event_name(topic))


def event_name(topic: str) -> str:
    """'domain.record:DishonestyRecord.Recorded' -> 'DishonestyRecord.Recorded'."""
    return topic.split(":", 1)[-1]


def sid(value: Any) -> str:
    """An aggregate id as the view tables store it (canonical UUID text)."""
    return str(value)


def signed_by(e: Any, at: Logged) -> dict[str, Any]:
    """Who signed an event and when the ledger recorded it (transaction time, ISO UTC)."""
    return {"actor_unit": e.actor_unit, "actor_user": e.actor_user, "key_id": at.key_id,
            "recorded_at": e.timestamp.isoformat()}


def due(deadline: Mapping[str, Any] | None) -> Any:
    """The due day of a deadline carried by an event (None when the regulation sets none)."""
    return deadline["due"] if deadline else None


@lru_cache(maxsize=None)
def _insert(table: Table) -> Insert:
    return table.insert()


def insert_row(conn: Connection, table: Table, values: Mapping[str, Any]) -> None:
    """Insert one row through a statement built once per table (rebuilds insert hundreds of thousands)."""
    conn.execute(_insert(table), dict(values))
