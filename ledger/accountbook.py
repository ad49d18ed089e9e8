"""The account history folded from the account registry's events: who could act for which unit, and when.

Stdlib only (shared by `verify`, the web's login and token checks, and `ledger users allowed`). Positions are
dense Merkle log positions. A user may act for a unit strictly after the position of the event that gave the
right (account created or role granted with a role that acts for a unit, system user declared, reactivated)
and up to the position of the event that ended it (role or unit changed, deactivated).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping

from ledger.keybook import event_time, plain

ACCOUNTS_TOPIC_PREFIX = "ledger.accounts_registry:AccountRegistry."


@dataclass(frozen=True)
class Account:
    """One user's state after some registry event (system users have no role and no password)."""

    username: str
    role: str | None
    unit: str | None
    subject_id: str | None
    display_name: str
    password_hash: str | None
    active: bool
    system_units: tuple[str, ...] = ()
    purpose: str = ""

    @property
    def system(self) -> bool:
        """Whether this is a declared system user (the sweep, the operator, demo actors), not a login."""
        return self.role is None


@dataclass(frozen=True)
class Change:
    """One registry event about a user: where, when, what, and the user's state after it."""

    position: int | None
    when: datetime | None
    kind: str
    by: str
    after: Account


@dataclass(frozen=True)
class Token:
    """An API token: only the SHA-256 of the secret is known."""

    token_id: int
    username: str
    token_hash: str
    label: str
    active: bool
    issued_position: int | None
    issued_at: datetime | None = None


@dataclass(frozen=True)
class Decision:
    """Whether a user could act for a unit at a point of the log, and the registry events that decide it."""

    username: str
    unit: str
    allowed: bool
    reason: str
    changes: tuple[Change, ...]


