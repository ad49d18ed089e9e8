"""Gapless aggregates: every aggregate's stored versions must run 1..n, each exactly once.

Removing a middle event of an aggregate and renumbering the log leaves every signature valid (a signature
covers the event, not its log position); the hole in the aggregate's versions still gives it away. The
database finds the few aggregates that break the rule with one GROUP BY; only those are read in full.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Protocol, Sequence

from ledger.envelope import canonical_id
from ledger.merkle_tables import MerkleTables
from ledger.verifier import Problem

MAX_PER_AGGREGATE = 20  # problems named per aggregate; one damaged aggregate must not flood the report


class VersionReader(Protocol):
    """The part of the ledger's recorder this check reads."""

    def version_anomalies(self, limit: int = 20) -> list[Mapping[str, Any]]:
        """Aggregates whose versions are not exactly 1..n, with their stored (position, version, topic) rows."""


def select_version_anomalies(cursor: Any, t: MerkleTables, limit: int) -> list[Mapping[str, Any]]:
    """Aggregates whose versions are not exactly 1..n: one GROUP BY over the (originator_id, originator_version)
    index, counting distinct versions only when the database no longer enforces that key (it is cheaper without);
    then each such aggregate's rows (position, version, topic), at most `limit` aggregates."""
    distinct = "" if versions_unique(cursor, t) else " OR COUNT(DISTINCT originator_version) <> COUNT(*)"
    cursor.execute(f"SELECT originator_id FROM {t.events} GROUP BY originator_id HAVING MIN(originator_version) <> 1 "
                   f"OR MAX(originator_version) <> COUNT(*){distinct} ORDER BY originator_id LIMIT {int(limit)}")
    found = []
    for oid in [row["originator_id"] for row in cursor.fetchall()]:
        cursor.execute(f"SELECT {t.position('e')} AS position, e.originator_version AS version, e.topic AS topic "
                       f"FROM {t.events} e WHERE e.originator_id = {t.mark} "
                       f"ORDER BY e.originator_version, {t.position_order('e')}", (oid,))
        found.append({"originator_id": oid, "rows": [dict(row) for row in cursor.fetchall()]})
    return found


_KEY = ["originator_id", "originator_version"]


def versions_unique(cursor: Any, t: MerkleTables) -> bool:
    """Whether a valid unique index on exactly (originator_id, originator_version) still guards the table."""
    if t.dialect == "sqlite":
        cursor.execute(f"PRAGMA index_list({t.events})")
        names = [row["name"] for row in cursor.fetchall() if row["unique"] and not row["partial"]]
        for name in names:
            cursor.execute(f"PRAGMA index_info('{name}')")
            if [row["name"] for row in cursor.fetchall()] == _KEY:
                return True
        return False
    cursor.execute("SELECT 1 FROM pg_index i WHERE i.indrelid = %s::regclass AND i.indisunique AND i.indisvalid "
                   "AND i.indpred IS NULL AND i.indexprs IS NULL AND ARRAY(SELECT a.attname::text FROM "
                   "unnest(i.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid "
                   "AND a.attnum = k.n ORDER BY k.o) = %s::text[]", (t.events, _KEY))
    return cursor.fetchone() is not None


def version_problems(reader: VersionReader, limit: int = 20) -> list[Problem]:
    """One Problem per missing, duplicated or out-of-range version of each aggregate that breaks the rule."""
    problems: list[Problem] = []
    for found in reader.version_anomalies(limit):
        problems += aggregate_problems(_hex_id(found["originator_id"]), found["rows"])
    return problems


def aggregate_problems(originator_id: str, rows: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """The gaps, duplicates and versions below 1 of one aggregate's rows (sorted by version)."""
    versions = [int(row["version"]) for row in rows]
    name = _aggregate_name(originator_id, rows)
    what, expected = f"versions of aggregate {name}", f"versions 1..{max(versions, default=0)}, each once"
    counts = Counter(versions)
    problems = [Problem(_position_after(rows, v), what, expected, f"version {v} missing")
                for v in range(1, max(versions, default=0) + 1) if v not in counts]
    problems += [Problem(_positions(rows, v)[1], what, expected,
                         f"version {v} stored {n} times (positions {', '.join(map(str, _positions(rows, v)))})")
                 for v, n in sorted(counts.items()) if n > 1]
    problems += [Problem(_positions(rows, v)[0], what, expected, f"version {v}") for v in sorted(counts) if v < 1]
    return problems[:MAX_PER_AGGREGATE]


def _hex_id(originator_id: Any) -> str:
    """32 lower-case hex digits, as the log's leaves spell an aggregate id (the stored form if it is not one)."""
    try:
        return canonical_id(originator_id)
    except (ValueError, TypeError, AttributeError):
        return str(originator_id)


def _aggregate_name(originator_id: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The id with the aggregate's class (from its first event's topic, e.g. `module:Widget.Created`)."""
    topic = str(rows[0]["topic"]) if rows else ""
    kind = topic.rsplit(":", 1)[-1].rsplit(".", 1)[0]
    return f"{originator_id} ({kind})" if kind else originator_id


def _positions(rows: Sequence[Mapping[str, Any]], version: int) -> list[int | None]:
    return [None if r["position"] is None else int(r["position"]) for r in rows if int(r["version"]) == version]


def _position_after(rows: Sequence[Mapping[str, Any]], version: int) -> int | None:
    """The log position of the aggregate's next stored version after a missing one (where the gap shows)."""
    later = [r for r in rows if int(r["version"]) > version]
    return None if not later or later[0]["position"] is None else int(later[0]["position"])
