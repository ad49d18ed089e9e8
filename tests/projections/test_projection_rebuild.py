"""Every view rebuilt from zero equals the view followed live while the history was written, row for row."""

from __future__ import annotations

import threading

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import snapshot
from projection_support.scenario import build
from sqlalchemy import Engine

from ledger.app import LedgerApplication
from projections.follower import Follower
from projections.registry import PROJECTIONS


def test_every_rebuilt_view_equals_the_live_followed_one(signed_ledger: LedgerApplication, engine: Engine) -> None:
    live = Follower(signed_ledger, engine, batch_size=3)
    done = threading.Event()
    thread = threading.Thread(target=live.follow, kwargs={"poll_interval": 0.01, "stop": done.is_set})
    thread.start()
    try:
        build(signed_ledger)  # events arrive while the follower applies them in small batches
    finally:
        done.set()
        thread.join(30)
    live.run_once()
    followed = snapshot(engine)
    empty = [name for name, rows in followed.items() if not rows]
    assert empty == []  # the scenario exercises every view, so the comparison below covers each one
    for name in PROJECTIONS:
        assert live.rebuild(name, progress=False) == signed_ledger.log.tree_size()
        assert snapshot(engine) == followed, f"rebuilt {name} differs from the live view"
