"""Direct SQL on a ledger's own tables, the way an attacker (or an auditor's copy) would see them.

Works on both backends: table names, the placeholder and the notification-id column come from the
recorder's MerkleTables (SQLite: `stored_events`, rowid; PostgreSQL: `<schema>.ledger_events`,
notification_id).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from ledger.app import LedgerApplication
from ledger.merkle_tables import MerkleTables


def tables(app: LedgerApplication) -> MerkleTables:
    """The ledger's table names and dialect details."""
    return app.log.merkle


@contextmanager
def cursor(app: LedgerApplication, *, commit: bool = True) -> Iterator[Any]:
    """A cursor in one transaction on the ledger's own database connection."""
    with app.recorder.datastore.transaction(commit=commit) as cur:  # type: ignore[attr-defined]
        yield cur


def execute(app: LedgerApplication, statement: str, params: Sequence[Any] = ()) -> int:
    """Run one statement (placeholders written as `?`, translated per dialect); return rowcount."""
    with cursor(app) as cur:
        cur.execute(statement.replace("?", tables(app).mark), tuple(params))
        raw = getattr(cur, "sqlite_cursor", cur)  # eventsourcing wraps sqlite3 cursors
        return raw.rowcount


def query(app: LedgerApplication, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Fetch all rows of one query as dicts (placeholders written as `?`)."""
    with cursor(app, commit=False) as cur:
        cur.execute(statement.replace("?", tables(app).mark), tuple(params))
        return [dict(row) for row in cur.fetchall()]


def event_rows(app: LedgerApplication) -> list[dict[str, Any]]:
    """Every stored event (nid, originator_id, originator_version, topic, state as bytes), by nid."""
    t = tables(app)
    rows = query(app, f"SELECT e.{t.notification_column} AS nid, e.originator_id AS originator_id, "
                      f"e.originator_version AS originator_version, e.topic AS topic, "
                      f"{t.state_column('e')} AS state FROM {t.events} e ORDER BY e.{t.notification_column}")
    for row in rows:
        row["state"] = bytes(row["state"])
    return rows


def leaf_rows(app: LedgerApplication) -> list[dict[str, Any]]:
    """Every (position, notification_id) leaf row, by position."""
    return query(app, f"SELECT position, notification_id FROM {tables(app).leaves} ORDER BY position")


def row_at(app: LedgerApplication, position: int) -> dict[str, Any]:
    """The stored event at a log position (found through its leaf)."""
    nid = {r["position"]: r["notification_id"] for r in leaf_rows(app)}[position]
    return next(r for r in event_rows(app) if r["nid"] == nid)


def update_event(app: LedgerApplication, nid: int, **columns: Any) -> None:
    """Overwrite columns of the stored event with notification id `nid`."""
    t = tables(app)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    changed = execute(app, f"UPDATE {t.events} SET {assignments} WHERE {t.notification_column} = ?",
                      [*columns.values(), nid])
    assert changed == 1, f"no stored event with notification id {nid}"


def delete_event(app: LedgerApplication, nid: int) -> None:
    """Delete the stored event with notification id `nid` (its leaf stays)."""
    t = tables(app)
    assert execute(app, f"DELETE FROM {t.events} WHERE {t.notification_column} = ?", [nid]) == 1


def insert_event(app: LedgerApplication, row: dict[str, Any]) -> None:
    """Insert an event row with an explicit notification id."""
    t = tables(app)
    execute(app, f"INSERT INTO {t.events} ({t.notification_column}, originator_id, originator_version, "
                 f"topic, state) VALUES (?, ?, ?, ?, ?)",
            [row["nid"], row["originator_id"], row["originator_version"], row["topic"], row["state"]])


@dataclass
class Snapshot:
    """Every row of the ledger's tables, to put back after a tamper."""

    events: list[dict[str, Any]]
    leaves: list[dict[str, Any]]
    nodes: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]


def snapshot(app: LedgerApplication) -> Snapshot:
    """Copy every row of the events, leaves, nodes and checkpoints tables."""
    t = tables(app)
    nodes = query(app, f"SELECT level, idx, hash FROM {t.nodes} ORDER BY level, idx")
    for row in nodes:
        row["hash"] = bytes(row["hash"])
    return Snapshot(event_rows(app), leaf_rows(app), nodes,
                    query(app, f"SELECT tree_size, note, recorded_at FROM {t.checkpoints} ORDER BY tree_size"))


def restore(app: LedgerApplication, snap: Snapshot) -> None:
    """Put every table back exactly as snapshotted (one transaction)."""
    t = tables(app)
    m = t.mark
    with cursor(app) as cur:
        for name in (t.events, t.leaves, t.nodes, t.checkpoints):
            cur.execute(f"DELETE FROM {name}")
        cur.executemany(f"INSERT INTO {t.events} ({t.notification_column}, originator_id, originator_version, "
                        f"topic, state) VALUES ({m}, {m}, {m}, {m}, {m})",
                        [(r["nid"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
                         for r in snap.events])
        cur.executemany(f"INSERT INTO {t.leaves} (position, notification_id) VALUES ({m}, {m})",
                        [(r["position"], r["notification_id"]) for r in snap.leaves])
        cur.executemany(f"INSERT INTO {t.nodes} (level, idx, hash) VALUES ({m}, {m}, {m})",
                        [(r["level"], r["idx"], r["hash"]) for r in snap.nodes])
        cur.executemany(f"INSERT INTO {t.checkpoints} (tree_size, note, recorded_at) VALUES ({m}, {m}, {m})",
                        [(r["tree_size"], r["note"], r["recorded_at"]) for r in snap.checkpoints])
