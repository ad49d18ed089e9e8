"""Group commit in the ledger's recorders (issue 17.2), on SQLite and PostgreSQL: concurrent saves share one
transaction; a save that lost its version race is refused alone, the others in its batch are stored; the log
stays gapless and INTACT; each caller learns its own outcome."""

from __future__ import annotations

import threading
from copy import deepcopy
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError
from ledger_support.aggregates import Widget
from ledger_support.backends import initialised_ledger

from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.batch_seal import Save
from ledger.config import Settings
from ledger.envelope import unpack
from ledger_support import sql

THREADS, SAVES = 8, 25


def _captured(app: LedgerApplication, unit: str, aggregate: Any) -> Save:
    """The unsealed save (events, registry version, signer) one `save_as` hands to the recorder (nothing is stored)."""
    seen: list[Save] = []
    recorder = app.recorder
    original = recorder.insert_events

    def capture(stored_events: Any, **kwargs: Any) -> list[int]:
        seen.append(kwargs["save"])
        raise RuntimeError("captured, not stored")

    recorder.insert_events = capture  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="captured"):
            app.save_as(unit, aggregate)
    finally:
        recorder.insert_events = original  # type: ignore[method-assign]
    return seen[0]


def test_one_refused_save_in_a_batch_does_not_fail_the_others(backend_settings: Settings) -> None:
    app = initialised_ledger(backend_settings, ("dept-a",))
    try:
        widget = Widget("w", actor_unit="dept-a")
        stale = deepcopy(widget)
        app.save_as("dept-a", widget)
        stale.note("noted on a copy taken before the save", actor_unit="dept-a")
        # the copy's pending events: its Created (version 1, stored meanwhile: the conflict) and Noted (version 2)
        before = app.event_count()
        fresh = _captured(app, "dept-a", Widget("fresh-1", actor_unit="dept-a"))
        conflict = _captured(app, "dept-a", stale)
        other = _captured(app, "dept-a", Widget("fresh-2", actor_unit="dept-a"))
        outcomes = app.recorder._insert_batch([fresh, conflict, other])
        assert isinstance(outcomes[1], IntegrityError)
        assert [len(o) for o in (outcomes[0], outcomes[2])] == [1, 1]
        assert app.event_count() == before + 2
        # issue 17.2: the batch was signed once, over the root of all four leaves (the refused save's included)
        envelopes = [unpack(e.state) for e in (*fresh.sealed, *conflict.sealed, *other.sealed)]
        assert len({e.signature for e in envelopes}) == 1 and {e.batch_size for e in envelopes} == {4}
        stored = [unpack(bytes(r["state"])) for r in app.log.aggregate_rows(fresh.events[0].originator_id)]
        assert stored[0].signature == envelopes[0].signature
        assert app.get(widget.id).notes == []  # the conflicting save stored nothing
        app.recorder._tip = None  # forget the in-memory end: the next save re-reads it from the log
        app.save_as("dept-a", Widget("after", actor_unit="dept-a"))
        assert verify_ledger(app).ok
    finally:
        app.close()


def test_concurrent_saves_are_grouped_and_all_stored(backend_settings: Settings) -> None:
    app = initialised_ledger(backend_settings, ("dept-a",))
    before, batches_before = app.event_count(), app.recorder._group.batches
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for k in range(SAVES):
                widget = Widget(f"t{n}-{k}", actor_unit="dept-a")
                widget.note("and a second event", actor_unit="dept-a")
                app.save_as("dept-a", widget)
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        assert app.event_count() == before + THREADS * SAVES * 2
        group = app.recorder._group
        assert group.requests >= THREADS * SAVES and group.batches <= group.requests
        report = verify_ledger(app)
        assert report.ok, report
        # issue 17.2: every batch of this one key's saves carries ONE signature over its batch root
        t = sql.tables(app)
        rows = sql.query(app, f"SELECT {t.position('e')} AS p, e.state AS state FROM {t.events} e")
        signatures = {unpack(bytes(r["state"])).signature for r in rows if int(r["p"]) >= before}
        assert len(signatures) == group.batches - batches_before
    finally:
        app.close()
