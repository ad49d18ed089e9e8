"""Application recorders that append each event's Merkle leaf in the event's own transaction.

These extend eventsourcing 9.5.6 through private hooks (`_insert_events` on SQLite,
`_fetch_ids_after_insert_events` on PostgreSQL, `_create_table` on both); the version is pinned in
pyproject.toml and tests/test_ledger_backends.py exercises the hooks on both backends.
Leaf positions are dense (0, 1, 2, ...) even where PostgreSQL notification ids have gaps.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.utils import retry

from ledger.envelope import canonical_id, leaf_data
from ledger.errors import StaleKeyHistoryError
from ledger.keyregistry import REGISTRY_ID
from ledger.merkle import CompactRange, Key, leaf_hash
from ledger.merkle_tables import MerkleTables, node_params, rows_to_nodes


class _CursorNodes:
    """NodeReader over an open cursor (used inside the insert transaction)."""

    def __init__(self, cursor: Any, tables: MerkleTables) -> None:
        self.cursor = cursor
        self.tables = tables

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """Fetch the requested nodes with one statement."""
        if not keys:
            return {}
        self.cursor.execute(self.tables.select_nodes(len(keys)), node_params(keys))
        return rows_to_nodes(self.cursor.fetchall())


class MerkleLogMixin:
    """Merkle-log reads and writes shared by both recorders."""

    merkle: MerkleTables
    datastore: Any

    def _init_merkle(self, tables: MerkleTables) -> None:
        self.merkle = tables
        self._frontier_cache: CompactRange | None = None
        self._cache_lock = threading.Lock()
        self._pending = threading.local()

    def _append_leaves(self, cursor: Any, stored_events: Sequence[StoredEvent], ids: Sequence[int],
                       registry_version: int | None = None, size_row: Mapping[str, Any] | None = None) -> None:
        """Give each new event the next dense position and store every completed subtree hash.

        `size_row` is the leaf count and registry version read after the events' insert in this same
        transaction (PostgreSQL reads it in the insert's round trip); without it they are read here.
        """
        if size_row is None:
            cursor.execute(self.merkle.select_size_and_registry_version(), (self._registry_param(),))
            size_row = cursor.fetchone()
        size = int(size_row["n"])
        if registry_version is not None:
            self._check_registry_version(stored_events, registry_version, int(size_row["v"] or 0))
        frontier = self._frontier_at(cursor, size)
        leaves, nodes = [], []
        for position, (event, notification_id) in enumerate(zip(stored_events, ids, strict=True), start=size):
            data = leaf_data(event.originator_id, event.originator_version, event.topic, event.state)
            leaves.append((position, notification_id))
            nodes.extend(frontier.append(leaf_hash(data)))
        if self.merkle.dialect == "postgres":
            # One statement per table: executemany sends a statement per row, each executed on its own by
            # the server (a save of ten events wrote ~30 rows, which cost more than the events' own insert).
            cursor.execute(self.merkle.insert_leaves_bulk(), [list(column) for column in zip(*leaves)])
            cursor.execute(self.merkle.insert_nodes_bulk(), [list(column) for column in zip(*nodes)])
        else:
            cursor.executemany(self.merkle.insert_leaf(), leaves)
            cursor.executemany(self.merkle.insert_node(), nodes)
        self._pending.frontier = frontier

    def _frontier_at(self, cursor: Any, size: int) -> CompactRange:
        """The frontier at `size`: from this process's last committed append if still current."""
        with self._cache_lock:
            cached = self._frontier_cache
        if cached is not None and cached.size == size:
            return CompactRange(size, cached.frontier)
        return CompactRange.from_frontier(size, _CursorNodes(cursor, self.merkle))

    def _promote_frontier(self) -> None:
        """After a commit, remember its frontier (a rolled-back append never reaches here)."""
        frontier, self._pending.frontier = getattr(self._pending, "frontier", None), None
        if frontier is not None:
            with self._cache_lock:
                if self._frontier_cache is None or frontier.size > self._frontier_cache.size:
                    self._frontier_cache = frontier

    def _registry_param(self) -> Any:
        return REGISTRY_ID.hex if self.merkle.dialect == "sqlite" else REGISTRY_ID

    @staticmethod
    def _check_registry_version(stored_events: Sequence[StoredEvent], known: int, current: int) -> None:
        """Refuse the write if the key registry changed since the signer was chosen (no revocation race)."""
        new = sum(1 for e in stored_events if canonical_id(e.originator_id) == REGISTRY_ID.hex)
        if current != known + new:
            raise StaleKeyHistoryError(f"the key registry changed (version {known} -> {current - new}) "
                                       "while this save was being signed")

    def _create_merkle_tables(self, cursor: Any) -> None:
        for statement in self.merkle.ddl():
            cursor.execute(statement)

    def tree_size(self) -> int:
        """Number of leaves in the log."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.merkle.select_size())
            return int(cursor.fetchone()["n"])

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """NodeReader: fetch stored subtree hashes in one statement."""
        with self.datastore.transaction(commit=False) as cursor:
            return _CursorNodes(cursor, self.merkle).nodes(keys)

    def log_rows(self, start: int, end: int) -> list[Mapping[str, Any]]:
        """Leaves in [start, end) joined to their stored events (event columns None if missing)."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self.merkle.select_log_rows(), (start, end))
            return [dict(row) for row in cursor.fetchall()]

    def aggregate_rows(self, originator_id: UUID) -> list[Mapping[str, Any]]:
        """One aggregate's stored events with their log positions (None if unlogged), by version."""
        t = self.merkle
        param: Any = originator_id.hex if t.dialect == "sqlite" else originator_id
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT l.position AS position, e.originator_id AS originator_id, e.originator_version "
                f"AS originator_version, e.topic AS topic, {t.state_column('e')} AS state FROM {t.events} e LEFT JOIN "
                f"{t.leaves} l ON l.notification_id = e.{t.notification_column} WHERE e.originator_id = "
                f"{t.mark} ORDER BY e.originator_version", (param,))
            return [dict(row) for row in cursor.fetchall()]

    def nodes_in_spans(self, spans: Sequence[tuple[int, int, int]]) -> dict[Key, bytes]:
        """Stored nodes for (level, first idx, last idx) spans, in one statement."""
        if not spans:
            return {}
        m = self.merkle.mark
        where = " OR ".join([f"(level = {m} AND idx >= {m} AND idx <= {m})"] * len(spans))
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT level, idx, hash FROM {self.merkle.nodes} WHERE {where}",
                           [v for span in spans for v in span])
            return rows_to_nodes(cursor.fetchall())

    def count_rows(self, table: str) -> int:
        """Row count of one of the ledger's tables ('events', 'leaves', 'nodes')."""
        name = {"events": self.merkle.events, "leaves": self.merkle.leaves, "nodes": self.merkle.nodes}[table]
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT COUNT(*) AS n FROM {name}")
            return int(cursor.fetchone()["n"])

    def unlogged_events(self, limit: int = 20) -> list[Mapping[str, Any]]:
        """Stored events that have no Merkle leaf (should never exist)."""
        t = self.merkle
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT e.{t.notification_column} AS notification_id, e.originator_id AS originator_id, "
                f"e.originator_version AS originator_version FROM {t.events} e LEFT JOIN {t.leaves} l "
                f"ON l.notification_id = e.{t.notification_column} WHERE l.position IS NULL "
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


