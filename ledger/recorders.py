"""Application recorders that make each event a leaf of the Merkle log in the event's own row.

These extend eventsourcing 9.5.6 through private hooks (`_insert_events` and the table statements on
SQLite, `insert_events` and `_create_table` on PostgreSQL); the version is pinned in pyproject.toml and
tests/test_ledger_backends.py exercises the hooks on both backends. Log positions are dense (0, 1, 2,
...) even where PostgreSQL notification ids have gaps; see ledger/merkle_tables.py for the layout.

An append computes its rows' hashes from the log's end as this process last committed it (`LogTip`);
if another process appended since, the hashes are recomputed from the stored rows in the same
transaction before it commits, so a row is never committed with hashes for another position.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple, Sequence
from uuid import UUID

from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg import IntegrityError as PsycopgIntegrityError
from psycopg.rows import tuple_row

from ledger.aggregate_versions import select_version_anomalies
from ledger.batch_seal import Save, seal_saves
from ledger.envelope import SealedEvent, canonical_id, log_leaf_hash
from ledger.errors import LogDamagedError, StaleKeyHistoryError
from ledger.group_commit import group_committer
from ledger.keybook import REGISTRY_TOPIC_PREFIX
from ledger.keyregistry import REGISTRY_ID
from ledger.merkle import CompactRange, Key, frontier_keys
from ledger.merkle_tables import MerkleTables, completing_position, hashes_at


REGISTRY_HEX = REGISTRY_ID.hex
LOG_COLUMNS = ("position", "notification_id", "originator_id", "originator_version", "topic", "state", "merkle")


class LogTip(NamedTuple):
    """The log's end after an append: its size, the frontier of its tree and the key registry's version.

    A NamedTuple: one is made by every save."""

    size: int
    frontier: CompactRange
    registry_version: int


def _plain_rows(cursor: Any) -> None:
    """Have `cursor` fetch plain tuples (the verifier reads every row of the log: no per-row mapping)."""
    raw = getattr(cursor, "sqlite_cursor", None)
    if raw is not None:
        raw.row_factory = None
    else:
        cursor.row_factory = tuple_row


class _CursorNodes:
    """NodeReader over an open cursor (used inside the insert transaction)."""

    def __init__(self, cursor: Any, tables: MerkleTables) -> None:
        self.cursor = cursor
        self.tables = tables

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """Fetch the rows storing the requested nodes with one statement."""
        if not keys:
            return {}
        statement, params = self.tables.select_hashes(sorted({completing_position(k) for k in keys}))
        self.cursor.execute(statement, params)
        return hashes_at(keys, [(row["position"], row["merkle"]) for row in self.cursor.fetchall()])


def _stored_frontier(reader: Any, size: int) -> CompactRange:
    """The compact range of the first `size` positions from their stored hashes, or LogDamagedError."""
    keys = frontier_keys(size)
    found = reader.nodes(keys)
    lost = [completing_position(key) for key in keys if key not in found]
    if lost:
        raise LogDamagedError(f"cannot append: the log's stored hashes at positions {lost} are missing "
                              "(run `ledger verify`)")
    return CompactRange(size, [found[key] for key in keys])


class MerkleLogMixin:
    """Merkle-log reads and writes shared by both recorders."""

    merkle: MerkleTables
    datastore: Any

    def _init_merkle(self, tables: MerkleTables) -> None:
        self.merkle = tables
        self._tip: LogTip | None = None  # read without the lock: one reference, replaced whole
        self._tip_lock = threading.Lock()

    def _read_tip(self, cursor: Any, size: int | None = None, new_registry_events: int = 0) -> LogTip:
        """The log's end as stored: at `size` (default: the whole log), the registry version before this save."""
        cursor.execute(self.merkle.select_size_and_registry_version(), (self._registry_param(),))
        row = cursor.fetchone()
        size = int(row["n"]) if size is None else size
        frontier = _stored_frontier(_CursorNodes(cursor, self.merkle), size)
        return LogTip(size, frontier, int(row["v"] or 0) - new_registry_events)

    def _hashes(self, stored_events: Sequence[StoredEvent], tip: LogTip) -> tuple[CompactRange, list[bytes]]:
        """Each new row's `merkle` value when appended after `tip`, and the frontier after them."""
        frontier, rows = self._rows(stored_events, tip)
        return frontier, [row[4] for row in rows]

    @staticmethod
    def _rows(stored_events: Sequence[StoredEvent | SealedEvent], tip: LogTip | None) -> tuple[CompactRange | None, list[tuple]]:
        """The SQLite rows (originator id, version, topic, state, merkle) of events appended after `tip` and the
        frontier after them (no tip: empty hashes, to be set once the rows' positions are known)."""
        if tip is None:
            return None, [(e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
                           e.originator_version, e.topic, e.state, b"") for e in stored_events]
        # The append's hot loop: CompactRange.append inlined (each row stores its leaf, then the hash of every
        # subtree it completes, lowest first: merkle_tables.pack_hashes' layout).
        sha256, size, frontier = hashlib.sha256, tip.size, list(tip.frontier.frontier)
        rows = []
        for e in stored_events:
            oid = e.originator_id
            hex_id = e.hex_id if type(e) is SealedEvent else (oid.hex if type(oid) is UUID else canonical_id(oid))
            node = blob = log_leaf_hash(hex_id, e.originator_version, e.topic, e.state)
            index = size
            while index & 1:
                node = sha256(b"\x01" + frontier.pop() + node).digest()
                blob += node
                index >>= 1
            frontier.append(node)
            size += 1
            rows.append((oid.hex if type(oid) is UUID else oid, e.originator_version, e.topic, e.state, blob))
        return CompactRange(size, frontier), rows

    @staticmethod
    def _registry_events(stored_events: Sequence[StoredEvent]) -> list[int]:
        # the topic test first: it is cheaper than comparing UUIDs, and every registry event has such a topic
        return [e.originator_version for e in stored_events if e.topic.startswith(REGISTRY_TOPIC_PREFIX)
                and (e.originator_id == REGISTRY_ID
                     or (isinstance(e.originator_id, str) and canonical_id(e.originator_id) == REGISTRY_HEX))]

    def _tip_after(self, frontier: CompactRange, before: int, stored_events: Sequence[StoredEvent]) -> LogTip:
        """The log's end once this transaction commits (registry version `before` unless it holds registry events)."""
        versions = self._registry_events(stored_events)
        return LogTip(frontier.size, frontier, max(versions) if versions else before)

    @staticmethod
    def _check_registry_version(known: int | None, current: int) -> None:
        """Refuse the write if the key registry changed since the signer was chosen (no revocation race)."""
        if known is not None and current != known:
            raise StaleKeyHistoryError(f"the key registry changed (version {known} -> {current}) "
                                       "while this save was being signed")

    def _promote_tip(self, tip: LogTip) -> None:
        """After a commit, remember the log's end (a rolled-back append never reaches here)."""
        with self._tip_lock:
            if self._tip is None or tip.size > self._tip.size:
                self._tip = tip

    def _registry_param(self) -> Any:
        return REGISTRY_ID.hex if self.merkle.dialect == "sqlite" else REGISTRY_ID

    def _create_merkle_tables(self, cursor: Any) -> None:
        for statement in self.merkle.ddl():
            cursor.execute(statement)

    def layout_problem(self) -> str | None:
        """Why this database cannot hold this version's log (a layout from before the log moved into the events
        table), or None."""
        t = self.merkle
        try:
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(f"SELECT {t.position('e')} AS position, e.merkle AS merkle FROM {t.events} e "
                               f"ORDER BY e.{t.notification_column} LIMIT 1")
                first = cursor.fetchone()
        except PersistenceError as exc:
            return f"the events table has no log columns ({str(exc).strip().splitlines()[0]})"
        if first is not None and (first["position"] is None or first["merkle"] is None):
            return "the events table's first row has no log position or hashes"
        return None

    def tree_size(self) -> int:
        """Number of positions in the log (one past the last stored position)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.merkle.select_size())
            return int(cursor.fetchone()["n"])

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """NodeReader: fetch stored subtree hashes in one statement."""
        with self.datastore.transaction(commit=False) as cursor:
            return _CursorNodes(cursor, self.merkle).nodes(keys)

    def frontier(self, size: int) -> CompactRange:
        """The compact range of the first `size` positions, from their stored hashes."""
        return _stored_frontier(self, size)

    def log_rows(self, start: int, end: int) -> list[dict[str, Any]]:
        """Rows at positions [start, end) in order, as dicts keyed by LOG_COLUMNS; absent positions are skipped."""
        return [dict(zip(LOG_COLUMNS, row)) for row in self.log_tuples(start, end)]

    def log_tuples(self, start: int, end: int) -> list[tuple[Any, ...]]:
        """Rows at positions [start, end) in order, as tuples in LOG_COLUMNS order (the verifier's fast path:
        plain tuples; on PostgreSQL binary results and the originator id as 32 hex digits, not a UUID object)."""
        t = self.merkle
        oid = "e.originator_id" if t.dialect == "sqlite" else "encode(uuid_send(e.originator_id), 'hex')"
        statement = (f"SELECT {t.position('e')} AS position, e.{t.notification_column} AS notification_id, {oid} AS "
                     f"originator_id, e.originator_version AS originator_version, e.topic AS topic, "
                     f"{t.state_column('e')} AS state, e.merkle AS merkle FROM {t.events} e "
                     f"WHERE {t.position_range('e')} ORDER BY {t.position_order('e')}")
        with self.datastore.transaction(commit=False) as cursor:
            _plain_rows(cursor)
            if t.dialect == "sqlite":
                cursor.execute(statement, (start, end))
            else:
                # Rows come in position order from the position index; without statistics (a new or restored
                # database not yet analysed) the planner would fetch them as a bitmap and sort them, twice the work.
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute(statement, (start, end), binary=True)
            return cursor.fetchall()

    def aggregate_rows(self, originator_id: UUID) -> list[Mapping[str, Any]]:
        """One aggregate's stored events with their log positions, by version."""
        t = self.merkle
        param: Any = originator_id.hex if t.dialect == "sqlite" else originator_id
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT {t.position('e')} AS position, e.originator_id AS originator_id, e.originator_version "
                f"AS originator_version, e.topic AS topic, {t.state_column('e')} AS state FROM {t.events} e "
                f"WHERE e.originator_id = {t.mark} ORDER BY e.originator_version", (param,))
            return [dict(row) for row in cursor.fetchall()]

    def positions_of(self, first: int, last: int) -> dict[int, int]:
        """Log position of each stored notification id in [first, last]."""
        t = self.merkle
        with self.datastore.transaction(commit=False) as cursor:
            n = f"e.{t.notification_column}"
            cursor.execute(f"SELECT {n} AS nid, {t.position('e')} AS position FROM {t.events} e "
                           f"WHERE {n} >= {t.mark} AND {n} <= {t.mark}", (first, last))
            return {int(r["nid"]): int(r["position"]) for r in cursor.fetchall() if r["position"] is not None}

    def row_counts(self) -> tuple[int, int]:
        """Rows in the events table, and how many of them lack a log position or hashes (one scan)."""
        t = self.merkle
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN {t.position('e')} IS NULL OR e.merkle IS NULL "
                           f"THEN 1 ELSE 0 END), 0) AS unlogged FROM {t.events} e")
            row = cursor.fetchone()
            return int(row["n"]), int(row["unlogged"])

    def version_anomalies(self, limit: int = 20) -> list[Mapping[str, Any]]:
        """Aggregates whose stored versions are not exactly 1..n, with their rows (see ledger/aggregate_versions)."""
        with self.datastore.transaction(commit=False) as cursor:
            return select_version_anomalies(cursor, self.merkle, limit)

    def unlogged_events(self, limit: int = 20) -> list[Mapping[str, Any]]:
        """Stored events without a log position or without stored hashes (should never exist)."""
        t = self.merkle
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT e.{t.notification_column} AS notification_id, e.originator_id AS originator_id, "
                f"e.originator_version AS originator_version FROM {t.events} e "
                f"WHERE {t.position('e')} IS NULL OR e.merkle IS NULL "
                f"ORDER BY e.{t.notification_column} LIMIT {int(limit)}")
            return [dict(row) for row in cursor.fetchall()]

    def insert_checkpoint(self, tree_size: int, note: str) -> None:
        """Store a signed checkpoint note (one per tree size)."""
        m = self.merkle.mark
        now = datetime.now(timezone.utc).isoformat()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"INSERT INTO {self.merkle.checkpoints} (tree_size, note, recorded_at) "
                           f"VALUES ({m}, {m}, {m})", (tree_size, note, now))

    def checkpoints(self) -> list[Mapping[str, Any]]:
        """Every stored checkpoint, oldest first."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT tree_size, note, recorded_at FROM {self.merkle.checkpoints} ORDER BY tree_size")
            return [dict(row) for row in cursor.fetchall()]


# sqlite3's exception classes and the library's, in the order its SQLiteTransaction tries them.
_SQLITE_ERRORS: tuple[tuple[type[sqlite3.Error], type[PersistenceError]], ...] = (
    (sqlite3.InterfaceError, InterfaceError), (sqlite3.DataError, DataError),
    (sqlite3.OperationalError, OperationalError), (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.InternalError, InternalError), (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.NotSupportedError, NotSupportedError), (sqlite3.DatabaseError, DatabaseError))


def _split(ids: Sequence[int], saves: Sequence[tuple[Sequence[StoredEvent], Any]]) -> list[Any]:
    """The ids of rows inserted for several saves at once, given back save by save (in insertion order)."""
    outcomes, start = [], 0
    for stored_events, _ in saves:
        outcomes.append(list(ids[start:start + len(stored_events)]))
        start += len(stored_events)
    return outcomes


def _save_of(stored_events: Sequence[StoredEvent], kwargs: dict[str, Any]) -> Save:
    """The save a signing event store hands over (unsealed, with its signer), or one of sealed events."""
    save = kwargs.get("save")
    return save if isinstance(save, Save) else Save(stored_events, kwargs.get("registry_version"))


def _persistence_error(exc: sqlite3.Error) -> PersistenceError:
    """The eventsourcing exception its own SQLite transaction would raise for `exc`."""
    for sqlite_class, ours in _SQLITE_ERRORS:
        if isinstance(exc, sqlite_class):
            return ours(exc)
    return PersistenceError(exc)


class MerkleSQLiteRecorder(MerkleLogMixin, SQLiteApplicationRecorder):
    """SQLite recorder: each event row carries its log hashes; position = notification id - 1."""

    seals_at_commit = True  # saves arrive unsealed with their signer (ledger/batch_seal.py)

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        self._init_merkle(MerkleTables.sqlite(events_table_name))
        super().__init__(datastore, events_table_name)
        self._group = group_committer(self._insert_batch)

    def construct_create_table_statements(self) -> list[str]:
        """The events table with the log's column, and the checkpoints table."""
        return [self.merkle.sqlite_events_ddl(), *self.merkle.ddl()]

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert events with their hashes in one transaction; remember the log's end after commit.

        Saves arriving while another is being committed are grouped into the next transaction (one commit,
        one fsync for all: ledger/group_commit.py); each save in it has its own savepoint, so a save that
        conflicts (a lost version race) is rolled back and refused alone and the others are stored.
        """
        return self._group.submit(_save_of(stored_events, kwargs))

    def _insert_batch(self, batch: Sequence[Save]) -> list[Any]:
        """The same steps as the library's `datastore.transaction(commit=True)` (the pool's writer connection,
        BEGIN, COMMIT or ROLLBACK, its exception classes) without its three nested context managers and
        cursor wrapper, which cost about as much as SQLite's own work for a one-event save."""
        saves = seal_saves(batch)
        pool = self.datastore.pool
        conn = pool.get_connection(is_writer=True)
        alone = len(saves) == 1  # no savepoint needed: the transaction is the save
        try:
            sqlite_conn = conn._sqlite_conn
            cursor = sqlite_conn.cursor()
            try:
                cursor.execute("BEGIN")
                outcomes, tip = self._append_each(cursor, saves, alone)
                sqlite_conn.commit()
            except BaseException as exc:
                sqlite_conn.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise _persistence_error(exc) from exc
                raise
            finally:
                cursor.close()
        finally:
            pool.put_connection(conn)
        if tip is not None:
            self._promote_tip(tip)
        return outcomes

    def _append_each(self, cursor: Any, saves: Sequence[tuple[Sequence[StoredEvent], int | None]],
                     alone: bool) -> tuple[list[Any], LogTip | None]:
        """Append each save after the previous one inside the open transaction; a refused save (a conflict, a
        stale key history) is rolled back to its savepoint and becomes its caller's exception."""
        tip, last = self._tip, None
        knowns = {known for _, known in saves}
        if not alone and len(knowns) == 1:  # first all in one go; if one is refused, each on its own
            cursor.execute("SAVEPOINT together")
            try:
                ids, after = self._append(cursor, [e for events, _ in saves for e in events], knowns.pop(), tip)
            except (sqlite3.Error, StaleKeyHistoryError):
                cursor.execute("ROLLBACK TO together")
            else:
                cursor.execute("RELEASE together")
                return _split(ids, saves), after
            cursor.execute("RELEASE together")
        outcomes: list[Any] = []
        for stored_events, known in saves:
            if alone:
                ids, after = self._append(cursor, stored_events, known, tip)
            else:
                cursor.execute("SAVEPOINT save")
                try:
                    ids, after = self._append(cursor, stored_events, known, tip)
                except (sqlite3.Error, StaleKeyHistoryError) as exc:
                    cursor.execute("ROLLBACK TO save")
                    cursor.execute("RELEASE save")
                    outcomes.append(_persistence_error(exc) if isinstance(exc, sqlite3.Error) else exc)
                    continue
                cursor.execute("RELEASE save")
            outcomes.append(ids)
            if after is not None:
                tip = last = after
        return outcomes, last

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        raise NotImplementedError("events are appended to the Merkle log only through insert_events")

    def _append(self, c: Any, stored_events: Sequence[StoredEvent], known: int | None,
                tip: LogTip | None) -> tuple[list[int], LogTip | None]:
        """Insert the rows with their hashes inside the open transaction, after `tip` (the log's end as this
        process knows it; checked below); their ids and the log's end after them."""
        if not stored_events:
            return [], None
        frontier, rows = self._rows(stored_events, tip)
        # One prepared statement per row (executemany): measured faster than one multi-row VALUES statement.
        # The rows get consecutive keys ending at the last one's (no other writer inside this transaction); the
        # last row goes in on its own, for its key (executemany leaves lastrowid unset).
        statement = self.merkle.sqlite_insert()
        if len(rows) > 1:
            c.executemany(statement, rows[:-1])
        c.execute(statement, rows[-1])
        last = c.lastrowid
        ids = list(range(last - len(rows) + 1, last + 1))
        position = ids[0] - 1
        if tip is None or tip.size != position:
            # Another process appended since this one's last save (or this is its first): the rows' hashes are
            # recomputed from the stored log while this transaction holds the write lock.
            tip = self._read_tip(c, position, len(self._registry_events(stored_events)))
            frontier, blobs = self._hashes(stored_events, tip)
            c.executemany(self.merkle.sqlite_set_hashes(), list(zip(blobs, ids)))
        self._check_registry_version(known, tip.registry_version)
        assert frontier is not None
        return ids, self._tip_after(frontier, tip.registry_version, stored_events)


