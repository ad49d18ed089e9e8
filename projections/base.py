"""What a projection is: a name, the tables it owns, and one handler per event class it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from sqlalchemy import Connection, Table

from ledger.errors import LedgerError

# A handler gets the open transaction, the decoded (signature-verified) event and its log position.
Handler = Callable[[Connection, Any, int], None]


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