class MerkleSQLiteRecorder(MerkleLogMixin, SQLiteApplicationRecorder):
    """SQLite recorder: events and their leaves commit together."""

    def __init__(self, datastore: Any, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self._init_merkle(MerkleTables.sqlite(events_table_name))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Insert events and their leaves in one transaction; cache the frontier after commit."""
        ids = super().insert_events(stored_events, **kwargs)
        self._promote_frontier()
        return ids

    def _create_table(self, c: Any) -> None:
        super()._create_table(c)
        self._create_merkle_tables(c)

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if stored_events:
            self._append_leaves(c, stored_events, list(ids or []), kwargs.get("registry_version"))
        return ids


class MerklePostgresRecorder(MerkleLogMixin, PostgresApplicationRecorder):
    """PostgreSQL recorder: leaves are appended under the events table's EXCLUSIVE lock.

    `insert_events` is re-implemented because the library's version catches exceptions raised inside
    its transaction block and re-raises them after the block, which would COMMIT events whose leaves
    failed to be written. Here any exception rolls the whole transaction back.
    """

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._init_merkle(MerkleTables.postgres(datastore.schema, events_table_name))

    def _create_table(self, curs: Any) -> None:
        super()._create_table(curs)
        self._create_merkle_tables(curs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Lock, insert events, fetch their ids and append their leaves; all or nothing."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.pipeline() as pipe, conn.transaction(), \
                conn.cursor() as curs, conn.cursor() as size_curs:
            self._insert_stored_events(curs, stored_events)
            # Queued behind the insert (same transaction, after its lock): one round trip for both.
            size_curs.execute(self.merkle.select_size_and_registry_version(), (self._registry_param(),))
            pipe.sync()
            ids = list(self._fetch_ids_after_insert_events(curs, stored_events) or [])
            self._append_leaves(curs, stored_events, ids, kwargs.get("registry_version"), size_curs.fetchone())
        self._promote_frontier()
        return ids
