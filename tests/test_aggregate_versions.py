"""Gapless aggregates (issue 13): every aggregate's stored versions run 1..n, each once, and `verify` names the
aggregate and the missing or duplicated version; a deleted middle version no longer passes unseen.

Real ledgers on SQLite and PostgreSQL, tampered with direct SQL; the fast and thorough paths agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from ledger.aggregate_versions import versions_unique, aggregate_problems
from ledger.app import LedgerApplication
from ledger.audit import VerifyReport, verify_ledger
from ledger_support import sql
from ledger_support.aggregates import Widget
from ledger_support.rewrite import delete_checkpoints, rewrite


def _widget_history(app: LedgerApplication, notes: int = 4) -> Widget:
    widget = Widget("gapless", actor_unit="dept-a")
    for i in range(notes):
        widget.note(f"note {i}", actor_unit="dept-a")
    app.save_as("dept-a", widget)
    return widget


def _rows_of(app: LedgerApplication, widget: Widget) -> list[dict[str, Any]]:
    return [r for r in sql.event_rows(app) if str(r["originator_id"]).replace("-", "") == widget.id.hex]


def _verify_both_ways(app: LedgerApplication) -> VerifyReport:
    """Default chunking and chunks of 4 (fast path where it can) must report the same problems."""
    report = verify_ledger(app, workers=1)
    chunked = verify_ledger(app, workers=1, chunk=4)
    assert [str(p) for p in chunked.problems] == [str(p) for p in report.problems]
    return report


def _version_problems(report: VerifyReport, widget: Widget) -> list:
    return [p for p in report.problems if p.what.startswith(f"versions of aggregate {widget.id.hex}")]


def test_intact_ledger_has_no_version_problem(signed_ledger: LedgerApplication) -> None:
    _widget_history(signed_ledger)
    report = _verify_both_ways(signed_ledger)
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.parametrize("version", [2, 3, 4])
def test_deleted_middle_version_renumbered_and_rehashed_is_named(signed_ledger: LedgerApplication,
                                                                 version: int) -> None:
    """Issue 13's attack: the row goes, later rows are renumbered, every hash recomputed, checkpoints deleted.
    Every signature still verifies; only the hole in the aggregate's versions remains."""
    widget = _widget_history(signed_ledger)
    rows = sql.event_rows(signed_ledger)
    doomed = next(r for r in _rows_of(signed_ledger, widget) if r["originator_version"] == version)
    after = next(r for r in _rows_of(signed_ledger, widget) if r["originator_version"] == version + 1)
    rewrite(signed_ledger, [r for r in rows if r["nid"] != doomed["nid"]])
    delete_checkpoints(signed_ledger)
    report = _verify_both_ways(signed_ledger)
    found = _version_problems(report, widget)
    assert [(p.position, p.found) for p in found] == [(after["position"] - 1, f"version {version} missing")]
    assert "(Widget)" in found[0].what and found[0].expected == "versions 1..5, each once"
    assert report.problems == found, [str(p) for p in report.problems]  # nothing else gives the attack away


def test_deleted_first_version_is_named_as_version_1_missing(signed_ledger: LedgerApplication) -> None:
    widget = _widget_history(signed_ledger, notes=2)
    created = _rows_of(signed_ledger, widget)[0]
    rewrite(signed_ledger, [r for r in sql.event_rows(signed_ledger) if r["nid"] != created["nid"]])
    found = _version_problems(_verify_both_ways(signed_ledger), widget)
    assert [p.found for p in found] == ["version 1 missing"]


def test_deleted_last_version_leaves_no_gap(signed_ledger: LedgerApplication) -> None:
    """The limit, written down: removing an aggregate's LAST event leaves versions 1..n-1, which is gapless
    (only a checkpoint catches it; tests/test_tamper_matrix.py)."""
    widget = _widget_history(signed_ledger, notes=2)
    last = _rows_of(signed_ledger, widget)[-1]
    rewrite(signed_ledger, [r for r in sql.event_rows(signed_ledger) if r["nid"] != last["nid"]])
    delete_checkpoints(signed_ledger)
    assert _verify_both_ways(signed_ledger).ok


def test_renumbered_version_is_named(signed_ledger: LedgerApplication) -> None:
    """A row whose version was edited (2 -> 7) breaks its signature and leaf, and also the version run."""
    widget = _widget_history(signed_ledger, notes=2)
    second = _rows_of(signed_ledger, widget)[1]
    sql.update_event(signed_ledger, second["nid"], originator_version=7)
    report = _verify_both_ways(signed_ledger)
    found = sorted(p.found for p in _version_problems(report, widget))
    assert found == ["version 2 missing", "version 4 missing", "version 5 missing", "version 6 missing"]


def _drop_version_key(app: LedgerApplication) -> None:
    """What an attacker must do first to store a version twice: remove the (originator_id, version) key
    (PostgreSQL: drop the primary key; SQLite: rebuild the table without its UNIQUE constraint)."""
    t = sql.tables(app)
    if t.dialect == "postgres":
        pkey = sql.query(app, "SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'p'",
                         [t.events])[0]["conname"]
        sql.execute(app, f'ALTER TABLE {t.events} DROP CONSTRAINT "{pkey}"')
        return
    sql.execute(app, f"ALTER TABLE {t.events} RENAME TO old_events")
    sql.execute(app, t.sqlite_events_ddl().replace(", UNIQUE (originator_id, originator_version)", ""))
    sql.execute(app, f"INSERT INTO {t.events} SELECT rowid, originator_id, originator_version, topic, state, merkle "
                     "FROM old_events")
    sql.execute(app, "DROP TABLE old_events")


def test_duplicated_version_is_named_once_the_key_is_gone(signed_ledger: LedgerApplication) -> None:
    app = signed_ledger
    widget = _widget_history(app, notes=2)
    with sql.cursor(app, commit=False) as cur:
        assert versions_unique(cur, sql.tables(app))  # the cheap query (no COUNT DISTINCT) is used
    _drop_version_key(app)
    with sql.cursor(app, commit=False) as cur:
        assert not versions_unique(cur, sql.tables(app))
    assert verify_ledger(app, workers=1).ok
    second, third = _rows_of(app, widget)[1:3]
    sql.update_event(app, third["nid"], originator_version=2)
    found = _version_problems(verify_ledger(app, workers=1), widget)
    assert [p.found for p in found] == [f"version 2 stored 2 times (positions {second['position']}, "
                                        f"{third['position']})"]
    assert [p.position for p in found] == [third["position"]]


def test_aggregate_problems_name_duplicates_gaps_and_versions_below_one() -> None:
    rows = [{"position": p, "version": v, "topic": "tests.ledger_support.aggregates:Widget.Noted"}
            for p, v in [(10, 0), (11, 1), (12, 1), (14, 4)]]
    found = {(p.position, p.found) for p in aggregate_problems("ab" * 16, rows)}
    assert found == {(14, "version 2 missing"), (14, "version 3 missing"),
                     (12, "version 1 stored 2 times (positions 11, 12)"), (10, "version 0")}
    assert all(p.what == f"versions of aggregate {'ab' * 16} (Widget)" for p in aggregate_problems("ab" * 16, rows))
