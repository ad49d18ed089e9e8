"""The automatic checkpointer (issue 13 part 2): every N events or T seconds, idempotent across processes."""

from __future__ import annotations

from datetime import date

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest
from ledger_support.backends import initialised_ledger
from projection_support.history import record_history
from witnessing_helpers import RunningWitness, free_port, new_witness, with_witnesses

from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.checkpointer import Checkpointer, start_checkpointer
from ledger.config import Settings
from ledger.transparency import create_checkpoint
from ledger.witness_store import WitnessStore
from projections.asof import list_as_of
from projections.db import make_engine
from projections.timetravel import status


@pytest.fixture
def base(backend_settings: Settings) -> Iterator[LedgerApplication]:
    """An initialised ledger with the units the recorded history signs with."""
    app = initialised_ledger(backend_settings, ("credit-office", "dept-a", "dept-b"))
    yield app
    app.close()


@pytest.fixture
def witness(base: LedgerApplication, tmp_path: Path) -> Iterator[RunningWitness]:
    """One running witness trusting the ledger."""
    running = new_witness(tmp_path / "w", "w.example/witness", base)
    yield running
    running.stop()


def grow(app: LedgerApplication, n: int) -> None:
    """Append n signed events (key registrations)."""
    for _ in range(n):
        app.register_key(f"unit-{app.log.tree_size()}")


def sizes(app: LedgerApplication) -> list[int]:
    return [int(r["tree_size"]) for r in app.log.checkpoints()]


def test_a_checkpoint_every_n_events(base, witness) -> None:
    app = LedgerApplication(with_witnesses(base.settings, [witness.spec()], every_events=3, every_seconds=0))
    ticker = Checkpointer(app)
    start = app.log.tree_size()
    assert ticker.tick() is not None and sizes(app) == [start]  # the log had grown from nothing
    grow(app, 2)
    assert ticker.tick() is None and sizes(app) == [start]  # 2 < 3 events
    grow(app, 1)
    report = ticker.tick()
    assert report is not None and report.size == start + 3 and report.cosigners == (witness.name,)
    assert sizes(app) == [start, start + 3]


def test_a_checkpoint_after_t_seconds_when_the_log_grew(base, witness) -> None:
    app = LedgerApplication(with_witnesses(base.settings, [witness.spec()], every_events=0, every_seconds=1.0))
    ticker = Checkpointer(app, retry_seconds=3600)
    ticker.tick()
    first = sizes(app)
    assert ticker.tick() is None  # the log did not grow
    grow(app, 1)
    assert ticker.tick() is None and sizes(app) == first  # grown, but less than 1 s since the last checkpoint
    time.sleep(1.1)
    report = ticker.tick()
    assert report is not None and sizes(app) == first + [first[-1] + 1] and report.quorum_reached


def test_a_witness_that_was_down_is_retried_by_the_checkpointer(base, tmp_path) -> None:
    late = new_witness(tmp_path / "late", "late.example/witness", base, port=free_port(), start=False)
    app = LedgerApplication(with_witnesses(base.settings, [late.spec()], every_events=1, every_seconds=0))
    ticker = Checkpointer(app, retry_seconds=0.2)
    report = ticker.tick()
    assert report is not None and report.outcomes[0].status == "unavailable"
    late.start()
    try:
        time.sleep(0.3)
        retried = ticker.tick()  # the log did not grow: the same checkpoint is submitted again
        assert retried is not None and retried.size == report.size and retried.cosigners == (late.name,)
        time.sleep(0.3)
        assert ticker.tick() is None  # nothing left to retry
    finally:
        late.stop()


def test_answers_older_than_the_interval_name_a_cosigned_checkpoint(base, witness) -> None:
    settings = with_witnesses(base.settings, [witness.spec()], every_events=0, every_seconds=0.5)
    checkpointer = start_checkpointer(settings, poll=0.1)
    assert checkpointer is not None
    try:
        h = record_history(base)  # events written by this process while the checkpointer thread runs
        last = base.log.tree_size() - 1
        time.sleep(0.5 + 2.0)  # the interval, plus the poll and a cosigning round trip on a loaded machine
        answer = status(base, h.subject_id, last)
        with list_as_of(base, make_engine(base.settings), "black", as_of_position=last,
                        valid_at=date(2024, 1, 1)) as view:  # in force then (JY-20: ended since)
            header, rows = view.header(), list(view.rows)
    finally:
        checkpointer.stop()
    assert header["checkpoint_size"] > last and header["checkpoint_cosigners"] == [witness.name] and len(rows) == 1
    assert answer.checkpoint is not None and answer.checkpoint_size is not None and answer.checkpoint_size > last
    assert answer.checkpoint_cosigners == (witness.name,)
    assert SignedCheckpoint.from_text(answer.checkpoint).signatures[-1].name == witness.name
    assert answer.to_json()["checkpoint_cosigners"] == [witness.name]


