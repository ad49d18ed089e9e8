"""`ledger serve --workers 2` on one PostgreSQL (issue 17.3): several processes serve one socket, concurrent
writes through both stay correct (all saved, log INTACT), the checkpointer runs once, a killed worker is
replaced, SIGTERM stops everything. Real processes, real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from ledger_support.backends import drop_pg_schema, new_pg_schema, postgres_settings, require_postgres
from web_helpers import ROLE_USER, build_ledger

from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from projections.db import make_engine
from web.accounts import AccountStore

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    return {**env, "LEDGER_DATABASE_URL": settings.database_url, "LEDGER_KEYS_DIR": str(settings.keys_dir),
            "LEDGER_ORIGIN": settings.origin, "PYTHONPATH": str(ROOT), "LEDGER_CHECKPOINT_EVERY_EVENTS": "10",
            "LEDGER_CHECKPOINT_EVERY_SECONDS": "1", "LEDGER_SWEEP_AT": "off"}


def _workers_of(supervisor: int) -> set[int]:
    """The pids of the supervisor's worker processes (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == supervisor and b"--listen-fd" in cmdline:
            found.add(int(entry.name))
    return found


def _wait_until(check: Any, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Settings, subprocess.Popen[str]]]:
    """`ledger serve --workers 2` on a fresh PostgreSQL ledger: (base URL, recorder token, settings, process)."""
    require_postgres()
    schema = new_pg_schema()
    settings = postgres_settings(tmp_path, schema)
    person = build_ledger(settings)
    app, engine = LedgerApplication(settings), make_engine(settings)
    token = AccountStore(engine, app).issue_token(ROLE_USER["recording_unit"], "load test")
    engine.dispose()
    app.close()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "ledger.cli", "serve", "--port", str(port), "--workers", "2"],
                               env=_env(settings), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until(lambda: _status(f"{base}/public/") == 200)
        yield base, token, settings, process
    finally:
        process.terminate()
        process.wait(timeout=30)
        drop_pg_schema(schema)
    assert person


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except (urllib.error.URLError, ConnectionError, OSError):
        return 0


def _record(base: str, token: str, subject_id: str, number: int) -> int:
    body = {"profile_id": "NT", "subject_id": subject_id, "behaviour_code": "NT-PCI-12.3", "tier": "serious",
            "basis": {"type": "administrative_penalty", "number": f"通税罚〔2025〕{number}号",
                      "issuer": "国家税务总局南通市税务局", "date": "2025-06-10"},
            "act_date": "2025-05-01", "determination_date": "2025-06-10", "summary": "欠缴税款逾期未缴"}
    request = urllib.request.Request(f"{base}/api/v1/records", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _records_of(settings: Settings, subject_id: str) -> int:
    app = LedgerApplication(settings)
    try:
        return len(CreditService(app, load_all(), app.keystore.subject_secret()).records_of(UUID(subject_id)))
    finally:
        app.close()


def test_two_workers_share_the_writes_and_the_ledger_stays_intact(
        served: tuple[str, str, Settings, subprocess.Popen[str]]) -> None:
    base, token, settings, process = served
    workers = _wait_until(lambda: len(_workers_of(process.pid)) == 2 and _workers_of(process.pid))
    app = LedgerApplication(settings)
    engine = make_engine(settings)
    subject_id = str(AccountStore(engine, app).get(ROLE_USER["subject"]).subject_id)  # type: ignore[union-attr]
    engine.dispose()
    app.close()
    with ThreadPoolExecutor(12) as pool:
        codes = list(pool.map(lambda n: _record(base, token, subject_id, 200 + n), range(36)))
    # 12 writers on ONE subject through two processes: a race lost after every retry is a 409, never a 500
    assert set(codes) <= {200, 409} and codes.count(200) >= 24, codes
    assert _records_of(settings, subject_id) == codes.count(200)  # each 200 stored, each 409 stored nothing
    # a killed worker is replaced, and the service goes on answering
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    replaced = _wait_until(lambda: len(_workers_of(process.pid) - {victim}) == 2)
    assert replaced and _record(base, token, subject_id, 999) == 200
    verified = subprocess.run([sys.executable, "-m", "ledger.cli", "verify"], env=_env(settings), capture_output=True,
                              text=True, cwd=ROOT, timeout=120)
    assert verified.returncode == 0 and "INTACT" in verified.stdout, verified.stdout + verified.stderr
    ledger = LedgerApplication(settings)
    try:
        sizes = [int(c["tree_size"]) for c in ledger.recorder.checkpoints()]
    finally:
        ledger.close()
    assert sizes and len(sizes) == len(set(sizes))  # the one checkpointer: never the same checkpoint twice
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    _wait_until(lambda: not _workers_of(process.pid) and all(not Path(f"/proc/{p}").exists() for p in workers | {victim}))
