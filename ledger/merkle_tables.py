"""SQL for the Merkle log kept IN the events table, on SQLite and PostgreSQL.

Each stored event row is a leaf of the log. Its log position is dense (0, 1, 2, ...):
- SQLite: the row's notification id minus one. That id is the table's rowid, declared here as an
  INTEGER PRIMARY KEY named `rowid` (the name eventsourcing reads it by) so that VACUUM never
  renumbers it; SQLite gives a new row the largest key plus one (https://sqlite.org/autoinc.html)
  and a rolled-back insert leaves no gap.
- PostgreSQL: a `position` column (unique index) set under the table's EXCLUSIVE lock, because the
  notification id sequence can have gaps.

Each row's `merkle` column holds, level by level, the hashes the leaf completes: its own leaf hash
(level 0) and the hash of every perfect aligned subtree whose last leaf it is (levels 1..k, where k
is the number of trailing one bits of the position). So every node is written with, and only with,
the event that completes it, in the same row: an append touches no page besides the event's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from ledger import witness_store
from ledger.merkle import HASH_SIZE, Key

Node = tuple[int, int, bytes]
"""(level, index, hash) of a stored subtree hash."""


@dataclass(frozen=True)
class MerkleTables:
    """Qualified table names and the dialect details that differ between backends."""

    dialect: str  # "sqlite" | "postgres"
    events: str
    checkpoints: str
    position_index: str = ""


    @property
    def notification_column(self) -> str:
        """The events table's notification id column (eventsourcing reads SQLite's as `rowid`)."""
        return "rowid" if self.dialect == "sqlite" else "notification_id"

    @classmethod
    def sqlite(cls, events_table: str) -> MerkleTables:
        """Tables in the SQLite file (position = rowid - 1)."""
        return cls("sqlite", events_table, "ledger_checkpoints")

    @classmethod
    def postgres(cls, schema: str, events_table: str) -> MerkleTables:
        """Tables in the configured PostgreSQL schema."""
        q = f'"{schema}".'
        return cls("postgres", f'{q}"{events_table}"', q + "ledger_checkpoints", f'"{events_table}_position_idx"')

    @property
    def mark(self) -> str:
        """The DB-API parameter placeholder."""
        return "?" if self.dialect == "sqlite" else "%s"

    def state_column(self, alias: str) -> str:
        """The state column read as bytes even if someone stored text in it (SQLite typing is loose)."""
        return f"CAST({alias}.state AS BLOB)" if self.dialect == "sqlite" else f"{alias}.state"

    def position(self, alias: str) -> str:
        """SQL expression of a row's log position."""
        return f"{alias}.rowid - 1" if self.dialect == "sqlite" else f"{alias}.position"

    def position_order(self, alias: str) -> str:
        """ORDER BY expression for log order that the key's index serves."""
        return f"{alias}.rowid" if self.dialect == "sqlite" else f"{alias}.position"

    def position_range(self, alias: str) -> str:
        """WHERE clause for positions in [start, end) (parameters: start, end), using the key's index."""
        m = self.mark
        if self.dialect == "sqlite":
            return f"{alias}.rowid > {m} AND {alias}.rowid <= {m}"
        return f"{alias}.position >= {m} AND {alias}.position < {m}"

    def sqlite_events_ddl(self) -> str:
        """SQLite events table: eventsourcing's columns plus the log's, one B-tree page per append."""
        return (f"CREATE TABLE IF NOT EXISTS {self.events} (rowid INTEGER PRIMARY KEY, "
                "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
                "state BLOB NOT NULL, merkle BLOB NOT NULL, UNIQUE (originator_id, originator_version))")

    def ddl(self) -> list[str]:
        """CREATE/ALTER statements (idempotent) run after the events table exists."""
        statements = []
        if self.dialect == "postgres":
            statements += [
                f"ALTER TABLE {self.events} ADD COLUMN IF NOT EXISTS position BIGINT, "
                f"ADD COLUMN IF NOT EXISTS merkle BYTEA",
                f"CREATE UNIQUE INDEX IF NOT EXISTS {self.position_index} ON {self.events} (position)",
            ]
        big = "INTEGER" if self.dialect == "sqlite" else "BIGINT"
        statements.append(f"CREATE TABLE IF NOT EXISTS {self.checkpoints} (tree_size {big} PRIMARY KEY, "
                          f"note TEXT NOT NULL, recorded_at TEXT NOT NULL)")
        return statements + witness_store.ddl(self.dialect, self.checkpoints[: -len("ledger_checkpoints")])

    def select_size(self) -> str:
        """Number of positions (one past the last)."""
        if self.dialect == "sqlite":
            return f"SELECT COALESCE(MAX(rowid), 0) AS n FROM {self.events}"
        return f"SELECT COALESCE(MAX(position) + 1, 0) AS n FROM {self.events}"

    def select_size_and_registry_version(self) -> str:
        """Number of positions and the key registry's latest version, in one statement."""
        return (f"SELECT ({self.select_size()}) AS n, "
                f"(SELECT MAX(originator_version) FROM {self.events} WHERE originator_id = {self.mark}) AS v")

    def select_hashes(self, positions: Sequence[int]) -> tuple[str, list[Any]]:
        """The stored hashes of the rows at `positions` (statement, parameters)."""
        if self.dialect == "sqlite":
            marks = ", ".join("?" * len(positions))
            return (f"SELECT rowid - 1 AS position, merkle FROM {self.events} "
                    f"WHERE rowid IN ({marks})", [p + 1 for p in positions])
        return f"SELECT position, merkle FROM {self.events} WHERE position = ANY(%s)", [list(positions)]

    def sqlite_insert(self) -> str:
        """Insert one event with its hashes (the rowid, its position + 1, is SQLite's next key)."""
        return _sqlite_insert(self.events)

    def sqlite_set_hashes(self) -> str:
        """Rewrite a just-inserted row's hashes (when another process appended since this one's last save)."""
        return f"UPDATE {self.events} SET merkle = ? WHERE rowid = ?"

    def postgres_insert(self, *, check_registry: bool) -> str:
        """Insert a save's events with positions and hashes in ONE statement, and only if the log's last
        position (and with `check_registry` the key registry's version) are still those the hashes and the
        signature were made for; otherwise no row is inserted."""
        t = self.events
        registry = (f" AND (SELECT COALESCE(MAX(originator_version), 0) FROM {t} WHERE originator_id = %s) = %s"
                    if check_registry else "")
        return (f"INSERT INTO {t} (originator_id, originator_version, topic, state, position, merkle) "
                f"SELECT u.o, u.v, u.t, u.s, u.p, u.m FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[], "
                f"%b::bigint[], %b::bytea[]) WITH ORDINALITY AS u(o, v, t, s, p, m, n) "
                f"WHERE (SELECT COALESCE(MAX(position), -1) FROM {t}) = %s{registry} "
                f"ORDER BY u.n RETURNING notification_id")

