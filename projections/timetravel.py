"""Time travel on two axes (DESIGN §4): transaction time (as of a log position or moment) and valid time.

`status` rebuilds the subject, its records and list entries from their verified events up to a log
position (aggregate versions whose event position ≤ P), so the answer does not depend on any view;
it names the position and the newest signed checkpoint covering it (with its witnesses' cosignatures), so the
answer can be proven.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.effective import effective_status, period_of
from ledger.app import LedgerApplication
from ledger.witnessing import newest_covering_checkpoint
from projections.base import ProjectionError
from projections.status import in_force_on, record_status


@dataclass(frozen=True)
class ItemStatus:
    """One record or list entry as the ledger held it at the answer's position."""

    kind: str  # "record" | "list_entry"
    id: str
    label: str  # behaviour code and tier, or list code
    status: str
    valid_from: date | None
    valid_until: date | None
    ended_on: date | None
    in_force_at: bool | None  # on `valid_at`; None when no valid-time date was asked
    version: int
    status_at: str | None = None  # the status word on `valid_at`: `expired` once past the last day, swept or not
    policy_id: str | None = None  # issue 15.9: the profile whose version the item's validity follows
    policy_version: int | None = None  # the record's determination's, the entry's confirmation's (draft's before)


@dataclass(frozen=True)
class StatusAnswer:
    """A subject's status at a log position, optionally restricted to what was in force on a date."""

    subject_id: str
    log_position: int
    valid_at: date | None
    checkpoint: str | None  # the signed note of the latest checkpoint covering `log_position`
    checkpoint_size: int | None
    items: tuple[ItemStatus, ...]
    checkpoint_cosigners: tuple[str, ...] = ()  # witnesses whose cosignatures the note carries

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO text)."""
        return jsonable(asdict(self))


def status(app: LedgerApplication, subject_id: UUID, as_of_position: int | None = None,
           valid_at: date | None = None, as_of: datetime | str | None = None) -> StatusAnswer:
    """What the ledger held about a subject at a position (or moment `as_of`), in force on `valid_at`."""
    position = resolve_position(app, as_of_position, as_of)
    subject = aggregate_at(app, subject_id, position)
    if subject is None:
        raise ProjectionError(f"subject {subject_id} did not exist at log position {position}")
    items = [_record(r, valid_at) for r in _filed(app, subject, "record", position)]
    items += [_entry(e, valid_at) for e in _filed(app, subject, "list_entry", position)]
    note, size, cosigners = covering(app, position)
    return StatusAnswer(str(subject_id), position, valid_at, note, size, tuple(items), cosigners)


def covering_checkpoint(app: LedgerApplication, position: int) -> tuple[str | None, int | None]:
    """The cosigned note and size of the newest stored checkpoint that covers `position`, or (None, None)."""
    note, size, _ = covering(app, position)
    return note, size


def covering(app: LedgerApplication, position: int) -> tuple[str | None, int | None, tuple[str, ...]]:
    """The newest checkpoint covering `position`: its note with the witnesses' cosignatures, size, cosigners."""
    found = newest_covering_checkpoint(app, position)
    return (None, None, ()) if found is None else (found.note, found.size, found.cosigners)


def resolve_position(app: LedgerApplication, as_of_position: int | None, as_of: datetime | str | None) -> int:
    """The log position an answer is computed at: given, from a moment, or the newest."""
    size = app.log.tree_size()
    if as_of is not None:
        return position_at(app, datetime.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
    if as_of_position is None:
        return size - 1
    if not 0 <= as_of_position < size:
        raise ProjectionError(f"log position {as_of_position} is outside the log (valid: 0..{size - 1})")
    return as_of_position


def position_at(app: LedgerApplication, moment: datetime) -> int:
    """The last log position whose event timestamp is ≤ `moment` (binary search; the log is time-ordered)."""
    if moment.tzinfo is None:
        raise ProjectionError(f"as-of moment {moment.isoformat()} needs a time zone (e.g. +08:00)")
    low, high = 0, app.log.tree_size() - 1
    if high < 0 or _timestamp(app, 0) > moment:
        raise ProjectionError(f"the ledger has no event at or before {moment.isoformat()}")
    while low < high:
        middle = (low + high + 1) // 2
        if _timestamp(app, middle) <= moment:
            low = middle
        else:
            high = middle - 1
    return low


def _timestamp(app: LedgerApplication, position: int) -> datetime:
    notification_id = int(app.log.log_rows(position, position + 1)[0]["notification_id"])
    notification = app.recorder.select_notifications(notification_id, 1)[0]
    return app.mapper.to_domain_event(notification).timestamp


def aggregate_at(app: LedgerApplication, aggregate_id: UUID, position: int) -> Any | None:
    """The aggregate at its last version whose event is at or before `position`, or None."""
    return app.get_at_position(aggregate_id, position)


def _filed(app: LedgerApplication, subject: Any, kind: str, position: int) -> list[Any]:
    found = (aggregate_at(app, item_id, position) for item_id in subject.ids(kind))
    return [item for item in found if item is not None]


def _record(rec: Any, valid_at: date | None) -> ItemStatus:
    closed = None if rec.in_force else rec.status
    state = record_status(closed, len(rec.flags), len(rec.corrections))
    in_force = None if valid_at is None else in_force_on(valid_at, rec.determination_date, rec.valid_until, rec.closed_on)
    return ItemStatus("record", str(rec.id), f"{rec.behaviour_code} {rec.tier}", state, rec.determination_date,
                      rec.valid_until, rec.closed_on, in_force, rec.version, _status_at(rec, state, valid_at),
                      *_rules(rec))


def _entry(entry: Any, valid_at: date | None) -> ItemStatus:
    start = entry.decision["confirmed_on"] if entry.decision else None
    ended = entry.closing.get("on") if entry.closing else None
    in_force = None if valid_at is None else in_force_on(valid_at, start, entry.valid_until, ended)
    return ItemStatus("list_entry", str(entry.id), entry.list_code, entry.status, start, entry.valid_until,
                      ended, in_force, entry.version, _status_at(entry, entry.status, valid_at), *_rules(entry))


def _rules(item: Any) -> tuple[str | None, int | None]:
    """The profile id and version the item's validity follows, as its events left them (issue 15.9)."""
    return getattr(item, "policy_id", None), getattr(item, "policy_version", None)


def _status_at(item: Any, state: str, valid_at: date | None) -> str | None:
    """The held status word, `expired` when `valid_at` is past the last day (NT-PCI-30, swept or not)."""
    return None if valid_at is None else effective_status(state, item.in_force, period_of(item), valid_at)


def jsonable(value: Any) -> Any:
    """Dates and moments as ISO text, recursively."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, (date, datetime)) else value
