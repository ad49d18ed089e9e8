"""`ledger witness keygen|info|trust|serve|evidence` as real subprocesses, served over real HTTP."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from spec_check import spec_key_id
from witness_support import LedgerHistory

from ledger.cosignature import parse_witness_vkey, verify_cosignatures
from ledger.witness.client import WitnessConflict, add_checkpoint, latest_checkpoint

NAME = "court.example/witness"


def ledger(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m ledger.cli …` and keep its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    return subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=env, capture_output=True, text=True,
                          timeout=60)


def failed_with(done: subprocess.CompletedProcess[str], text: str) -> bool:
    """Exit status 2 and one line on stderr containing `text`."""
    lines = done.stderr.strip().splitlines()
    return done.returncode == 2 and len(lines) == 1 and text in lines[0]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "witness.key"
    assert ledger("witness", "keygen", "--out", str(path), "--name", NAME).returncode == 0
    return path


def test_keygen_writes_a_0600_key_and_refuses_to_overwrite(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    again = ledger("witness", "keygen", "--out", str(key_file), "--name", NAME)
    assert failed_with(again, "refusing to overwrite")
    assert key_file.read_bytes() == before


def test_keygen_rejects_a_bad_name(tmp_path: Path) -> None:
    done = ledger("witness", "keygen", "--out", str(tmp_path / "k"), "--name", "two words")
    assert failed_with(done, "--name")
    assert not (tmp_path / "k").exists()


def test_info_prints_the_name_and_a_spec_vkey(key_file: Path) -> None:
    done = ledger("witness", "info", "--key", str(key_file))
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.strip().splitlines())
    name, key = parse_witness_vkey(lines["vkey"])
    assert lines["name"] == name == NAME
    hex_id, encoded = lines["vkey"].split("+", 2)[1:]
    assert bytes.fromhex(hex_id) == spec_key_id(NAME, bytes(key))
    assert base64.b64decode(encoded) == b"\x04" + bytes(key)


def test_trust_rejects_bad_keys_and_a_ledger_database(tmp_path: Path, history: LedgerHistory) -> None:
    db = f"sqlite:///{tmp_path}/w.sqlite3"
    assert failed_with(ledger("witness", "trust", "--db", db, "--origin", history.origin, "--key", "abcd"), "--key")
    assert failed_with(ledger("witness", "trust", "--db", db, "--origin", "has space", "--key", "00" * 32),
                       "--origin")
    on_ledger = ledger("witness", "trust", "--db", history.app.settings.database_url, "--origin", history.origin,
                       "--key", "00" * 32)
    assert failed_with(on_ledger, "own database")


@contextmanager
def served(db: str, key_file: Path) -> Iterator[str]:
    """`ledger witness serve --port 0` as a subprocess; yields its URL, terminates it afterwards."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    process = subprocess.Popen([sys.executable, "-m", "ledger.cli", "witness", "serve", "--db", db, "--key",
                                str(key_file), "--host", "127.0.0.1", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()  # type: ignore[union-attr]
        assert "serving on http://" in first, process.stderr.read() if process.poll() is not None else first
        yield first.split("serving on ", 1)[1].split(" ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_cosigns_keeps_state_across_restarts_and_lists_evidence(witness_db: str, key_file: Path,
                                                                      tmp_path: Path,
                                                                      history: LedgerHistory) -> None:
    root_hex = tmp_path / "root.hex"
    root_hex.write_text(bytes(history.root_key.verify_key).hex() + "\n")
    trust = ledger("witness", "trust", "--db", witness_db, "--origin", history.origin, "--key", str(root_hex))
    assert trust.returncode == 0, trust.stderr
    vkey = ledger("witness", "info", "--key", str(key_file)).stdout.split("vkey: ")[1].strip()
    name, verify_key = parse_witness_vkey(vkey)
    s1, s4 = sorted(history.notes)[1], sorted(history.notes)[4]
    with served(witness_db, key_file) as url:
        lines = add_checkpoint(url, 0, [], history.notes[s1])
        assert verify_cosignatures(history.notes[s1] + lines[0] + "\n", {name: verify_key}).keys() == {name}
    with served(witness_db, key_file) as url:
        with pytest.raises(WitnessConflict) as conflict:
            add_checkpoint(url, 0, [], history.notes[s4])
        assert conflict.value.size == s1
        add_checkpoint(url, s1, history.proof(s1, s4), history.notes[s4])
        assert latest_checkpoint(url, history.origin).startswith(history.notes[s4])
    logs = ledger("witness", "logs", "--db", witness_db)
    assert f"{history.origin} size={s4} " in logs.stdout and "1 trusted logs" in logs.stdout, logs.stderr
    listed = ledger("witness", "evidence", "--db", witness_db)
    assert listed.returncode == 0, listed.stderr
    assert f"old=0 new={s4}" in listed.stdout and "1 evidence rows" in listed.stdout


def test_a_key_readable_by_others_is_refused(key_file: Path) -> None:
    os.chmod(key_file, 0o644)
    done = ledger("witness", "info", "--key", str(key_file))
    assert failed_with(done, "readable by others; chmod 600 it")
    os.chmod(key_file, 0o600)
    assert ledger("witness", "info", "--key", str(key_file)).returncode == 0


def test_evidence_of_a_missing_sqlite_database_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-witness.sqlite3"
    done = ledger("witness", "evidence", "--db", f"sqlite:///{missing}")
    assert failed_with(done, "no witness database") and not missing.exists()
