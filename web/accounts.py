"""Accounts of the web service: users (argon2 password hashes) and API tokens (SHA-256 hashes) as signed events
of the ledger's account registry; the `web_users` / `web_api_tokens` tables are only a projection of them.

Logins and token checks read the registry's verified fold (ledger/account_ledger.py), never the tables: a row
inserted, deleted or changed by hand in SQL grants nothing (and the next change or start rewrites the tables).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (Boolean, Column, DateTime, Engine, ForeignKey, Integer, MetaData, String, Table, delete, insert,
                        select, text)

from domain.errors import RuleViolation
from ledger.account_ledger import AccountLedger
from ledger.accountbook import Account, AccountBook, Token
from ledger.accounts_registry import OPERATOR, AccountRegistry, AccountRegistryError
from ledger.app import LedgerApplication
from web.roles import ACCOUNT_ROLES, SUBJECT, UNIT_ROLES

T = TypeVar("T")
metadata = MetaData()

users = Table(
    "web_users", metadata,
    Column("username", String(40), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(32), nullable=False),
    Column("unit", String(64)),
    Column("subject_id", String(36)),
    Column("display_name", String(100), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

api_tokens = Table(
    "web_api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("username", String(40), ForeignKey("web_users.username"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "clt_"
RULE = "HA-5.2"  # query permissions and procedures are defined: who may read and act is an account's role
ADMIN_UNIT = "ledger-admin"  # the unit whose key signs every account change (named by the registry's genesis)
_hasher = PasswordHasher()
# Compared against when the user does not exist, so a login takes the same time either way.
_DUMMY_HASH = _hasher.hash("not-a-password")


@dataclass(frozen=True)
class User:
    """A stored account (never carries the password hash out of this module)."""

    username: str
    role: str
    unit: str | None
    subject_id: UUID | None
    display_name: str
    active: bool


def ensure_tables(engine: Engine) -> None:
    """Create the account tables if missing; on PostgreSQL under an advisory lock, so workers never race."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7324001)"))
        metadata.create_all(conn, checkfirst=True)


