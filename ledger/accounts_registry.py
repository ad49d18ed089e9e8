"""The account registry aggregate: who may act for which unit, as signed events (genesis signed by the root key,
every later event by the admin unit's key; AccountBook folds them into a history).

The registry knows no role names: the roles that act for a unit are data given to its genesis.
Secrets never enter it: passwords only as argon2 hashes, tokens only as SHA-256 hex digests.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

ACCOUNTS_ID = uuid5(NAMESPACE_URL, "credit-ledger/account-registry")
OPERATOR = "ledger-operator"  # the system user of the ledger's own command line (bootstrap, demo)
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class AccountRegistryError(Exception):
    """An account command is not allowed in the registry's current state (field names the input)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AccountRegistry(Aggregate):
    """Every account, system user and API token ever declared, with its current state."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """The registry is a singleton with a fixed id."""
        return ACCOUNTS_ID

    @event("Started")
    def __init__(self, admin_unit: str, unit_roles: list[str], operator: str) -> None:
        self.admin_unit = admin_unit
        self.unit_roles = list(unit_roles)
        self.users: dict[str, dict[str, Any]] = {operator: {"system": True, "active": True}}
        self.tokens: dict[int, dict[str, Any]] = {}

    def _stamp(self, by: str) -> dict[str, str]:
        return {"actor_unit": self.admin_unit, "actor_user": by}

    def _known(self, username: str) -> dict[str, Any]:
        if username not in self.users:
            raise AccountRegistryError("username", f"no user {username}")
        return self.users[username]

    def _check_role(self, role: str, unit: str | None) -> None:
        if role in self.unit_roles and not unit:
            raise AccountRegistryError("unit", f"a {role} account acts for a unit: name it")

    def create_user(self, by: str, *, username: str, role: str, unit: str | None, subject_id: str | None,
                    display_name: str, password_hash: str) -> None:
        """A new login account."""
        if username in self.users:
            raise AccountRegistryError("username", f"user {username} already exists")
        self._check_role(role, unit)
        _check_hash(password_hash)
        self._created(**self._stamp(by), username=username, role=role, unit=unit or None, subject_id=subject_id,
                      display_name=display_name, password_hash=password_hash)

    def declare_system_user(self, by: str, *, username: str, units: list[str], purpose: str) -> None:
        """A system user (no login) that acts for the named units, e.g. a scheduled sweep or demo actor."""
        if username in self.users:
            raise AccountRegistryError("username", f"user {username} already exists")
        if not units or not purpose.strip():
            raise AccountRegistryError("units" if not units else "purpose", "name the units and the purpose")
        self._declared(**self._stamp(by), username=username, units=sorted(units), purpose=purpose.strip())

    def grant_role(self, by: str, *, username: str, role: str, unit: str | None) -> None:
        """Give a login account a (new) role and unit."""
        if self._known(username).get("system"):
            raise AccountRegistryError("username", f"{username} is a system user, not a login account")
        self._check_role(role, unit)
        self._granted(**self._stamp(by), username=username, role=role, unit=unit or None)

    def change_password(self, by: str, *, username: str, password_hash: str) -> None:
        """Replace a login account's password hash."""
        if self._known(username).get("system"):
            raise AccountRegistryError("username", f"{username} is a system user and has no password")
        _check_hash(password_hash)
        self._password(**self._stamp(by), username=username, password_hash=password_hash)

    def set_active(self, by: str, *, username: str, active: bool) -> bool:
        """Deactivate or reactivate a user; False when it already was so (nothing recorded)."""
        if self._known(username)["active"] == active:
            return False
        change = self._reactivated if active else self._deactivated
        change(**self._stamp(by), username=username)
        return True

    def issue_token(self, by: str, *, username: str, token_hash: str, label: str) -> int:
        """Record a new API token of an active login account; its id."""
        user = self._known(username)
        if user.get("system") or not user["active"]:
            raise AccountRegistryError("username", f"no active login account {username}")
        if not _SHA256_HEX.match(token_hash):
            raise AccountRegistryError("token_hash", "a token is recorded as its SHA-256 (64 hex digits)")
        token_id = len(self.tokens) + 1
        self._issued(**self._stamp(by), token_id=token_id, username=username, token_hash=token_hash, label=label)
        return token_id

    def revoke_token(self, by: str, *, token_id: int) -> None:
        """Revoke one API token."""
        token = self.tokens.get(token_id)
        if token is None or not token["active"]:
            raise AccountRegistryError("token_id", f"no active token {token_id}")
        self._revoked(**self._stamp(by), token_id=token_id, username=token["username"])

    def active_tokens(self, username: str) -> list[int]:
        """The ids of a user's active tokens."""
        return [i for i, t in self.tokens.items() if t["username"] == username and t["active"]]

    @event("UserCreated")
    def _created(self, actor_unit: str, actor_user: str, username: str, role: str, unit: str | None,
                 subject_id: str | None, display_name: str, password_hash: str) -> None:
        self.users[username] = {"system": False, "active": True}

    @event("SystemUserDeclared")
    def _declared(self, actor_unit: str, actor_user: str, username: str, units: list[str], purpose: str) -> None:
        self.users[username] = {"system": True, "active": True}

    @event("RoleGranted")
    def _granted(self, actor_unit: str, actor_user: str, username: str, role: str, unit: str | None) -> None:
        pass

    @event("PasswordChanged")
    def _password(self, actor_unit: str, actor_user: str, username: str, password_hash: str) -> None:
        pass

    @event("Deactivated")
    def _deactivated(self, actor_unit: str, actor_user: str, username: str) -> None:
        self.users[username]["active"] = False

    @event("Reactivated")
    def _reactivated(self, actor_unit: str, actor_user: str, username: str) -> None:
        self.users[username]["active"] = True

    @event("TokenIssued")
    def _issued(self, actor_unit: str, actor_user: str, token_id: int, username: str, token_hash: str,
                label: str) -> None:
        self.tokens[token_id] = {"username": username, "active": True}

    @event("TokenRevoked")
    def _revoked(self, actor_unit: str, actor_user: str, token_id: int, username: str) -> None:
        self.tokens[token_id]["active"] = False


def _check_hash(password_hash: str) -> None:
    if not password_hash.startswith("$argon2"):
        raise AccountRegistryError("password", "passwords are recorded only as argon2 hashes")
