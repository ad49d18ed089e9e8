"""`python3 tasks.py run`'s witness steps as subprocesses with real HTTP: a local witness process beside the
ledger, the demo checkpoint cosigned, `ledger serve`'s checkpointer cosigning new events, the witness stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import tasks
from witnessing_helpers import free_port

from ledger.app import LedgerApplication
from ledger.config import Settings
from ledger.cosignature import parse_witness_vkey, verify_cosignatures
from ledger.witnessing import cosigned_note

LEDGER = [sys.executable, "-m", "ledger.cli"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEDGER, *args], env=env, capture_output=True, text=True, timeout=300)


def test_demo_witness_cosigns_the_demo_checkpoints_and_stops_with_the_run(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "LEDGER_DATABASE_URL":
           f"sqlite:///{tmp_path}/ledger.sqlite3", "LEDGER_KEYS_DIR": str(tmp_path / "keys")}
    assert run(env, "init").returncode == 0
    witness = tasks.start_demo_witness(LEDGER, env, tmp_path)
    try:
        assert run(env, "demo", "--subjects", "2", "--seed", "7").returncode == 0
        done = run(env, "checkpoint", "--require-quorum")
        assert done.returncode == 0, done.stderr
        assert f"witness {tasks.DEMO_WITNESS}: cosigned" in done.stderr and "quorum 1 reached" in done.stderr
        name, key = parse_witness_vkey(env["LEDGER_WITNESSES"].split()[0])
        assert verify_cosignatures(done.stdout, {name: key}).keys() == {tasks.DEMO_WITNESS}
        verified = run(env, "verify")
        assert verified.returncode == 0 and "INTACT" in verified.stdout and "quorum" not in verified.stdout
        served_size = serve_and_grow(env)
        settings = Settings.from_env(env)
        note = cosigned_note(LedgerApplication(settings), served_size)
        assert verify_cosignatures(note, {name: key}).keys() == {tasks.DEMO_WITNESS}
    finally:
        tasks.stop_process(witness)
    assert witness.poll() is not None
    assert (tmp_path / "witness.sqlite3").exists() and (tmp_path / "witness.key").exists()


def wait_for_http(url: str, seconds: float = 60) -> None:
    """Until `url` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def serve_and_grow(env: dict[str, str]) -> int:
    """Run `ledger serve` with a 0.5 s checkpoint interval, append an event, and wait for its cosigned checkpoint."""
    serve_env = {**env, "LEDGER_CHECKPOINT_EVERY_SECONDS": "0.5", "LEDGER_CHECKPOINT_EVERY_EVENTS": "0"}
    port = free_port()
    server = subprocess.Popen([*LEDGER, "serve", "--port", str(port)], env=serve_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/public/")  # started: its own start-up events are written
        assert run(env, "keys", "create", "unit-after-demo").returncode == 0
        app = LedgerApplication(Settings.from_env(env))
        size = app.log.tree_size()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            rows = [int(r["tree_size"]) for r in app.log.checkpoints()]
            if rows[-1] == size and tasks.DEMO_WITNESS in cosigned_note(app, size):
                return size
            time.sleep(0.2)
        raise AssertionError(f"no cosigned checkpoint of size {size} from `ledger serve` within 20 s: {rows}")
    finally:
        server.terminate()
        server.wait(10)