def test_disabled_checkpointer_starts_no_thread(base) -> None:
    assert start_checkpointer(with_witnesses(base.settings, [], every_events=0, every_seconds=0)) is None


TICKER = """
import sys, time
from ledger.app import LedgerApplication
from ledger.checkpointer import Checkpointer
from ledger.config import Settings
from ledger.transparency import create_checkpoint
ticker, made, errors = Checkpointer(LedgerApplication(Settings.from_env())), set(), 0
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    try:
        report = ticker.tick()
        if report is not None:
            made.add(report.size)
    except Exception as exc:
        errors += 1
        print(type(exc).__name__, exc, file=sys.stderr)
    time.sleep(0.01)
print(errors, *sorted(made))
"""


def test_two_checkpointer_processes_on_one_database_do_not_duplicate(base, witness, tmp_path) -> None:
    s = base.settings
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LEDGER_DATABASE_URL": s.database_url,
           "LEDGER_KEYS_DIR": str(s.keys_dir), "LEDGER_ORIGIN": s.origin, "LEDGER_CHECKPOINT_EVERY_EVENTS": "1",
           "LEDGER_CHECKPOINT_EVERY_SECONDS": "0", "LEDGER_WITNESSES": f"{witness.key.vkey} {witness.url}"}
    procs = [subprocess.Popen([sys.executable, "-c", TICKER, "6"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(2.0)  # both running
    for _ in range(6):
        grow(base, 1)
        time.sleep(0.3)
    outputs = [p.communicate(timeout=60) for p in procs]
    made = [set(map(int, out.split()[1:])) for out, _ in outputs]
    assert [out.split()[0] for out, _ in outputs] == ["0", "0"], [err for _, err in outputs]
    stored = sizes(base)
    assert len(stored) == len(set(stored)) and set(stored) == made[0] | made[1]
    root = {s.origin: base.root_signer().signing_key.verify_key}
    assert all(SignedCheckpoint.from_text(r["note"]).verify(root) for r in base.log.checkpoints())
    assert WitnessStore(base.log).lines(stored[-1]).keys() == {witness.name}


def test_concurrent_creation_of_one_size_stores_one_checkpoint_and_returns_it_to_all(base) -> None:
    apps = [LedgerApplication(base.settings) for _ in range(6)]
    barrier = threading.Barrier(len(apps))

    def create(app: LedgerApplication) -> str:
        barrier.wait()
        return create_checkpoint(app).to_text()

    with ThreadPoolExecutor(len(apps)) as pool:
        notes = list(pool.map(create, apps))
    assert len(set(notes)) == 1 and sizes(base) == [base.log.tree_size()]
    assert base.log.checkpoints()[0]["note"] == notes[0]


def test_ledger_follow_runs_the_checkpointer(base, witness) -> None:
    s = base.settings
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LEDGER_DATABASE_URL": s.database_url,
           "LEDGER_KEYS_DIR": str(s.keys_dir), "LEDGER_ORIGIN": s.origin, "LEDGER_CHECKPOINT_EVERY_EVENTS": "0",
           "LEDGER_CHECKPOINT_EVERY_SECONDS": "0.5", "LEDGER_WITNESSES": f"{witness.key.vkey} {witness.url}"}
    follow = subprocess.Popen([sys.executable, "-m", "ledger.cli", "follow", "--poll", "0.2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        grow(base, 2)
        size, deadline = base.log.tree_size(), time.monotonic() + 40
        while time.monotonic() < deadline and WitnessStore(base.log).lines(size).keys() != {witness.name}:
            time.sleep(0.2)
    finally:
        follow.terminate()
        _, err = follow.communicate(timeout=10)
    assert sizes(base)[-1:] == [size] and WitnessStore(base.log).lines(size).keys() == {witness.name}, err
