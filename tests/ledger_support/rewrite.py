"""Rewriting history the way an attacker with write access to the database (and no root key) would.

`rewrite` replaces every stored event with a chosen list of rows, renumbered (positions 0.., notification
ids 1..) and, unless told otherwise, with every row's `merkle` column recomputed from the events: a log that
is consistent in itself, as issue 13's attack leaves it.
"""

from __future__ import annotations

from typing import Any, Sequence

from ledger.envelope import leaf_data
from ledger.merkle import CompactRange, leaf_hash
from ledger.merkle_tables import pack_hashes
from ledger.app import LedgerApplication
from ledger_support import sql


def stored_checkpoints(app: LedgerApplication) -> list[dict[str, Any]]:
    """Every row of the checkpoints table."""
    return sql.query(app, f"SELECT tree_size, note, recorded_at FROM {sql.tables(app).checkpoints} ORDER BY tree_size")


def rewrite(app: LedgerApplication, rows: Sequence[dict[str, Any]], *, rehash: bool = True) -> None:
    """Store exactly `rows` (event_rows' dicts) in this order, renumbered; recompute their hashes if `rehash`."""
    tree, renumbered = CompactRange(), []
    for position, row in enumerate(rows):
        new = {**row, "nid": position + 1, "position": position}
        if rehash:
            leaf = leaf_hash(leaf_data(row["originator_id"], row["originator_version"], row["topic"], row["state"]))
            new["merkle"] = pack_hashes(tree.append(leaf))
        renumbered.append(new)
    sql.restore(app, sql.Snapshot(renumbered, stored_checkpoints(app)))


def delete_checkpoints(app: LedgerApplication) -> None:
    """`DELETE FROM ledger_checkpoints`."""
    sql.execute(app, f"DELETE FROM {sql.tables(app).checkpoints}")


def insert_checkpoint(app: LedgerApplication, size: int, note: str) -> None:
    """Store a checkpoint note as the ledger would (one per tree size)."""
    sql.execute(app, f"INSERT INTO {sql.tables(app).checkpoints} (tree_size, note, recorded_at) VALUES (?, ?, ?)",
                [size, note, "2026-01-01T00:00:00+00:00"])
