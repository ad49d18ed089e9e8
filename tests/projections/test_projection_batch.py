"""Batched view writes (issue 4 benchmark): rows read once per batch, written in bulk, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

import pytest
from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import record_history, snapshot
from projection_support.scenario import build
from sqlalchemy import Engine, event, select

from ledger.app import LedgerApplication
from projections.base import ProjectionError
from projections import batch as batch_module
from projections.batch import Batch
from projections.db import create_views, records, work_items
from projections.follower import Follower


def _record(record_id: str, position: int) -> dict[str, Any]:
    return dict(record_id=record_id, subject_id="s-1", behaviour_code="b", tier="general", disclosure="public",
                determining_unit="u", act_date=date(2024, 1, 2), determination_date=date(2024, 1, 3),
                status="active", open_objections=0, correction_count=0, valid_from=date(2024, 1, 3),
                recorded_position=position)


@pytest.fixture
def views(engine: Engine) -> Engine:  # noqa: F811 (fixture)
    """The view tables, created."""
    create_views(engine)
    return engine


def test_rows_inserted_and_changed_in_one_batch_are_written_once_with_their_last_state(views: Engine) -> None:
    with views.begin() as conn:
        rows = Batch(conn)
        rows.insert(records, _record("r-1", 1))
        rows.update(records, rows.row(records, "record_id", "r-1"), open_objections=2, recorded_position=5)
        rows.flush()
    with views.connect() as conn:
        stored = conn.execute(select(records)).mappings().all()
    assert [(r["record_id"], r["open_objections"], r["recorded_position"], r["valid_until"]) for r in stored] == [
        ("r-1", 2, 5, None)]


def test_stored_rows_are_read_once_and_updated_by_primary_key(views: Engine) -> None:
    with views.begin() as conn:
        conn.execute(records.insert(), [_record("r-1", 1), _record("r-2", 2)])
    with views.begin() as conn:
        rows = Batch(conn)
        rows.prefetch(records, "record_id", ["r-1", "r-2", "r-3"])
        first = rows.row(records, "record_id", "r-1")
        rows.update(records, first, status="expired", ended_on=date(2025, 1, 3))
        assert rows.row(records, "record_id", "r-1") is first  # the batch's own copy, not a new read
        assert rows.rows(records, "record_id", "r-3") == []
        rows.flush()
    with views.connect() as conn:
        stored = {r["record_id"]: r for r in conn.execute(select(records)).mappings()}
    assert (stored["r-1"]["status"], stored["r-1"]["ended_on"]) == ("expired", date(2025, 1, 3))
    assert (stored["r-2"]["status"], stored["r-2"]["ended_on"]) == ("active", None)


def test_bulk_statements_are_compiled_once_per_table_whatever_the_number_of_batches(views: Engine) -> None:
    def one_batch(n: int) -> None:
        with views.begin() as conn:
            rows = Batch(conn)
            rows.insert(records, _record(f"r-{n}", n))
            if n:
                rows.update(records, rows.row(records, "record_id", f"r-{n - 1}"), status="expired",
                            ended_on=date(2025, 1, 3))
            rows.flush()
    one_batch(0)
    one_batch(1)
    compiled = len(batch_module._COMPILED)
    for n in range(2, 30):
        one_batch(n)
    assert len(batch_module._COMPILED) == compiled  # no per-batch growth: memory stays flat in a rebuild
    with views.connect() as conn:
        stored = {r["record_id"]: r for r in conn.execute(select(records)).mappings()}
    assert len(stored) == 30 and stored["r-28"]["ended_on"] == date(2025, 1, 3) and stored["r-29"]["status"] == "active"


def test_a_group_holds_stored_rows_and_the_rows_this_batch_added(views: Engine) -> None:
    step = dict(item_id="o-1", kind="objection", subject_id="s-1", unit="u")
    with views.begin() as conn:
        conn.execute(work_items.insert(), [dict(step, step="decision", opened_position=3)])
    with views.begin() as conn:
        rows = Batch(conn)
        rows.insert(work_items, dict(step, step="correction", opened_position=9))
        found = rows.rows(work_items, "item_id", "o-1")
        assert sorted(r["step"] for r in found) == ["correction", "decision"]
        rows.insert(work_items, dict(step, step="appeal", opened_position=12))
        assert len(rows.rows(work_items, "item_id", "o-1")) == 3


def test_inconsistent_reads_and_double_inserts_are_refused_naming_the_table(views: Engine) -> None:
    with views.begin() as conn:
        rows = Batch(conn)
        with pytest.raises(ProjectionError, match="view_records: expected one row with record_id = r-9, found 0"):
            rows.row(records, "record_id", "r-9")
        rows.insert(records, _record("r-1", 1))
        with pytest.raises(ProjectionError, match="view_records: row r-1 inserted twice"):
            rows.insert(records, _record("r-1", 2))


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:  # noqa: F811 (fixture)
    """Every SQL statement the engine sends, in order (a real listener on the real engine)."""
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    yield sent
    event.remove(engine, "before_cursor_execute", note)


def test_a_batch_sends_a_bounded_number_of_statements_whatever_its_size(
        signed_ledger: LedgerApplication, engine: Engine, statements: list[str]) -> None:  # noqa: F811
    build(signed_ledger)
    follower = Follower(signed_ledger, engine, batch_size=10_000)
    statements.clear()
    events = follower.run_once()
    view_statements = [s for s in statements if "view_" in s]
    # At most one prefetch SELECT per (table, column) read and one INSERT / UPDATE per table, per batch:
    # never one statement per event (the scenario has every kind of event, several times).
    bound = 8 + 2 * 15
    assert events > 2 * bound
    assert len(view_statements) <= bound, view_statements
    assert not [s for s in view_statements if "INSERT" in s and "SELECT" in s]  # no per-event version copies


def test_batch_boundaries_do_not_change_the_views(signed_ledger: LedgerApplication, engine: Engine) -> None:  # noqa: F811
    record_history(signed_ledger)
    Follower(signed_ledger, engine, batch_size=1).run_once()
    one_by_one = snapshot(engine)
    assert Follower(signed_ledger, engine, batch_size=10_000).rebuild_all(progress=False) == \
        signed_ledger.log.tree_size()
    assert snapshot(engine) == one_by_one
