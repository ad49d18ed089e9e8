"""What a projection is: a name, the tables it owns, and one handler per event class it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from sqlalchemy import Table

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from projections.batch import Batch


@dataclass(frozen=True)
class Logged:
    """Where an event sits in the log and who vouched for it: Merkle position and signing key id."""

    position: int
    key_id: str


# A handler gets the batch's rows (written in the follower's transaction at the end of the batch), the
# decoded (signature-verified) event and where it was logged.
Handler = Callable[["Batch", Any, Logged], None]


class ProjectionError(LedgerError):
    """A projection cannot be built or queried (unknown name, inconsistent log)."""


@dataclass(frozen=True)
class Projection:
    """A read model: its tables, its handlers keyed by event class name ('DishonestyRecord.Recorded'), and
    `reads`: the (table, column) groups its handlers read by the event's originator id, prefetched per batch."""

    name: str
    tables: tuple[Table, ...]
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    reads: tuple[tuple[Table, str], ...] = ()

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
