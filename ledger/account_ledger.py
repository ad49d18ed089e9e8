"""The account registry in a running ledger: start it, change it (signed by the admin unit), read its verified fold.

Logins and token checks read the fold (AccountBook) of the signed registry events, re-read only when the
registry has a new event; never a SQL table, so a row written or deleted by hand grants nothing.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, TypeVar
from uuid import UUID

from eventsourcing.persistence import RecordConflictError, StoredEvent

from ledger.accountbook import AccountBook
from ledger.accounts_registry import ACCOUNTS_ID, OPERATOR, AccountRegistry, AccountRegistryError
from ledger.app import LedgerApplication
from ledger.envelope import unpack
from ledger.errors import LedgerError, SignatureInvalidError

T = TypeVar("T")


class ActorNotAllowedError(LedgerError):
    """The named user holds no right to act for the unit in the account registry (HA-5.2)."""


class AccountLedger:
    """Account registry commands and the verified, cached account book of one ledger application."""

    def __init__(self, app: LedgerApplication) -> None:
        self.app = app
        self._book: AccountBook | None = None
        self._version = -1

    def version(self) -> int:
        """The registry's last event version (0 when it has not started)."""
        last = self.app.recorder.select_events(ACCOUNTS_ID, desc=True, limit=1)
        return last[0].originator_version if last else 0

    def book(self) -> AccountBook:
        """The account book, re-read (every event verified) when the registry has changed."""
        version = self.version()
        if self._book is None or version != self._version:
            self._book, self._version = read_book(self.app), version
        return self._book

    def start(self, admin_unit: str, unit_roles: Iterable[str], operator: str = OPERATOR) -> bool:
        """Write the registry's genesis (signed by the root key) unless it exists; True when written."""
        if self.app.exists(ACCOUNTS_ID):
            return False
        self.app.save_as_root(AccountRegistry(admin_unit, sorted(unit_roles), operator))
        return True

    def change(self, command: Callable[[AccountRegistry], T]) -> T:
        """Run a command on the registry and store its events signed by the admin unit (its key is registered
        by the root first if it has none); AccountRegistryError before anything is written. When another
        process changed the registry meanwhile, the command runs once more on the registry as it now is."""
        for attempt in (1, 2):
            try:
                registry: AccountRegistry = self.app.get(ACCOUNTS_ID)
            except KeyError:
                raise AccountRegistryError("registry", "the account registry has not been started") from None
            result = command(registry)
            self.app.refresh_keys()
            if self.app.keybook.active_for(registry.admin_unit) is None:
                self.app.register_key(registry.admin_unit)
            try:
                self.app.save_as(registry.admin_unit, registry)
                return result
            except RecordConflictError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def require_actor(self, unit: str, user: str) -> None:
        """ActorNotAllowedError unless `user` may act for `unit` now (checked before a command-line read or export
        records its signed AccessRecord, so nothing is stored that `verify` would report); no check on a ledger
        without the account registry."""
        book = self.book()
        if not book.started:
            return
        decision = book.decide_at_position(user, unit, self.app.log.tree_size() + 1)
        if not decision.allowed:
            raise ActorNotAllowedError(f"HA-5.2 [user]: {decision.reason} (add the user "
                                       "with `ledger users add`, or declare it with `ledger users system`)")

    def declare_system_users(self, users: Mapping[str, Iterable[str]], purpose: str, by: str = OPERATOR) -> int:
        """Declare the system users not yet in the registry (user -> units), in one save; how many were new."""
        def declare(registry: AccountRegistry) -> int:
            new = [name for name in sorted(users) if name not in registry.users]
            for name in new:
                registry.declare_system_user(by, username=name, units=sorted(users[name]), purpose=purpose)
            return len(new)
        return self.change(declare)


def read_book(app: LedgerApplication) -> AccountBook:
    """Fold the registry's events, each verified on read (signature, key validity), with its log position;
    SignatureInvalidError when an event is not signed as it must be (genesis by the root, others by the admin
    unit): a damaged registry refuses every login rather than guessing."""
    book = AccountBook()
    app.refresh_keys()
    for row in app.log.aggregate_rows(ACCOUNTS_ID):
        state = bytes(row["state"])
        stored = StoredEvent(UUID(str(row["originator_id"])), int(row["originator_version"]), row["topic"], state)
        event = app.mapper.to_domain_event(stored)
        kind = row["topic"].rsplit(".", 1)[1]
        signer = app.key_record(unpack(state).key_id, row["topic"])
        expected = app.keybook.root_key_id if kind == "Started" else None
        if (expected and signer.key_id != expected) or (not expected and signer.unit != book.admin_unit):
            raise SignatureInvalidError(f"account registry event v{stored.originator_version} ({kind}) is signed by "
                                        f"{signer.key_id}, not by {'the root key' if expected else book.admin_unit}")
        book.apply(kind, _fields(event), int(row["position"]))
    return book


def _fields(event: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(event).items() if not k.startswith("_")}
