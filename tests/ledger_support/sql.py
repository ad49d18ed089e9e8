"""Direct SQL on a ledger's own tables, the way an attacker (or an auditor's copy) would see them.

Works on both backends: table names, the placeholder and the notification-id column come from the
recorder's MerkleTables (SQLite: `stored_events`, rowid = position + 1; PostgreSQL:
`<schema>.ledger_events`, notification_id, position). The log's hashes are in each row's `merkle`.
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
    """Every stored event (nid, position, originator_id, originator_version, topic, state and merkle as bytes),
    by nid."""
    t = tables(app)
    rows = query(app, f"SELECT e.{t.notification_column} AS nid, {t.position('e')} AS position, "
                      f"e.originator_id AS originator_id, e.originator_version AS originator_version, e.topic AS topic, "
                      f"{t.state_column('e')} AS state, e.merkle AS merkle FROM {t.events} e "
                      f"ORDER BY e.{t.notification_column}")
    for row in rows:
        row["state"] = bytes(row["state"])
        row["merkle"] = None if row["merkle"] is None else bytes(row["merkle"])
    return rows


def leaf_rows(app: LedgerApplication) -> list[dict[str, Any]]:
    """Every (position, notification_id) pair, by position."""
    t = tables(app)
    return query(app, f"SELECT {t.position('e')} AS position, e.{t.notification_column} AS notification_id "
                      f"FROM {t.events} e ORDER BY {t.position_order('e')}")


def row_at(app: LedgerApplication, position: int) -> dict[str, Any]:
    """The stored event at a log position."""
    return next(r for r in event_rows(app) if r["position"] == position)


def update_event(app: LedgerApplication, nid: int, **columns: Any) -> None:
    """Overwrite columns of the stored event with notification id `nid`."""
    t = tables(app)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    changed = execute(app, f"UPDATE {t.events} SET {assignments} WHERE {t.notification_column} = ?",
                      [*columns.values(), nid])
    assert changed == 1, f"no stored event with notification id {nid}"


def delete_event(app: LedgerApplication, nid: int) -> None:
    """Delete the stored event with notification id `nid` (with it go its leaf and the hashes it stored)."""
    t = tables(app)
    assert execute(app, f"DELETE FROM {t.events} WHERE {t.notification_column} = ?", [nid]) == 1


def _event_columns(app: LedgerApplication) -> tuple[str, ...]:
    """The columns that make a stored row (PostgreSQL also stores the position)."""
    extra = ("position",) if tables(app).dialect == "postgres" else ()
    return (tables(app).notification_column, "originator_id", "originator_version", "topic", "state", "merkle", *extra)


def _event_values(app: LedgerApplication, row: dict[str, Any]) -> list[Any]:
    values = [row["nid"], row["originator_id"], row["originator_version"], row["topic"], row["state"], row["merkle"]]
    return values + ([row["position"]] if tables(app).dialect == "postgres" else [])


def insert_event(app: LedgerApplication, row: dict[str, Any]) -> None:
    """Insert an event row (as event_rows gives it) with an explicit notification id."""
    t, columns = tables(app), _event_columns(app)
    execute(app, f"INSERT INTO {t.events} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            _event_values(app, row))


@dataclass
class Snapshot:
    """Every row of the ledger's tables, to put back after a tamper."""

    events: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]


def snapshot(app: LedgerApplication) -> Snapshot:
    """Copy every row of the events and checkpoints tables."""
    t = tables(app)
    return Snapshot(event_rows(app),
                    query(app, f"SELECT tree_size, note, recorded_at FROM {t.checkpoints} ORDER BY tree_size"))


def restore(app: LedgerApplication, snap: Snapshot) -> None:
    """Put every table back exactly as snapshotted (one transaction)."""
    t = tables(app)
    m = t.mark
    columns = _event_columns(app)
    with cursor(app) as cur:
        for name in (t.events, t.checkpoints):
            cur.execute(f"DELETE FROM {name}")
        cur.executemany(f"INSERT INTO {t.events} ({', '.join(columns)}) VALUES ({', '.join([m] * len(columns))})",
                        [tuple(_event_values(app, r)) for r in snap.events])
        cur.executemany(f"INSERT INTO {t.checkpoints} (tree_size, note, recorded_at) VALUES ({m}, {m}, {m})",
                        [(r["tree_size"], r["note"], r["recorded_at"]) for r in snap.checkpoints])
