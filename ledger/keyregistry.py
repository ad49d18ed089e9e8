"""The key registry aggregate: register, rotate and revoke unit keys, all signed by the root key."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.keys import ROOT_UNIT, make_key_id

REGISTRY_ID = uuid5(NAMESPACE_URL, "credit-ledger/key-registry")


class KeyRegistryError(Exception):
    """A key command is not allowed in the registry's current state."""


class KeyRegistry(Aggregate):
    """Every unit key ever registered, with its status."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """The registry is a singleton with a fixed id."""
        return REGISTRY_ID

    @event("Started")
    def __init__(self, root_key_id: str, root_public_key: str) -> None:
        self.status: dict[str, str] = {root_key_id: "active"}
        self.units: dict[str, str] = {root_key_id: ROOT_UNIT}

    def active_key(self, unit: str) -> str | None:
        """The unit's active key id, if any."""
        for key_id, status in self.status.items():
            if status == "active" and self.units[key_id] == unit:
                return key_id
        return None

    def register(self, unit: str, public_key: bytes) -> str:
        """Register the first key of a unit."""
        if unit == ROOT_UNIT:
            raise KeyRegistryError("the root key cannot be registered as a unit key")
        if self.active_key(unit):
            raise KeyRegistryError(f"unit {unit} already has active key {self.active_key(unit)}; rotate it instead")
        key_id = make_key_id(unit, public_key)
        self._registered(unit=unit, key_id=key_id, public_key=public_key.hex())
        return key_id

    def rotate(self, unit: str, public_key: bytes) -> str:
        """Replace the unit's active key with a new one (old signatures stay valid)."""
        old = self.active_key(unit)
        if old is None or unit == ROOT_UNIT:
            raise KeyRegistryError(f"unit {unit} has no active key to rotate")
        new = make_key_id(unit, public_key)
        self._rotated(unit=unit, old_key_id=old, new_key_id=new, public_key=public_key.hex())
        return new

    def revoke(self, key_id: str, reason: str) -> None:
        """Revoke a key: any signature it makes after this point is rejected."""
        if key_id not in self.status:
            raise KeyRegistryError(f"unknown key id {key_id}")
        if self.units[key_id] == ROOT_UNIT:
            raise KeyRegistryError("the root key cannot be revoked from inside the ledger")
        if self.status[key_id] != "active":
            raise KeyRegistryError(f"key {key_id} is already {self.status[key_id]}")
        self._revoked(key_id=key_id, reason=reason)

    @event("KeyRegistered")
    def _registered(self, unit: str, key_id: str, public_key: str) -> None:
        self.status[key_id] = "active"
        self.units[key_id] = unit

    @event("KeyRotated")
    def _rotated(self, unit: str, old_key_id: str, new_key_id: str, public_key: str) -> None:
        self.status[old_key_id] = "rotated"
        self.status[new_key_id] = "active"
        self.units[new_key_id] = unit

    @event("KeyRevoked")
    def _revoked(self, key_id: str, reason: str) -> None:
        self.status[key_id] = "revoked"
