"""The witness's own database (SQLite file or PostgreSQL URL): trusted logs, cosigned state, evidence."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse, urlunparse

from ledger.config import ConfigError, backend_of, sqlite_path
from ledger.errors import LedgerError
from ledger.group_commit import GroupCommitter

try:
    from psycopg import Error as _PostgresError
except ImportError:  # pragma: no cover - psycopg is a project dependency
    _PostgresError = sqlite3.Error  # type: ignore[assignment,misc]

DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, _PostgresError)
_LEDGER_TABLES = ("stored_events", "ledger_events", "snapshots")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS witness_logs (
  origin TEXT PRIMARY KEY, key_name TEXT NOT NULL, public_key {blob} NOT NULL,
  size BIGINT NOT NULL DEFAULT 0, root {blob}, note TEXT, cosignature TEXT, updated_at TEXT);
CREATE TABLE IF NOT EXISTS witness_evidence (
  id {serial}, recorded_at TEXT NOT NULL, origin TEXT NOT NULL, old_size BIGINT NOT NULL,
  new_size BIGINT NOT NULL, root {blob} NOT NULL, note TEXT NOT NULL, reason TEXT NOT NULL)
"""


class WitnessStoreError(LedgerError):
    """The witness database is unusable (wrong URL, a ledger's database, unreachable)."""


@dataclass(frozen=True)
class TrustedLog:
    """A log this witness cosigns: its origin and the Ed25519 key (name, 32 bytes) signing its checkpoints."""

    origin: str
    key_name: str
    public_key: bytes


