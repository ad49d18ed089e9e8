"""The key history folded from the key registry's events: who could sign what, and when.

Stdlib + PyNaCl only (shared with the offline verifier). Positions are dense Merkle log positions;
a key is usable strictly after the position that registered it and strictly before the position
that rotated or revoked it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping

REGISTRY_TOPIC_PREFIX = "ledger.keyregistry:KeyRegistry."


class KeyProblem(Exception):
    """A signature names a key that is unknown, or was not valid at that point in the log."""


@dataclass(frozen=True)
class KeyRecord:
    """One key's life: unit, public key, when registered and when (and why) it ended."""

    key_id: str
    unit: str
    public_key: bytes
    registered_position: int | None
    registered_at: datetime | None
    ended_position: int | None = None
    ended_at: datetime | None = None
    status: str = "active"  # active | rotated | revoked
    reason: str = ""


def plain(value: Any) -> Any:
    """Unwrap eventsourcing's JSON transcoding envelope ({"_type_": ..., "_data_": ...})."""
    if isinstance(value, dict) and "_type_" in value and "_data_" in value:
        return value["_data_"]
    return value


def event_time(fields: Mapping[str, Any]) -> datetime | None:
    """The transaction time an eventsourcing event payload carries."""
    raw = plain(fields.get("timestamp"))
    return datetime.fromisoformat(raw) if isinstance(raw, str) else raw


class KeyBook:
    """All keys ever registered, built by applying registry events in log order."""

    def __init__(self) -> None:
        self.records: dict[str, KeyRecord] = {}
        self.root_key_id: str | None = None

    def apply(self, kind: str, fields: Mapping[str, Any], position: int | None) -> None:
        """Fold one registry event (kind = event class name) into the book."""
        when = event_time(fields)
        if kind == "Started":
            self.root_key_id = fields["root_key_id"]
            self._add(fields["root_key_id"], fields["root_public_key"], position, when)
        elif kind == "KeyRegistered":
            self._add(fields["key_id"], fields["public_key"], position, when)
        elif kind == "KeyRotated":
            self._end(fields["old_key_id"], "rotated", "", position, when)
            self._add(fields["new_key_id"], fields["public_key"], position, when)
        elif kind == "KeyRevoked":
            self._end(fields["key_id"], "revoked", fields.get("reason", ""), position, when)

    def _add(self, key_id: str, public_hex: str, position: int | None, when: datetime | None) -> None:
        unit = key_id.split(":", 1)[0]
        self.records[key_id] = KeyRecord(key_id, unit, bytes.fromhex(public_hex), position, when)

    def _end(self, key_id: str, status: str, reason: str, position: int | None, when: datetime | None) -> None:
        record = self.records.get(key_id)
        if record is not None and record.status == "active":
            self.records[key_id] = replace(record, status=status, reason=reason,
                                           ended_position=position, ended_at=when)

    def get(self, key_id: str) -> KeyRecord:
        """The record of `key_id`, or KeyProblem if it was never registered."""
        try:
            return self.records[key_id]
        except KeyError:
            raise KeyProblem(f"key {key_id} is not in the key registry") from None

    def check_at_position(self, key_id: str, position: int) -> KeyRecord:
        """Raise KeyProblem unless `key_id` was valid at log `position`."""
        record = self.get(key_id)
        genesis = key_id == self.root_key_id and position == record.registered_position
        if record.registered_position is not None and position <= record.registered_position and not genesis:
            raise KeyProblem(f"key {key_id} used at position {position}, before its registration at "
                             f"position {record.registered_position}")
        if record.ended_position is not None and position > record.ended_position:
            raise KeyProblem(f"key {key_id} used at position {position}, after it was {record.status} "
                             f"at position {record.ended_position}")
        return record

    def check_at_time(self, key_id: str, when: datetime | None) -> KeyRecord:
        """Raise KeyProblem if `key_id` had already been rotated or revoked at time `when`."""
        record = self.get(key_id)
        if record.ended_at is not None and when is not None and when > record.ended_at:
            raise KeyProblem(f"key {key_id} signed an event dated {when.isoformat()}, after it was "
                             f"{record.status} at {record.ended_at.isoformat()}")
        return record

    def active_for(self, unit: str) -> KeyRecord | None:
        """The unit's current key, if it has one."""
        active = [r for r in self.records.values() if r.unit == unit and r.status == "active"]
        return active[-1] if active else None
