"""Server-side sessions (HA-5.2): the cookie carries only a random id; the data lives in `web_sessions`.

A row is keyed by the SHA-256 of the cookie's id (a database reader cannot replay a session from the table).
Logging in rotates the id, logging out deletes the row, and `web/permissions.py` ends a session at the first
request after its user's password changed or the account was deactivated (`credential_epoch`, read from the
account registry, so a change made by another process takes effect too).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Request, Response
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, Text, delete, insert, select, text
from werkzeug.datastructures import CallbackDict

from ledger.accountbook import AccountBook

metadata = MetaData()
sessions = Table(
    "web_sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
# Registry events after which a user's existing sessions no longer hold (Reactivated follows a Deactivated).
SESSION_ENDING = frozenset({"PasswordChanged", "Deactivated"})
EPOCH_KEY = "credential_epoch"
_serializer = TaggedJSONSerializer()  # what Flask's cookie sessions use: tuples, datetimes, Markup survive


def credential_epoch(book: AccountBook, username: str) -> int:
    """How many session-ending registry events the user has had: a session holds only while this is unchanged."""
    return sum(1 for change in book.history.get(username, ()) if change.kind in SESSION_ENDING)


def ensure_tables(engine: Engine) -> None:
    """Create the session table if missing (under the account tables' advisory lock on PostgreSQL)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7324001)"))
        metadata.create_all(conn, checkfirst=True)


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):  # type: ignore[misc,type-arg]
    """The session's data; `sid` is None until first saved; `rotate()` asks for a new id at the next save."""

    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def changed(_: Any) -> None:
            self.modified = True
        super().__init__(data or {}, changed)
        self.sid = sid
        self.modified = False
        self.rotated = False

    def rotate(self) -> None:
        """Drop the old id (its row is deleted at save) and issue a new one: no session fixation."""
        self.rotated = True
        self.modified = True


class TableSessionInterface(SessionInterface):
    """Flask sessions stored in the ledger's database (SQLite or PostgreSQL) through SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The stored session of the cookie's id, or a new empty one (unknown or expired id)."""
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid:
            return ServerSession()
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.data, sessions.c.expires_at)
                               .where(sessions.c.id_hash == _digest(sid))).first()
        if row is None or _aware(row.expires_at) <= datetime.now(timezone.utc):
            return ServerSession()
        return ServerSession(_serializer.loads(row.data), sid)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write a modified session (new id when rotated), delete an emptied one, and set or clear the cookie."""
        assert isinstance(session, ServerSession)
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if not session.modified:
            return
        if session.sid and (session.rotated or not session):
            self.revoke(session.sid)
            session.sid = None
        if not session:
            response.delete_cookie(name, domain=domain, path=path, secure=self.get_cookie_secure(app),
                                   httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app))
            return
        self._store(app, session)
        response.set_cookie(name, session.sid or "", expires=self.get_expiration_time(app, session),
                            httponly=self.get_cookie_httponly(app), domain=domain, path=path,
                            secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")

    def _store(self, app: Flask, session: ServerSession) -> None:
        data = _serializer.dumps(dict(session))
        with self.engine.begin() as conn:
            if session.sid:
                done = conn.execute(sessions.update().where(sessions.c.id_hash == _digest(session.sid))
                                    .values(data=data)).rowcount
                if done:
                    return
            session.sid = secrets.token_urlsafe(32)
            expires = datetime.now(timezone.utc) + app.permanent_session_lifetime
            conn.execute(insert(sessions).values(id_hash=_digest(session.sid), data=data, expires_at=expires))

    def revoke(self, sid: str) -> None:
        """Delete one session's row: its cookie no longer opens anything."""
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_hash == _digest(sid)))

    def purge_expired(self) -> int:
        """Delete every expired session; the number deleted."""
        with self.engine.begin() as conn:
            return conn.execute(delete(sessions).where(sessions.c.expires_at <= datetime.now(timezone.utc))).rowcount


def _aware(moment: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def install(app: Flask, engine: Engine) -> TableSessionInterface:
    """Create the table and make it the app's session store."""
    ensure_tables(engine)
    app.session_interface = interface = TableSessionInterface(engine)
    return interface

