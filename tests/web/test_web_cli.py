"""`ledger users …` and `ledger serve`: real subprocesses on a real initialised ledger."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from ledger_support.backends import initialised_ledger

from web_helpers import tmp_settings

from ledger.cli import main

LEDGER = [sys.executable, "-m", "ledger.cli"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment of a freshly initialised SQLite ledger (no unit keys yet)."""
    settings = tmp_settings(tmp_path)
    initialised_ledger(settings).close()
    return {**os.environ, "LEDGER_DATABASE_URL": settings.database_url, "LEDGER_KEYS_DIR": str(settings.keys_dir),
            "LEDGER_ORIGIN": settings.origin, "PYTHONPATH": str(ROOT)}


def _ledger(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEDGER, *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)


def _in_process(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                *args: str) -> subprocess.CompletedProcess[str]:
    """Run `ledger ARGS` through its real entry point in this process (faster than a subprocess)."""
    for name in ("LEDGER_DATABASE_URL", "LEDGER_KEYS_DIR", "LEDGER_ORIGIN"):
        monkeypatch.setenv(name, env[name])
    code = main(list(args))
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, out, err)


def test_users_add_list_token_and_refusals(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    def _ledger(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return _in_process(env, monkeypatch, capsys, *args)

    added = _ledger(env, "users", "add", "clerk", "--password", "clerk-password", "--role", "credit_office",
                    "--unit", "nt-credit-office")
    assert added.returncode == 0, added.stderr
    listed = _ledger(env, "users", "list")
    assert re.search(r"clerk\s+credit_office\s+nt-credit-office\s+yes", listed.stdout)
    token = _ledger(env, "users", "token", "clerk", "--label", "office script")
    assert token.returncode == 0 and token.stdout.startswith("clt_")
    bad = _ledger(env, "users", "add", "clerk2", "--password", "short", "--role", "credit_office", "--unit", "u")
    assert bad.returncode == 2 and bad.stderr.strip() == "ledger: error: HA-5.2 [password]: at least 8 characters"
    assert "clerk2" not in _ledger(env, "users", "list").stdout


def test_users_demo_is_idempotent_and_gives_every_unit_a_key(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    def _ledger(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return _in_process(env, monkeypatch, capsys, *args)

    first = _ledger(env, "users", "demo")
    assert first.returncode == 0, first.stderr
    for user in ("recorder", "office", "dept", "auditor", "admin", "lyg-recorder"):
        assert re.search(rf"\b{user}\s+/ {user}-demo-1\b", first.stdout), first.stdout
    assert "no demo subject yet" in first.stdout  # an empty ledger has no subject to tie the subject login to
    keys = _ledger(env, "keys", "list").stdout
    assert all(unit in keys for unit in ("nt-tax-bureau", "nt-credit-office", "nt-financial-institutions",
                                         "nt-discipline-supervision", "ledger-admin", "lyg-petition-bureau"))
    second = _ledger(env, "users", "demo")
    assert second.returncode == 0 and second.stdout.count("(already there)") == 6  # every staff login; the subject login waits for a subject


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_the_address_and_serves_the_ui(env: dict[str, str]) -> None:
    port = _free_port()
    server = subprocess.Popen([*LEDGER, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/" in line
        for _ in range(50):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/public/", timeout=2) as response:
                    assert response.status == 200 and "公共查询" in response.read().decode()
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("ledger serve did not answer")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_on_an_uninitialised_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/none.sqlite3",
           "LEDGER_KEYS_DIR": str(tmp_path / "keys"), "PYTHONPATH": str(ROOT)}
    result = _ledger(env, "serve", "--port", str(_free_port()))
    assert result.returncode == 2 and result.stderr.startswith("ledger: error:") and "Traceback" not in result.stderr
