"""SQL for the Merkle log tables (leaves, perfect-subtree nodes, checkpoints) on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence


@dataclass(frozen=True)
class MerkleTables:
    """Qualified table names and the dialect details that differ between backends."""

    dialect: str  # "sqlite" | "postgres"
    events: str
    leaves: str
    nodes: str
    checkpoints: str
    notification_column: str

    @classmethod
    def sqlite(cls, events_table: str) -> MerkleTables:
        """Tables in the SQLite file (the notification id is the events table's rowid)."""
        return cls("sqlite", events_table, "merkle_leaves", "merkle_nodes", "ledger_checkpoints", "rowid")

    @classmethod
    def postgres(cls, schema: str, events_table: str) -> MerkleTables:
        """Tables in the configured PostgreSQL schema."""
        q = f'"{schema}".'
        return cls("postgres", f'{q}"{events_table}"', q + "merkle_leaves", q + "merkle_nodes",
                   q + "ledger_checkpoints", "notification_id")

    def state_column(self, alias: str) -> str:
        """The state column read as bytes even if someone stored text in it (SQLite typing is loose)."""
        return f"CAST({alias}.state AS BLOB)" if self.dialect == "sqlite" else f"{alias}.state"

    @property
    def mark(self) -> str:
        """The DB-API parameter placeholder."""
        return "?" if self.dialect == "sqlite" else "%s"

    def ddl(self) -> list[str]:
        """CREATE statements (idempotent) for the Merkle tables."""
        big, blob = ("INTEGER", "BLOB") if self.dialect == "sqlite" else ("BIGINT", "BYTEA")
        rowid = " WITHOUT ROWID" if self.dialect == "sqlite" else ""
        return [
            f"CREATE TABLE IF NOT EXISTS {self.leaves} (position {big} PRIMARY KEY, "
            f"notification_id {big} NOT NULL UNIQUE)",
            f"CREATE TABLE IF NOT EXISTS {self.nodes} (level SMALLINT NOT NULL, idx {big} NOT NULL, "
            f"hash {blob} NOT NULL, PRIMARY KEY (level, idx)){rowid}",
            f"CREATE TABLE IF NOT EXISTS {self.checkpoints} (tree_size {big} PRIMARY KEY, "
            f"note TEXT NOT NULL, recorded_at TEXT NOT NULL)",
        ]

    def select_size(self) -> str:
        """Number of leaves (dense positions 0..n-1)."""
        return f"SELECT COALESCE(MAX(position) + 1, 0) AS n FROM {self.leaves}"

    def select_size_and_registry_version(self) -> str:
        """Leaf count and the key registry's latest version, in one round trip."""
        return (f"SELECT (SELECT COALESCE(MAX(position) + 1, 0) FROM {self.leaves}) AS n, "
                f"(SELECT MAX(originator_version) FROM {self.events} WHERE originator_id = {self.mark}) AS v")

    def select_nodes(self, count: int) -> str:
        """Fetch `count` (level, idx) nodes in one statement."""
        m = self.mark
        where = " OR ".join([f"(level = {m} AND idx = {m})"] * count)
        return f"SELECT level, idx, hash FROM {self.nodes} WHERE {where}"

    def insert_leaf(self) -> str:
        """Insert one (position, notification id) row."""
        return f"INSERT INTO {self.leaves} (position, notification_id) VALUES ({self.mark}, {self.mark})"

    def insert_node(self) -> str:
        """Insert one perfect-subtree hash."""
        m = self.mark
        return f"INSERT INTO {self.nodes} (level, idx, hash) VALUES ({m}, {m}, {m})"

    def insert_leaves_bulk(self) -> str:
        """PostgreSQL: every leaf of a save in ONE statement (arrays of positions and notification ids)."""
        return f"INSERT INTO {self.leaves} (position, notification_id) SELECT * FROM unnest(%b::bigint[], %b::bigint[])"

    def insert_nodes_bulk(self) -> str:
        """PostgreSQL: every node of a save in ONE statement (arrays of levels, indexes and hashes)."""
        return (f"INSERT INTO {self.nodes} (level, idx, hash) "
                f"SELECT * FROM unnest(%b::smallint[], %b::bigint[], %b::bytea[])")

    def select_log_rows(self) -> str:
        """Leaves joined to their events and stored leaf hashes, in log order, for positions in [start, end)."""
        m = self.mark
        return (f"SELECT l.position AS position, l.notification_id AS notification_id, "
                f"e.originator_id AS originator_id, e.originator_version AS originator_version, "
                f"e.topic AS topic, {self.state_column('e')} AS state, n.hash AS stored_leaf FROM {self.leaves} l "
                f"LEFT JOIN {self.events} e ON e.{self.notification_column} = l.notification_id "
                f"LEFT JOIN {self.nodes} n ON n.level = 0 AND n.idx = l.position "
                f"WHERE l.position >= {m} AND l.position < {m} ORDER BY l.position")


def node_params(keys: Sequence[tuple[int, int]]) -> list[int]:
    """Flatten (level, idx) keys into statement parameters."""
    return [value for key in keys for value in key]


def rows_to_nodes(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[int, int], bytes]:
    """Map fetched node rows by (level, idx)."""
    return {(int(r["level"]), int(r["idx"])): bytes(r["hash"]) for r in rows}
