"""The ledger submits its checkpoints to real witnesses over HTTP and keeps their cosignatures (issue 13 part 2)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from ledger_support.backends import initialised_ledger, sqlite_settings
from witnessing_helpers import RunningWitness, SilentPort, free_port, new_witness, with_witnesses

from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.checkpoint import SignedCheckpoint
from ledger.config import Settings
from ledger.cosignature import verify_cosignatures
from ledger.errors import NotInitialisedError
from ledger.transparency import create_checkpoint, prove_inclusion
from ledger.witness_store import WitnessStore
from ledger.witnessing import (
    checkpoint_and_submit,
    cosigned_note,
    cosigners,
    newest_covering_checkpoint,
    quorum_notes,
    submit,
)


@pytest.fixture
def base(backend_settings: Settings) -> Iterator[LedgerApplication]:
    """An initialised ledger without witnesses (used to learn its root key)."""
    app = initialised_ledger(backend_settings, ("credit-office",))
    yield app
    app.close()


@pytest.fixture
def witnesses(base: LedgerApplication, tmp_path: Path) -> Iterator[list[RunningWitness]]:
    """Three running witnesses trusting the ledger."""
    running = [new_witness(tmp_path / "w", f"w{i}.example/witness", base) for i in range(3)]
    yield running
    for w in running:
        w.stop()


def ledger_with(base: LedgerApplication, specs: list, quorum: int | None = None) -> LedgerApplication:
    """The same database opened with these witnesses configured."""
    return LedgerApplication(with_witnesses(base.settings, specs, quorum))


def grow(app: LedgerApplication, n: int) -> None:
    """Append n signed events (key registrations)."""
    for _ in range(n):
        app.register_key(f"unit-{app.log.tree_size()}")


def known(witnesses: list[RunningWitness]) -> dict:
    return {w.name: w.key.signing_key.verify_key for w in witnesses}


def test_every_witness_cosigns_and_the_note_carries_the_cosignatures(base, witnesses) -> None:
    app = ledger_with(base, [w.spec() for w in witnesses])
    report = checkpoint_and_submit(app)
    size = app.log.tree_size()
    assert report.size == size and report.quorum_reached
    assert [o.status for o in report.outcomes] == ["cosigned"] * 3
    note = cosigned_note(app, size)
    assert set(verify_cosignatures(note, known(witnesses))) == {w.name for w in witnesses}
    assert SignedCheckpoint.from_text(note).verify({app.settings.origin: app.root_signer().signing_key.verify_key})
    assert cosigners(app, size) == sorted(w.name for w in witnesses)
    assert all(w.latest_size(app.settings.origin) == size for w in witnesses)
    assert WitnessStore(app.log).witness_sizes() == {w.name: size for w in witnesses}
    again = submit(app, size)  # nothing new: every witness already cosigned, no request sent
    assert [o.status for o in again.outcomes] == ["already"] * 3


def test_each_witness_gets_the_proof_from_its_own_last_size(base, witnesses, tmp_path) -> None:
    late = new_witness(tmp_path / "late", "late.example/witness", base, port=free_port(), start=False)
    app = ledger_with(base, [w.spec() for w in witnesses] + [late.spec()], quorum=3)
    first = checkpoint_and_submit(app)  # `late` is down: the others cosign, the quorum of 3 is reached
    assert [o.status for o in first.outcomes] == ["cosigned"] * 3 + ["unavailable"] and first.quorum_reached
    grow(app, 5)
    late.start()
    try:
        second = checkpoint_and_submit(app)
        assert [o.status for o in second.outcomes] == ["cosigned"] * 4
        # the three submitted old=first.size with a consistency proof, `late` old=0: the witnesses accepted both
        assert {w.latest_size(app.settings.origin) for w in [*witnesses, late]} == {second.size}
        assert WitnessStore(app.log).witness_sizes()[late.name] == second.size
        assert cosigners(app, first.size) == sorted(w.name for w in witnesses)  # the old one stays as it was
    finally:
        late.stop()


def test_a_witness_down_is_retried_by_the_next_run_of_the_same_checkpoint(base, witnesses, tmp_path) -> None:
    down = new_witness(tmp_path / "down", "down.example/witness", base, port=free_port(), start=False)
    app = ledger_with(base, [witnesses[0].spec(), down.spec()], quorum=2)
    report = checkpoint_and_submit(app)
    assert [o.status for o in report.outcomes] == ["cosigned", "unavailable"] and not report.quorum_reached
    assert any("not cosigned by a quorum" in n and f"size {report.size}" in n for n in quorum_notes(app))
    down.start()
    try:
        retried = checkpoint_and_submit(app)  # the log did not grow: the same checkpoint, sent to `down` only
        assert retried.size == report.size
        assert [o.status for o in retried.outcomes] == ["already", "cosigned"] and retried.quorum_reached
        assert quorum_notes(app) == []
    finally:
        down.stop()


def test_a_hung_witness_delays_nothing_but_its_own_timeout(base, witnesses) -> None:
    silent = SilentPort()
    try:
        specs = [w.spec() for w in witnesses[1:]]
        silent_spec = dataclasses.replace(witnesses[0].spec(), url=f"http://127.0.0.1:{silent.port}")
        app = ledger_with(base, [silent_spec, *specs], quorum=2)
        started = time.monotonic()
        report = checkpoint_and_submit(app)
        elapsed = time.monotonic() - started
        assert [o.status for o in report.outcomes] == ["unavailable", "cosigned", "cosigned"]
        assert report.quorum_reached and elapsed < 2.0 + 1.5  # one 2 s timeout, in parallel with the others
    finally:
        silent.close()


def test_409_recovery_when_the_witness_is_ahead_of_what_the_ledger_remembers(base, witnesses) -> None:
    app = ledger_with(base, [witnesses[0].spec()])
    first = checkpoint_and_submit(app)
    store = WitnessStore(app.log)
    store.set_witness_size(witnesses[0].name, 0)  # e.g. another process's submission not yet seen here
    grow(app, 3)
    second = checkpoint_and_submit(app)  # old=0 → 409 naming first.size → proof from first.size → cosigned
    assert [o.status for o in second.outcomes] == ["cosigned"]
    assert witnesses[0].latest_size(app.settings.origin) == second.size > first.size
    assert store.witness_sizes() == {witnesses[0].name: second.size}


def test_409_recovery_when_the_witness_was_reset(base, witnesses, tmp_path) -> None:
    app = ledger_with(base, [witnesses[0].spec()])
    checkpoint_and_submit(app)
    grow(app, 2)
    reset = new_witness(tmp_path / "reset", witnesses[0].name, base, start=False)
    reset.key = witnesses[0].key  # the same witness key, a fresh database (its state lost)
    witnesses[0].stop()
    reset.port = witnesses[0].port
    reset.start()
    try:
        report = checkpoint_and_submit(app)  # old=first size → 409 naming 0 → resubmitted from 0
        assert [o.status for o in report.outcomes] == ["cosigned"]
        assert reset.latest_size(app.settings.origin) == report.size
    finally:
        reset.stop()


def test_a_witness_ahead_of_an_older_checkpoint_is_reported_not_rolled_back(base, witnesses) -> None:
    app = ledger_with(base, [witnesses[0].spec()])
    old = create_checkpoint(app).checkpoint.size
    grow(app, 2)
    checkpoint_and_submit(app)
    report = submit(app, old)
    assert report.outcomes[0].status == "ahead" and not report.quorum_reached


def test_a_cosignature_by_another_key_is_not_stored(base, witnesses) -> None:
    impostor = dataclasses.replace(witnesses[1].spec(), url=witnesses[0].url)  # w1's key, w0 answers
    app = ledger_with(base, [impostor])
    report = checkpoint_and_submit(app)
    assert report.outcomes[0].status == "bad-cosignature" and cosigners(app, report.size) == []


def test_answers_and_proofs_name_the_covering_checkpoint_and_its_cosigners(base, witnesses) -> None:
    app = ledger_with(base, [w.spec() for w in witnesses], quorum=2)
    assert newest_covering_checkpoint(app, 0) is None
    report = checkpoint_and_submit(app)
    covering = newest_covering_checkpoint(app, 0)
    assert covering is not None and covering.size == report.size
    assert covering.cosigners == tuple(sorted(w.name for w in witnesses))
    assert set(verify_cosignatures(covering.note, known(witnesses))) == set(covering.cosigners)
    assert newest_covering_checkpoint(app, report.size) is None  # a position after it: not covered
    proof = prove_inclusion(app, 0)
    assert proof.cosigners == covering.cosigners and proof.to_json()["cosigners"] == list(covering.cosigners)
    assert proof.checkpoint == covering.note


def test_verify_notes_checkpoints_short_of_a_quorum_and_a_forged_cosignature_row(base, witnesses) -> None:
    app = ledger_with(base, [w.spec() for w in witnesses[:2]], quorum=2)
    ok = checkpoint_and_submit(app).size
    grow(app, 1)
    short = create_checkpoint(app).checkpoint.size  # stored, never submitted
    store = WitnessStore(app.log)
    store.add_cosignature(short, witnesses[0].name, store.lines(ok)[witnesses[0].name])  # a line of another size
    report = verify_ledger(app, workers=1)
    assert report.ok  # the log itself is intact
    notes = [n for n in report.notes if "quorum" in n]
    assert len(notes) == 1 and f"tree size {short} " in notes[0] and "0 of 2 required (none)" in notes[0]


def test_a_forked_log_of_the_same_size_is_refused_and_reported_as_conflict(base, witnesses, tmp_path) -> None:
    app = ledger_with(base, [witnesses[0].spec()])
    grow(app, 2)
    cosigned = checkpoint_and_submit(app)
    fork_settings = sqlite_settings(tmp_path / "fork")  # the same root key and origin, another history
    fork_settings = dataclasses.replace(fork_settings, keys_dir=base.settings.keys_dir, origin=base.settings.origin)
    fork = initialised_ledger(fork_settings, ("credit-office",))
    while fork.log.tree_size() < cosigned.size:
        fork.register_key(f"other-{fork.log.tree_size()}")
    forked = LedgerApplication(with_witnesses(fork_settings, [witnesses[0].spec()]))
    report = checkpoint_and_submit(forked)  # old=0 → 409 naming the size → same size, other root → 409 again
    assert report.size == cosigned.size and report.outcomes[0].status == "conflict"
    assert "another tree of size" in report.outcomes[0].detail and cosigners(forked, report.size) == []
    assert witnesses[0].latest_size(app.settings.origin) == cosigned.size  # the witness kept the first tree


def test_cli_checkpoint_prints_the_cosigned_note_and_the_answers_and_requires_the_quorum(base, witnesses) -> None:
    s = base.settings
    down = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LEDGER_DATABASE_URL": s.database_url,
           "LEDGER_KEYS_DIR": str(s.keys_dir), "LEDGER_ORIGIN": s.origin, "LEDGER_WITNESS_TIMEOUT": "2",
           "LEDGER_WITNESSES": f"{witnesses[0].key.vkey} {witnesses[0].url}; {witnesses[1].key.vkey} {down}"}
    cli = [sys.executable, "-m", "ledger.cli", "checkpoint", "--require-quorum"]
    short = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=60)
    assert short.returncode == 1  # quorum 2 (every listed witness), one cosigned
    assert verify_cosignatures(short.stdout, known(witnesses)).keys() == {witnesses[0].name}
    assert f"witness {witnesses[0].name}: cosigned" in short.stderr
    assert f"witness {witnesses[1].name}: unavailable" in short.stderr and "quorum 2 NOT reached" in short.stderr
    enough = subprocess.run(cli, env={**env, "LEDGER_WITNESS_QUORUM": "1"}, capture_output=True, text=True, timeout=60)
    assert enough.returncode == 0 and "quorum 1 reached" in enough.stderr and enough.stdout == short.stdout


def test_a_database_from_before_the_witness_tables_asks_for_ledger_init_and_init_adds_them(base) -> None:
    create_checkpoint(base)
    cursor_sql = {"sqlite": "DROP TABLE ledger_cosignatures", "postgres": "DROP TABLE {schema}.ledger_cosignatures"}
    schema = base.settings.database_url.partition("schema=")[2]
    with base.log.datastore.transaction(commit=True) as cursor:
        cursor.execute(cursor_sql[base.settings.backend].format(schema=schema))
    with pytest.raises(NotInitialisedError, match="run `ledger init`"):
        cosigned_note(base, base.log.tree_size())
    LedgerApplication(base.settings, create_tables=True).initialise()  # what `ledger init` does
    assert cosigned_note(base, base.log.tree_size()) == base.log.checkpoints()[-1]["note"]
