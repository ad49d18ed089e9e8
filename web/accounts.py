"""Accounts of the web service: users (argon2 password hashes) and API tokens (SHA-256 hashes), in SQL."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (Boolean, Column, DateTime, Engine, ForeignKey, Integer, MetaData, String, Table, insert,
                        select, text, update)

from domain.errors import RuleViolation
from web.roles import ACCOUNT_ROLES, SUBJECT, UNIT_ROLES

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


def _user(row: object) -> User:
    subject = getattr(row, "subject_id")
    return User(row.username, row.role, row.unit, UUID(subject) if subject else None,  # type: ignore[attr-defined]
                row.display_name, bool(row.active))  # type: ignore[attr-defined]


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
    """Users and API tokens in the ledger's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add_user(self, username: str, password: str, role: str, *, unit: str | None = None,
                 subject_id: UUID | None = None, display_name: str = "") -> User:
        """Store a new account; RuleViolation (naming the field) when it is malformed or taken."""
        check_account(username, password, role, unit, subject_id)
        if self.get(username) is not None:
            raise RuleViolation(RULE, "username", f"user {username} already exists")
        with self.engine.begin() as conn:
            conn.execute(insert(users).values(
                username=username, password_hash=_hasher.hash(password), role=role, unit=unit or None,
                subject_id=str(subject_id) if subject_id else None, display_name=display_name or username,
                active=True, created_at=datetime.now(timezone.utc)))
        return self.get(username)  # type: ignore[return-value]

    def set_password(self, username: str, password: str) -> None:
        """Replace a user's password."""
        if len(password or "") < MIN_PASSWORD:
            raise RuleViolation(RULE, "password", f"at least {MIN_PASSWORD} characters")
        self._update(username, password_hash=_hasher.hash(password))

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable an account (accounts are never deleted: the ledger names their users)."""
        self._update(username, active=active)

    def _update(self, username: str, **values: object) -> None:
        with self.engine.begin() as conn:
            if conn.execute(update(users).where(users.c.username == username).values(**values)).rowcount != 1:
                raise RuleViolation(RULE, "username", f"no user {username}")

    def get(self, username: str) -> User | None:
        """The account, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        return _user(row) if row else None

    def all(self) -> list[User]:
        """Every account, by name."""
        with self.engine.connect() as conn:
            return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user whose password matches, else None (same work whether or not the user exists)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return _user(row) if row is not None and row.active else None

    def issue_token(self, username: str, label: str) -> str:
        """A new API token acting as `username`; only its hash is stored, the token is shown once."""
        user = self.get(username)
        if user is None or not user.active:
            raise RuleViolation(RULE, "username", f"no active user {username}")
        if not (label or "").strip():
            raise RuleViolation(RULE, "label", "name what the token is for (e.g. the department's system)")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(insert(api_tokens).values(token_hash=hash_token(token), username=username,
                                                   label=label.strip(), active=True,
                                                   created_at=datetime.now(timezone.utc)))
        return token

    def revoke_tokens(self, username: str) -> int:
        """Deactivate every token of a user; the number revoked."""
        with self.engine.begin() as conn:
            return conn.execute(update(api_tokens).where(api_tokens.c.username == username)
                                .values(active=False)).rowcount

    def user_for_token(self, token: str) -> User | None:
        """The active user an active token acts as, else None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        query = (select(users).join(api_tokens, api_tokens.c.username == users.c.username)
                 .where(api_tokens.c.token_hash == hash_token(token), api_tokens.c.active.is_(True)))
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _user(row) if row is not None and row.active else None