def hash_token(token: str) -> str:
    """SHA-256 of a token: tokens are 256-bit random, so a fast hash is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def _user(account: Account) -> User:
    subject = account.subject_id
    return User(account.username, account.role or "", account.unit, UUID(subject) if subject else None,
                account.display_name, account.active)


def start_account_registry(ledger: LedgerApplication) -> bool:
    """Write the account registry's genesis (root-signed: admin unit, the roles that act for a unit, the operator)
    unless the ledger has one; True when written."""
    return AccountLedger(ledger).start(ADMIN_UNIT, UNIT_ROLES)


def check_account(username: str, password: str, role: str, unit: str | None, subject_id: UUID | None) -> None:
    """Refuse an account that could not work: bad name, short password, unknown role, missing unit or subject."""
    if not USERNAME.match(username or ""):
        raise RuleViolation(RULE, "username", "2-40 characters: lower-case letters, digits, '_', '.', '-'")
    if len(password or "") < MIN_PASSWORD:
        raise RuleViolation(RULE, "password", f"at least {MIN_PASSWORD} characters")
    if role not in ACCOUNT_ROLES:
        raise RuleViolation(RULE, "role", f"role {role!r} is not one of {', '.join(ACCOUNT_ROLES)}")
    if role in UNIT_ROLES and not unit:
        raise RuleViolation(RULE, "unit", f"a {role} account acts for a unit: name it")
    if role == SUBJECT and subject_id is None:
        raise RuleViolation(RULE, "subject_id", "a subject account needs the subject id it may read")
    if role != SUBJECT and subject_id is not None:
        raise RuleViolation(RULE, "subject_id", "only subject accounts are tied to a subject")


class AccountStore:
    """Users and API tokens: commands are registry events signed by the admin unit; reads are the registry's fold."""

    def __init__(self, engine: Engine, ledger: LedgerApplication) -> None:
        self.engine = engine
        self.registry = AccountLedger(ledger)

    def book(self) -> AccountBook:
        """The verified account history (re-read when the registry has a new event)."""
        return self.registry.book()

    def _change(self, by: str, command: Callable[[AccountRegistry], T]) -> T:
        """Store a registry command signed by the admin unit, then rewrite the projection tables."""
        book = self.book()
        if not book.started:
            start_account_registry(self.registry.app)
            book = self.book()
        if book.admin_unit not in book.units_of(book.accounts.get(by)):
            raise RuleViolation(RULE, "actor_user", f"{by} does not act for {book.admin_unit}, the unit that "
                                                    "administers accounts")
        try:
            result = self.registry.change(command)
        except AccountRegistryError as exc:
            raise RuleViolation(RULE, exc.field, str(exc)) from None
        self.sync()
        return result

    def add_user(self, username: str, password: str, role: str, *, unit: str | None = None,
                 subject_id: UUID | None = None, display_name: str = "", by: str = OPERATOR) -> User:
        """Record a new account; RuleViolation (naming the field) when it is malformed or taken."""
        check_account(username, password, role, unit, subject_id)
        digest = _hasher.hash(password)
        self._change(by, lambda r: r.create_user(by, username=username, role=role, unit=unit or None,
                                                 subject_id=str(subject_id) if subject_id else None,
                                                 display_name=display_name or username, password_hash=digest))
        return self.get(username)  # type: ignore[return-value]

    def grant_role(self, username: str, role: str, unit: str | None, by: str = OPERATOR) -> None:
        """Give an account a new role and unit (rights for the old unit end at this position)."""
        if role not in ACCOUNT_ROLES:
            raise RuleViolation(RULE, "role", f"role {role!r} is not one of {', '.join(ACCOUNT_ROLES)}")
        current = self.get(username)
        if SUBJECT in (role, current.role if current else None):
            raise RuleViolation(RULE, "role", "a subject account is tied to its subject: create a new account")
        self._change(by, lambda r: r.grant_role(by, username=username, role=role, unit=unit or None))

    def set_password(self, username: str, password: str, by: str = OPERATOR) -> None:
        """Replace a user's password (a new argon2 hash in the registry)."""
        if len(password or "") < MIN_PASSWORD:
            raise RuleViolation(RULE, "password", f"at least {MIN_PASSWORD} characters")
        digest = _hasher.hash(password)
        self._change(by, lambda r: r.change_password(by, username=username, password_hash=digest))

    def set_active(self, username: str, active: bool, by: str = OPERATOR) -> None:
        """Enable or disable an account (accounts are never deleted: the ledger names their users)."""
        self._change(by, lambda r: r.set_active(by, username=username, active=active))

    def get(self, username: str) -> User | None:
        """The login account, or None (system users are not logins)."""
        account = self.book().accounts.get(username)
        return _user(account) if account is not None and not account.system else None

    def all(self) -> list[User]:
        """Every login account, by name."""
        return [_user(a) for a in self.book().logins()]

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user whose password matches, else None (same work whether or not the user exists)."""
        account = self.book().accounts.get(username)
        stored = account.password_hash if account is not None and account.password_hash else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(account) if account is not None and account.active and not account.system else None

    def issue_token(self, username: str, label: str, by: str = OPERATOR) -> str:
        """A new API token acting as `username`; only its hash is recorded, the token is shown once."""
        user = self.get(username)
        if user is None or not user.active:
            raise RuleViolation(RULE, "username", f"no active user {username}")
        if not (label or "").strip():
            raise RuleViolation(RULE, "label", "name what the token is for (e.g. the department's system)")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._change(by, lambda r: r.issue_token(by, username=username, token_hash=hash_token(token),
                                                 label=label.strip()))
        return token

    def revoke_token(self, token_id: int, by: str = OPERATOR) -> None:
        """Revoke one API token by its id."""
        self._change(by, lambda r: r.revoke_token(by, token_id=token_id))

    def revoke_tokens(self, username: str, by: str = OPERATOR) -> int:
        """Revoke every active token of a user (one save); the number revoked."""
        def revoke(registry: AccountRegistry) -> int:
            ids = registry.active_tokens(username)
            for token_id in ids:
                registry.revoke_token(by, token_id=token_id)
            return len(ids)
        if not any(t.active for t in self.tokens(username)):
            return 0
        return self._change(by, revoke)

    def tokens(self, username: str | None = None) -> list[Token]:
        """Every token (or a user's), by id: id, user, label, active; never the secret."""
        return [t for _, t in sorted(self.book().tokens.items()) if username is None or t.username == username]

    def user_for_token(self, token: str) -> User | None:
        """The active user an active token acts as, else None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        book = self.book()
        found = book.token_by_hash(hash_token(token))
        account = book.accounts.get(found.username) if found is not None and found.active else None
        return _user(account) if account is not None and account.active else None

    def import_legacy_rows(self, by: str = OPERATOR) -> tuple[int, int]:
        """Record, in one save, the accounts and tokens of a database from before the registry (rows of the two
        tables the registry does not know, as they stand: argon2 and SHA-256 hashes, active or not), so that an
        operator's deliberate import is itself a signed fact; (users, tokens) imported."""
        with self.engine.connect() as conn:
            rows = list(conn.execute(select(users).order_by(users.c.username)))
            tokens = list(conn.execute(select(api_tokens).order_by(api_tokens.c.id)))
        known = self.book()
        new = [r for r in rows if r.username not in known.accounts]
        names = {r.username for r in new}
        new_tokens = [t for t in tokens if t.username in names]
        if new:
            self._change(by, lambda r: _import(r, by, new, new_tokens))
        return len(new), len(new_tokens)

    def sync(self) -> None:
        """Rewrite the projection tables from the registry's fold (for SQL readers; never read for access)."""
        book = self.book()
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7324001)"))
            conn.execute(delete(api_tokens))
            conn.execute(delete(users))
            rows = [_user_row(a, book, now) for a in book.logins()]
            if rows:
                conn.execute(insert(users), rows)
            tokens = [{"id": t.token_id, "token_hash": t.token_hash, "username": t.username, "label": t.label,
                       "active": t.active, "created_at": t.issued_at or now} for t in book.tokens.values()]
            if tokens:
                conn.execute(insert(api_tokens), tokens)


def _import(registry: AccountRegistry, by: str, rows: list[Any], tokens: list[Any]) -> None:
    """Users first, then their tokens (revoked ones revoked again), then the deactivations."""
    for row in rows:
        registry.create_user(by, username=row.username, role=row.role, unit=row.unit, subject_id=row.subject_id,
                             display_name=row.display_name, password_hash=row.password_hash)
    for token in tokens:
        token_id = registry.issue_token(by, username=token.username, token_hash=token.token_hash, label=token.label)
        if not token.active:
            registry.revoke_token(by, token_id=token_id)
    for row in rows:
        if not row.active:
            registry.set_active(by, username=row.username, active=False)


def _user_row(account: Account, book: AccountBook, now: datetime) -> dict[str, object]:
    created = book.history[account.username][0].when or now
    return {"username": account.username, "password_hash": account.password_hash, "role": account.role,
            "unit": account.unit, "subject_id": account.subject_id, "display_name": account.display_name,
            "active": account.active, "created_at": created}
