"""Live following: PostgreSQL wakes on NOTIFY from the insert transaction, SQLite polls."""

from __future__ import annotations

import threading
import time

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.scenario import build
from sqlalchemy import Engine, select

from ledger.app import LedgerApplication
from projections.db import access_log
from projections.follower import Follower
from projections.live import Listener, Sleeper, waiter_for


def test_waiter_is_listen_notify_on_postgresql_and_polling_on_sqlite(signed_ledger: LedgerApplication,
                                                                      engine: Engine) -> None:
    waiter = waiter_for(signed_ledger, engine)
    try:
        expected = Listener if signed_ledger.settings.backend == "postgres" else Sleeper
        assert type(waiter) is expected
        if isinstance(waiter, Listener):
            while waiter.wait(0.1):  # drain: other ledgers in the same database share the channel
                pass
            signed_ledger.register_key("dept-c")  # one insert transaction, which NOTIFYs
            assert waiter.wait(5) is True
    finally:
        waiter.close()


def test_follow_catches_up_live(signed_ledger: LedgerApplication, engine: Engine) -> None:
    # On PostgreSQL the fallback wait (60 s) is far longer than the test may take: only NOTIFY can wake it.
    poll = 60.0 if signed_ledger.settings.backend == "postgres" else 0.05
    follower = Follower(signed_ledger, engine)
    done = threading.Event()
    thread = threading.Thread(target=follower.follow, kwargs={"poll_interval": poll, "stop": done.is_set})
    thread.start()
    try:
        time.sleep(0.5)  # the follower has caught up and is waiting
        build(signed_ledger)
        last = signed_ledger.recorder.max_notification_id()
        deadline = time.monotonic() + 20
        while set(follower.positions().values()) != {last}:
            assert time.monotonic() < deadline, "the follower was not woken by the new events"
            time.sleep(0.05)
    finally:
        done.set()
        thread.join(10)
    assert not thread.is_alive()
    with engine.connect() as conn:
        assert conn.execute(select(access_log.c.purpose)).scalars().all() == ["联合惩戒核查"]