class MerklePostgresRecorder(MerkleLogMixin, PostgresApplicationRecorder):
    """PostgreSQL recorder: positions and hashes are set under the events table's EXCLUSIVE lock.

    `insert_events` is re-implemented because the library's version catches exceptions raised inside
    its transaction block and re-raises them after the block, which would COMMIT events whose log
    columns failed to be written. Here any exception rolls the whole transaction back.
    """

    seals_at_commit = True  # saves arrive unsealed with their signer (ledger/batch_seal.py)

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._init_merkle(MerkleTables.postgres(datastore.schema, events_table_name))
        self._group = group_committer(self._insert_batch)

    def _create_table(self, curs: Any) -> None:
        super()._create_table(curs)
        self._create_merkle_tables(curs)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Lock, then insert the events with positions and hashes in one guarded statement; all or nothing.

        Saves arriving while another is being committed are grouped into the next transaction (one lock, one
        commit for all: ledger/group_commit.py), each under its own savepoint so that a conflicting save is
        refused alone. In the common case (one save, no other writer since this process's last append) that
        is one round trip before the commit, as for the library's own insert.
        """
        if not stored_events:
            return []
        return self._group.submit(_save_of(stored_events, kwargs))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_batch(self, batch: Sequence[Save]) -> list[Any]:
        saves: Sequence[tuple[Sequence[StoredEvent], int | None]] = seal_saves(batch)
        outcomes: list[Any] = []
        last = None
        with self.datastore.get_connection() as conn, conn.pipeline() as pipe, conn.transaction(), \
                conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            tip = self._tip
            together = self._insert_together(conn, curs, pipe, saves, tip) if len(saves) > 1 else None
            if together is not None:
                outcomes, last = together
                saves = ()  # all stored by one statement
            for stored_events, known in saves:
                if len(saves) == 1:
                    ids, tip = self._insert_one(curs, pipe, stored_events, tip, known)
                else:
                    try:
                        with conn.transaction():  # a savepoint: a refused save is rolled back alone
                            ids, after = self._insert_one(curs, pipe, stored_events, tip, known)
                    except (IntegrityError, StaleKeyHistoryError, PsycopgIntegrityError) as exc:
                        outcomes.append(IntegrityError(str(exc)) if isinstance(exc, PsycopgIntegrityError) else exc)
                        continue
                    tip = after
                outcomes.append(ids)
                last = tip
        if last is not None:
            self._promote_tip(last)
        return outcomes

    def _insert_together(self, conn: Any, curs: Any, pipe: Any, saves: Sequence[tuple[Sequence[StoredEvent], int | None]],
                         tip: LogTip | None) -> tuple[list[Any], LogTip] | None:
        """Every save of the batch in ONE guarded statement (one round trip); None, with nothing stored, when one
        of them is refused (then each goes on its own, so only that one fails) or they were signed under
        different key-registry versions."""
        knowns = {known for _, known in saves}
        if len(knowns) != 1:
            return None
        everything = [event for stored_events, _ in saves for event in stored_events]
        try:
            with conn.transaction():
                ids, after = self._insert_one(curs, pipe, everything, tip, knowns.pop())
        except (IntegrityError, StaleKeyHistoryError, PsycopgIntegrityError):
            return None
        return _split(sorted(ids), saves), after

    def _insert_one(self, curs: Any, pipe: Any, stored_events: Sequence[StoredEvent], tip: LogTip | None,
                    known: int | None) -> tuple[list[int], LogTip]:
        """One save's guarded insert after `tip`, re-reading the log's end once if another process moved it."""
        ids, after = self._guarded_insert(curs, pipe, stored_events, tip, known) if tip is not None else ([], None)
        if not ids:
            pipe.sync()
            tip = self._read_tip(curs)
            self._check_registry_version(known, tip.registry_version)
            ids, after = self._guarded_insert(curs, pipe, stored_events, tip, known)
            if not ids:
                raise ProgrammingError("the log's end moved while the events table was locked")
        assert after is not None
        return ids, after

    def _guarded_insert(self, curs: Any, pipe: Any, stored_events: Sequence[StoredEvent], tip: LogTip,
                        known: int | None) -> tuple[list[int], LogTip | None]:
        """Insert after `tip` if it is still the log's end (and the registry still at `known`); else nothing.
        The rows' ids and the log's end after them."""
        frontier, blobs = self._hashes(stored_events, tip)
        columns: list[Any] = [
            [e.originator_id if isinstance(e.originator_id, UUID) else UUID(str(e.originator_id)) for e in stored_events],
            [e.originator_version for e in stored_events], [e.topic for e in stored_events],
            [e.state for e in stored_events], list(range(tip.size, tip.size + len(stored_events))), blobs, tip.size - 1]
        if known is not None:
            columns += [REGISTRY_ID, known]
        curs.execute(self.merkle.postgres_insert(check_registry=known is not None), columns)
        pipe.sync()
        ids = [int(row["notification_id"]) for row in curs.fetchall()]
        if not ids:
            return [], None
        return ids, self._tip_after(frontier, tip.registry_version if known is None else known, stored_events)