@dataclass(frozen=True)
class LogState:
    """The latest checkpoint cosigned for one origin (size 0 and no root before the first)."""

    size: int = 0
    root: bytes | None = None
    note: str | None = None
    cosignature: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A refused add-checkpoint request that carried a valid log signature (possible fork)."""

    recorded_at: str
    origin: str
    old_size: int
    new_size: int
    root: bytes
    note: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """What one add-checkpoint step decided: the new state to store and/or evidence to keep."""

    status: int
    message: str
    new_state: LogState | None = None
    evidence: Evidence | None = None
    conflict_size: int | None = None


def now_text() -> str:
    """The current UTC time as ISO 8601 text."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class WitnessStore:
    """Thread-safe access to a witness database; one connection per thread."""

    def __init__(self, url: str) -> None:
        try:
            self._backend = backend_of(url)
        except ConfigError as error:
            raise WitnessStoreError(str(error).replace("LEDGER_DATABASE_URL", "--db")) from None
        self._url = url
        self._local = threading.local()
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._mark = "?" if self._backend == "sqlite" else "%s"
        self._group: GroupCommitter[tuple[str, Callable[[LogState], Decision]], Decision] = GroupCommitter(
            self._advance_batch)
        self._create_tables()

    # --- connections and transactions ---------------------------------------------------------------

    def _connect(self) -> Any:
        if self._backend == "sqlite":
            return _sqlite_connect(self._url)
        return _postgres_connect(self._url)

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
        """One transaction; SQLite writers take the database lock up front (BEGIN IMMEDIATE)."""
        conn = self._conn()
        with self._dropping_broken(conn):
            conn.execute("BEGIN IMMEDIATE" if self._backend == "sqlite" and write else "BEGIN")
        try:
            yield lambda sql, params=(): self._run(conn, sql, params)
        except BaseException:
            with self._dropping_broken(conn):
                conn.execute("ROLLBACK")
            raise
        with self._dropping_broken(conn):
            conn.execute("COMMIT")  # if this fails the caller answers 503: no cosignature leaves

    @contextmanager
    def _dropping_broken(self, conn: Any) -> Iterator[None]:
        """On a database error, forget this thread's connection so that the next request reconnects."""
        try:
            yield
        except DATABASE_ERRORS:
            self._local.conn = None
            with self._lock:
                if conn in self._connections:
                    self._connections.remove(conn)
            try:
                conn.close()
            except DATABASE_ERRORS:
                pass
            raise

    def _run(self, conn: Any, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        cursor = conn.execute(sql.replace("?", self._mark), params)
        return list(cursor.fetchall()) if cursor.description else []

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def _create_tables(self) -> None:
        sqlite = self._backend == "sqlite"
        serial = "INTEGER PRIMARY KEY AUTOINCREMENT" if sqlite else "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        schema = _SCHEMA.format(blob="BLOB" if sqlite else "BYTEA", serial=serial)
        with self._transaction(write=True) as run:
            if set(_LEDGER_TABLES) & self._tables(run):
                raise WitnessStoreError("--db names a ledger's database: a witness needs its own database")
            for statement in schema.split(";"):
                run(statement)

    def _tables(self, run: Callable[..., list[tuple[Any, ...]]]) -> set[str]:
        if self._backend == "sqlite":
            rows = run("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            rows = run("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        return {row[0] for row in rows}

    # --- trusted logs -------------------------------------------------------------------------------

    def trust(self, log: TrustedLog) -> None:
        """Add a trusted log, or replace its key (its cosigned state is kept)."""
        with self._transaction(write=True) as run:
            if run("SELECT origin FROM witness_logs WHERE origin = ?", (log.origin,)):
                run("UPDATE witness_logs SET key_name = ?, public_key = ? WHERE origin = ?",
                    (log.key_name, log.public_key, log.origin))
            else:
                run("INSERT INTO witness_logs (origin, key_name, public_key) VALUES (?, ?, ?)",
                    (log.origin, log.key_name, log.public_key))

    def trusted(self, origin: str) -> TrustedLog | None:
        """The trusted log of an origin, if any."""
        rows = self._read("SELECT origin, key_name, public_key FROM witness_logs WHERE origin = ?", (origin,))
        return TrustedLog(rows[0][0], rows[0][1], bytes(rows[0][2])) if rows else None

    def logs(self) -> list[tuple[TrustedLog, LogState]]:
        """Every trusted log with its latest cosigned state, by origin."""
        rows = self._read("SELECT origin, key_name, public_key, size, root, note, cosignature "
                          "FROM witness_logs ORDER BY origin")
        return [(TrustedLog(r[0], r[1], bytes(r[2])), _state(r[3:])) for r in rows]

    def latest(self, origin: str) -> LogState | None:
        """The latest cosigned state of a trusted origin (None when the origin is unknown)."""
        rows = self._read("SELECT size, root, note, cosignature FROM witness_logs WHERE origin = ?", (origin,))
        return _state(rows[0]) if rows else None

    def evidence(self) -> list[Evidence]:
        """Every kept evidence row, oldest first."""
        rows = self._read("SELECT recorded_at, origin, old_size, new_size, root, note, reason "
                          "FROM witness_evidence ORDER BY id")
        return [Evidence(r[0], r[1], int(r[2]), int(r[3]), bytes(r[4]), r[5], r[6]) for r in rows]

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._transaction(write=False) as run:
            return run(sql, params)

    # --- the one atomic check-and-update ------------------------------------------------------------

    def advance(self, origin: str, step: Callable[[LogState], Decision]) -> Decision:
        """Lock the origin's state, let `step` decide, and store its new state and evidence in one transaction.

        Concurrent calls are grouped (`GroupCommitter`): one transaction and one durable commit for all of
        them, each deciding on the state its predecessors in the batch left; nobody is answered before it.
        """
        return self._group.submit((origin, step))

    def _advance_batch(self, steps: Sequence[tuple[str, Callable[[LogState], Decision]]]) -> list[Any]:
        """Decide every step in arrival order in ONE transaction; a step's own error fails only that step."""
        lock = "" if self._backend == "sqlite" else " FOR UPDATE"
        outcomes: list[Any] = []
        with self._transaction(write=True) as run:
            states: dict[str, LogState | None] = {}
            for origin in sorted({origin for origin, _step in steps}):  # one lock order: no deadlock
                rows = run(f"SELECT size, root, note, cosignature FROM witness_logs WHERE origin = ?{lock}", (origin,))
                states[origin] = _state(rows[0]) if rows else None
            changed: set[str] = set()
            for origin, step in steps:
                state = states[origin]
                if state is None:
                    outcomes.append(Decision(404, f"unknown origin {origin!r}"))
                    continue
                try:
                    decision = step(state)
                except Exception as error:  # noqa: BLE001 - handed to its own caller only
                    outcomes.append(error)
                    continue
                if decision.new_state is not None:
                    states[origin] = decision.new_state
                    changed.add(origin)
                if decision.evidence is not None:
                    e = decision.evidence
                    run("INSERT INTO witness_evidence (recorded_at, origin, old_size, new_size, root, note, reason) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", (e.recorded_at, e.origin, e.old_size, e.new_size, e.root,
                                                          e.note, e.reason))
                outcomes.append(decision)
            for origin in sorted(changed):
                new = states[origin]
                assert new is not None
                run("UPDATE witness_logs SET size = ?, root = ?, note = ?, cosignature = ?, updated_at = ? "
                    "WHERE origin = ?", (new.size, new.root, new.note, new.cosignature, now_text(), origin))
        return outcomes


def _state(row: tuple[Any, ...]) -> LogState:
    size, root, note, cosignature = row
    return LogState(int(size), None if root is None else bytes(root), note, cosignature)


def _sqlite_connect(url: str) -> sqlite3.Connection:
    path = sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _postgres_connect(url: str) -> Any:
    import psycopg

    parts = urlparse(url)
    schema = parse_qs(parts.query).get("schema", [""])[0]
    if schema and not schema.replace("_", "").isalnum():
        raise WitnessStoreError(f"--db: schema {schema!r} is not a plain identifier")
    conninfo = urlunparse(parts._replace(scheme="postgresql", query=""))
    options = f"-c search_path={schema}" if schema else ""
    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=5, options=options)
    except psycopg.OperationalError as error:
        raise WitnessStoreError(f"witness database unreachable: {str(error).splitlines()[0]}") from None
