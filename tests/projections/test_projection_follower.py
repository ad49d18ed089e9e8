"""Exactly-once following, restart, polling and rebuild (DESIGN §4), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import record_history, snapshot
from sqlalchemy import Engine, func, select

from ledger.app import LedgerApplication
from projections.base import Projection
from projections.db import list_entries, record_periods, records, subjects
from projections.follower import Follower
from projections.registry import PROJECTIONS


def counts(engine: Engine) -> dict[str, int]:
    """Row counts of the view tables."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (subjects, records, record_periods, list_entries)}


def test_follower_applies_each_event_once(signed_ledger: LedgerApplication, engine: Engine) -> None:
    record_history(signed_ledger)
    follower = Follower(signed_ledger, engine)
    assert follower.run_once() == signed_ledger.log.tree_size()
    first = snapshot(engine)
    assert follower.run_once() == 0
    assert Follower(signed_ledger, engine).run_once() == 0  # a new process resumes from the tracking rows
    assert snapshot(engine) == first
    assert counts(engine) == {"view_subjects": 1, "view_records": 2, "view_record_periods": 4, "view_list_entries": 1}


def test_restart_mid_way_processes_nothing_twice(signed_ledger: LedgerApplication, engine: Engine) -> None:
    record_history(signed_ledger)
    Follower(signed_ledger, engine, batch_size=3).process_batch()  # stop after one batch
    Follower(signed_ledger, engine, batch_size=4).process_batch()
    rest = Follower(signed_ledger, engine, batch_size=5)
    rest.run_once()
    resumed = snapshot(engine)
    last = signed_ledger.recorder.max_notification_id()
    assert set(rest.positions().values()) == {last}
    assert Follower(signed_ledger, engine).rebuild("records", progress=False) == signed_ledger.log.tree_size()
    assert snapshot(engine) == resumed


def test_failed_batch_leaves_rows_and_tracking_unchanged(signed_ledger: LedgerApplication, engine: Engine) -> None:
    record_history(signed_ledger)
    follower = Follower(signed_ledger, engine, batch_size=100)
    broken = dict(PROJECTIONS["records"].handlers)
    broken["DishonestyRecord.Repaired"] = _fail
    failing = Follower(signed_ledger, engine, (PROJECTIONS["subjects"], Projection("records", PROJECTIONS["records"].tables, broken)))
    try:
        failing.run_once()
    except RuntimeError:
        pass
    assert failing.positions() == {"subjects": 0, "records": 0}
    assert counts(engine)["view_records"] == 0 and counts(engine)["view_subjects"] == 0
    follower.run_once()
    assert counts(engine)["view_records"] == 2


def _fail(*_: object) -> None:
    raise RuntimeError("handler failed mid-batch")


def test_rebuilt_views_equal_live_updated_views(signed_ledger: LedgerApplication, engine: Engine) -> None:
    live = Follower(signed_ledger, engine, batch_size=2)
    record_history(signed_ledger)  # events arrive while the follower polls in small batches
    live.run_once()
    before = snapshot(engine)
    for name in PROJECTIONS:
        assert live.rebuild(name, progress=False) == signed_ledger.log.tree_size()
    assert snapshot(engine) == before


def test_follow_polls_new_events(signed_ledger: LedgerApplication, engine: Engine) -> None:
    follower = Follower(signed_ledger, engine)
    done = threading.Event()
    thread = threading.Thread(target=follower.follow, kwargs={"poll_interval": 0.05, "stop": done.is_set})
    thread.start()
    try:
        history = record_history(signed_ledger)
        _wait_for(lambda: set(follower.positions().values()) == {signed_ledger.recorder.max_notification_id()})
    finally:
        done.set()
        thread.join(5)
    with engine.connect() as conn:
        row = conn.execute(select(records.c.status).where(records.c.record_id == str(history.r1))).one()
    assert row.status == "repaired"


def _wait_for(condition: object, seconds: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "follower did not catch up"
        time.sleep(0.05)


def test_concurrent_followers_take_turns(signed_ledger: LedgerApplication, engine: Engine) -> None:
    record_history(signed_ledger)
    Follower(signed_ledger, engine)  # tracking rows exist before the race
    errors: list[BaseException] = []

    def follow() -> None:
        try:
            Follower(signed_ledger, engine, batch_size=2).run_once()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=follow) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert counts(engine) == {"view_subjects": 1, "view_records": 2, "view_record_periods": 4, "view_list_entries": 1}
    live = snapshot(engine)
    Follower(signed_ledger, engine).rebuild("records", progress=False)
    assert snapshot(engine) == live
