"""Login throttling (HA-5.2) kept in the ledger's database, so every server process counts the same failures.

Failed logins are rows of `web_login_failures` keyed by the SHA-256 of "account:<name>" or "address:<ip>" (no
user name or address in clear). Every attempt is counted before the password is checked (and
taken back when it was right), so parallel guesses cannot all slip under the limit. While an account has
`ACCOUNT_LIMIT` failures in the window, or an address `ADDRESS_LIMIT`, every further login for it is refused
without checking the password, the right one included (and counts as a failure).
Flask-Limiter is not used: its storages (memory, Redis, Memcached, MongoDB) cannot live in this SQL database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, delete, func, insert, select, text

metadata = MetaData()
failures = Table(
    "web_login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key_hash", String(64), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)
WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


@dataclass(frozen=True)
class Throttled:
    """Why logins are refused for now: which key ("account" or "address") and for how many more minutes."""

    by: str
    minutes: int


@dataclass(frozen=True)
class Attempt:
    """One counted login attempt: when, and whether it is refused without checking the password."""

    at: datetime
    throttled: Throttled | None


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class LoginThrottle:
    """Counts failed logins per account and per client address in a sliding window."""

    def __init__(self, engine: Engine, window: timedelta = WINDOW, account_limit: int = ACCOUNT_LIMIT,
                 address_limit: int = ADDRESS_LIMIT) -> None:
        self.engine, self.window = engine, window
        self.limits = {"account": account_limit, "address": address_limit}
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(7324001)"))
            metadata.create_all(conn, checkfirst=True)

    def attempt(self, username: str, address: str) -> Attempt:
        """Count this login attempt as a failure first (so parallel guesses see each other), then say whether the
        account or the address is over its limit; a correct password later takes the attempt back."""
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(delete(failures).where(failures.c.at <= now - self.window))
            conn.execute(insert(failures), [{"key_hash": _key("account", username), "at": now},
                                            {"key_hash": _key("address", address), "at": now}])
        return Attempt(now, self._over(username, address, now))

    def _over(self, username: str, address: str, now: datetime) -> Throttled | None:
        with self.engine.connect() as conn:
            for kind, value in (("account", username), ("address", address)):
                count, oldest = conn.execute(
                    select(func.count(), func.min(failures.c.at))
                    .where(failures.c.key_hash == _key(kind, value), failures.c.at > now - self.window)).one()
                if count > self.limits[kind]:  # this attempt included: the limit's failures came before it
                    left = _aware(oldest) + self.window - now
                    return Throttled(kind, max(1, -(-int(left.total_seconds()) // 60)))
        return None

    def succeeded(self, username: str, address: str, attempt: Attempt) -> None:
        """A correct login clears the account's failures and takes back this attempt's count for the address
        (the address's earlier failures stay: it may be guessing other names)."""
        with self.engine.begin() as conn:
            conn.execute(delete(failures).where(failures.c.key_hash == _key("account", username)))
            conn.execute(delete(failures).where(failures.c.key_hash == _key("address", address),
                                                failures.c.at == attempt.at))


EXTENSION = "login_throttle"


def install(app: Flask, engine: Engine) -> LoginThrottle:
    """Create the table and attach the app's throttle."""
    app.extensions[EXTENSION] = throttle = LoginThrottle(engine)
    return throttle


def login_throttle() -> LoginThrottle:
    """The current app's login throttle."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]