@lru_cache(maxsize=64)
def _sqlite_insert(events: str) -> str:
    return f"INSERT INTO {events} (originator_id, originator_version, topic, state, merkle) VALUES (?, ?, ?, ?, ?)"


def hash_count(position: int) -> int:
    """How many hashes the row at `position` stores: its leaf and each subtree it completes."""
    return ((position + 1) & -(position + 1)).bit_length()


def completing_position(key: Key) -> int:
    """The position of the leaf that completes subtree (level, index): the row that stores its hash."""
    level, index = key
    return ((index + 1) << level) - 1


def pack_hashes(nodes: Sequence[Node]) -> bytes:
    """The `merkle` column value for the nodes one append completed (leaf first, as CompactRange gives)."""
    return b"".join(node[2] for node in nodes)


def unpack_hashes(position: int, blob: bytes) -> list[Node]:
    """(level, index, hash) of each hash stored in the row at `position` (as many as the blob holds)."""
    return [(level, (position + 1 >> level) - 1, blob[level * HASH_SIZE:(level + 1) * HASH_SIZE])
            for level in range(len(blob) // HASH_SIZE)]


def hashes_at(keys: Iterable[Key], rows: Iterable[tuple[int, bytes]]) -> dict[Key, bytes]:
    """Pick the requested keys' hashes out of fetched (position, merkle) rows; absent keys are left out."""
    blobs = {int(position): bytes(blob) for position, blob in rows if blob is not None}
    found: dict[Key, bytes] = {}
    for key in keys:
        blob = blobs.get(completing_position(key))
        level = key[0]
        if blob is not None and len(blob) >= (level + 1) * HASH_SIZE:
            found[key] = blob[level * HASH_SIZE:(level + 1) * HASH_SIZE]
    return found
