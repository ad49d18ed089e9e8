"""The key history folded from key-registry events, and key validity at a log position (stdlib only).

Mirrors `ledger/keybook.py`: a key signs validly strictly after the position that registered it
(the root key also at its own genesis event) and up to the position that rotated or revoked it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

from ledger.bundle.reducer import Event

REGISTRY_TOPIC_PREFIX = "ledger.keyregistry:KeyRegistry."


@dataclass(frozen=True)
class Key:
    """One key's life in the log."""

    key_id: str
    unit: str
    public_key: bytes
    registered_position: int
    ended_position: int | None = None
    status: str = "active"

    def to_json(self) -> dict[str, Any]:
        """For the report."""
        return {"key_id": self.key_id, "unit": self.unit, "public_key": self.public_key.hex(),
                "registered_position": self.registered_position, "ended_position": self.ended_position,
                "status": self.status}


class KeyHistory:
    """Every key the registry events name, with the root key of the genesis event."""

    def __init__(self, registry_events: Iterable[Event]) -> None:
        self.keys: dict[str, Key] = {}
        self.root_key_id: str | None = None
        for e in sorted(registry_events, key=lambda e: e.position):
            self._apply(e)

    def _apply(self, e: Event) -> None:
        f = e.fields
        if e.name == "Started":
            self.root_key_id = f["root_key_id"]
            self._add(f["root_key_id"], f["root_public_key"], e.position)
        elif e.name == "KeyRegistered":
            self._add(f["key_id"], f["public_key"], e.position)
        elif e.name == "KeyRotated":
            self._end(f["old_key_id"], "rotated", e.position)
            self._add(f["new_key_id"], f["public_key"], e.position)
        elif e.name == "KeyRevoked":
            self._end(f["key_id"], "revoked", e.position)

    def _add(self, key_id: str, public_hex: str, position: int) -> None:
        self.keys[key_id] = Key(key_id, key_id.split(":", 1)[0], bytes.fromhex(public_hex), position)

    def _end(self, key_id: str, status: str, position: int) -> None:
        key = self.keys.get(key_id)
        if key is not None and key.status == "active":
            self.keys[key_id] = replace(key, status=status, ended_position=position)

    def valid_at(self, key_id: str, position: int) -> Key:
        """The key if it could sign at `position`; ValueError saying why not."""
        key = self.keys.get(key_id)
        if key is None:
            raise ValueError(f"key {key_id} is not in the bundle's key history")
        genesis = key_id == self.root_key_id and position == key.registered_position
        if position <= key.registered_position and not genesis:
            raise ValueError(f"key {key_id} used at position {position}, before its registration at "
                             f"position {key.registered_position}")
        if key.ended_position is not None and position > key.ended_position:
            raise ValueError(f"key {key_id} used at position {position}, after it was {key.status} at "
                             f"position {key.ended_position}")
        return key