class AccountBook:
    """Every account, system user and token, built by applying the registry's events in log order."""

    def __init__(self) -> None:
        self.genesis_position: int | None = None
        self.started = False
        self.admin_unit: str | None = None
        self.unit_roles: frozenset[str] = frozenset()
        self.accounts: dict[str, Account] = {}
        self.history: dict[str, list[Change]] = {}
        self.tokens: dict[int, Token] = {}
        self._by_hash: dict[str, int] = {}
        self._windows: dict[tuple[str, str], list[list[float]]] = {}

    def apply(self, kind: str, fields: Mapping[str, Any], position: int | None) -> None:
        """Fold one registry event (kind = event class name) into the book."""
        if kind == "Started":
            self._start(fields, position)
            return
        if kind in ("TokenIssued", "TokenRevoked"):
            self._token(kind, fields, position)
            return
        name = fields["username"]
        old = self.accounts.get(name)
        new = _next_state(kind, fields, old)
        if new is not None:
            self._set(name, new, Change(position, event_time(fields), kind, str(fields.get("actor_user", "")), new))

    def _start(self, fields: Mapping[str, Any], position: int | None) -> None:
        self.started, self.genesis_position = True, position
        self.admin_unit = fields["admin_unit"]
        self.unit_roles = frozenset(plain(fields["unit_roles"]))
        operator = Account(fields["operator"], None, None, None, fields["operator"], None, True,
                           (fields["admin_unit"],), "the ledger's operator (command line)")
        self._set(operator.username, operator, Change(position, event_time(fields), "Started", "", operator))

    def _token(self, kind: str, fields: Mapping[str, Any], position: int | None) -> None:
        if kind == "TokenIssued":
            token = Token(int(fields["token_id"]), fields["username"], fields["token_hash"], fields["label"], True,
                          position, event_time(fields))
            self.tokens[token.token_id] = token
            self._by_hash[token.token_hash] = token.token_id
        elif int(fields["token_id"]) in self.tokens:
            self.tokens[int(fields["token_id"])] = replace(self.tokens[int(fields["token_id"])], active=False)
        owner = self.tokens[int(fields["token_id"])].username if int(fields["token_id"]) in self.tokens else None
        if owner in self.accounts:  # a token event is part of its user's history (acting rights unchanged)
            change = Change(position, event_time(fields), kind, str(fields.get("actor_user", "")), self.accounts[owner])
            self.history[owner].append(change)

    def _set(self, name: str, new: Account, change: Change) -> None:
        old = self.accounts.get(name)
        before, after = self.units_of(old), self.units_of(new)
        at = -1.0 if change.position is None else float(change.position)
        for unit in before - after:
            self._windows[(name, unit)][-1][1] = at
        for unit in after - before:
            self._windows.setdefault((name, unit), []).append([at, float("inf")])
        self.accounts[name] = new
        self.history.setdefault(name, []).append(change)

    def units_of(self, account: Account | None) -> frozenset[str]:
        """The units an account may act for in this state."""
        if account is None or not account.active:
            return frozenset()
        if account.system:
            return frozenset(account.system_units)
        return frozenset({account.unit}) if account.unit and account.role in self.unit_roles else frozenset()

    def allowed(self, user: str, unit: str, position: int) -> bool:
        """Whether `user` held an active account (or system declaration) acting for `unit` at `position`."""
        for low, high in self._windows.get((user, unit), ()):
            if low < position <= high:
                return True
        return False

    def byte_windows(self) -> dict[tuple[bytes, str], list[list[float]]]:
        """The acting windows ((low, high] positions) by (user name as UTF-8 bytes, unit): verify's fast path."""
        return {(user.encode("utf-8"), unit): spans for (user, unit), spans in self._windows.items()}

    def checks(self, position: int) -> bool:
        """Whether actor users are checked at this position (strictly after the registry's genesis)."""
        return self.started and self.genesis_position is not None and position > self.genesis_position

    def actor_problem(self, user: object, unit: str, position: int) -> str | None:
        """Why `user` could not act for `unit` at `position`, or None when it could (or is not checked)."""
        if not self.checks(position):
            return None
        if not isinstance(user, str):
            return f"actor_user {user!r} is not a user name"
        if self.allowed(user, unit, position):
            return None
        return self.decide_at_position(user, unit, position).reason

    def decide_at_position(self, user: str, unit: str, position: int) -> Decision:
        """The decision at log `position`, from the registry events before it."""
        changes = tuple(c for c in self.history.get(user, ()) if c.position is None or c.position < position)
        return self._decision(user, unit, changes)

    def decide_at_time(self, user: str, unit: str, when: datetime) -> Decision:
        """The decision at transaction time `when`, from the registry events stored until then."""
        changes = tuple(c for c in self.history.get(user, ()) if c.when is None or c.when <= when)
        return self._decision(user, unit, changes)

    def _decision(self, user: str, unit: str, changes: tuple[Change, ...]) -> Decision:
        state = changes[-1].after if changes else None
        if state is None:
            return Decision(user, unit, False, f"no account or system user {user} in the account registry", changes)
        if unit in self.units_of(state):
            return Decision(user, unit, True, f"{user} acts for {unit}", changes)
        if not state.active:
            return Decision(user, unit, False, f"account {user} is deactivated", changes)
        acts_for = ", ".join(sorted(self.units_of(state))) or "no unit"
        return Decision(user, unit, False, f"{user} acts for {acts_for}, not for {unit}", changes)

    def token_by_hash(self, token_hash: str) -> Token | None:
        """The token with this SHA-256, if any."""
        token_id = self._by_hash.get(token_hash)
        return None if token_id is None else self.tokens[token_id]

    def logins(self) -> list[Account]:
        """Every login account (not system users), by name."""
        return sorted((a for a in self.accounts.values() if not a.system), key=lambda a: a.username)


def _next_state(kind: str, f: Mapping[str, Any], old: Account | None) -> Account | None:
    """The user's state after a registry event, or None when the event does not apply (unknown user)."""
    if kind == "UserCreated":
        return Account(f["username"], f["role"], f.get("unit"), f.get("subject_id"), f["display_name"],
                       f["password_hash"], True)
    if kind == "SystemUserDeclared":
        return Account(f["username"], None, None, None, f["username"], None, True, tuple(plain(f["units"])),
                       f.get("purpose", ""))
    if old is None:
        return None
    if kind == "RoleGranted":
        return replace(old, role=f["role"], unit=f.get("unit"))
    if kind == "PasswordChanged":
        return replace(old, password_hash=f["password_hash"])
    if kind in ("Deactivated", "Reactivated"):
        return replace(old, active=kind == "Reactivated")
    return None
