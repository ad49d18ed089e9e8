"""`ledger users ...` on both backends through the real CLI: every change is a registry event, bad input is one
line on stderr with exit 2 and stores nothing, and `users allowed` / `users history` answer from the log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from domain.clock import CHINA_TIME
from ledger.app import LedgerApplication
from ledger.config import Settings

REPO = Path(__file__).resolve().parents[1]


class Cli:
    """Runs `python -m ledger.cli` on one ledger."""

    def __init__(self, settings: Settings, cwd: Path) -> None:
        self.settings, self.cwd = settings, cwd

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        env.update(LEDGER_DATABASE_URL=self.settings.database_url, LEDGER_KEYS_DIR=str(self.settings.keys_dir),
                   LEDGER_ORIGIN=self.settings.origin, PYTHONPATH=os.environ.get("PYTHONPATH", str(REPO)))
        done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=env, cwd=self.cwd,
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def refused(self, *args: str) -> str:
        """Exit 2 with exactly one stderr line, and nothing appended to the log."""
        size = self.size()
        done = self.run(*args)
        lines = done.stderr.splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("ledger: error: "), done
        assert self.size() == size
        return lines[0]

    def size(self) -> int:
        app = LedgerApplication(self.settings)
        try:
            return app.log.tree_size()
        finally:
            app.close()


@pytest.fixture
def cli(backend_settings: Settings, tmp_path: Path) -> Cli:
    runner = Cli(backend_settings, tmp_path)
    runner.ok("init")
    runner.ok("users", "add", "boss", "--password", "boss-password-1", "--role", "admin", "--unit", "ledger-admin")
    runner.ok("users", "add", "clerk", "--password", "clerk-password-1", "--role", "recording_unit",
              "--unit", "nt-tax-bureau")
    return runner


def positions(history: str) -> dict[str, int]:
    """Event kind -> log position, from `users history` lines."""
    return {m.group(2): int(m.group(1)) for m in re.finditer(r"position (\d+) +\S+ +(\w+)", history)}


def test_cli_account_commands_write_registry_events_and_verify_stays_intact(cli: Cli) -> None:
    token = cli.ok("users", "token", "clerk", "--label", "tax system").strip()
    assert token.startswith("clt_")
    listing = cli.ok("users", "tokens", "clerk")
    assert re.search(r"^\s+1 clerk +yes +\d+ tax system$", listing, re.M), listing
    assert cli.ok("users", "revoke-token", "1").strip() == "revoked token 1"
    assert "HA-5.2 [token_id]" in cli.refused("users", "revoke-token", "1")
    assert "password changed" in cli.ok("users", "passwd", "clerk", "--password", "another-password-2")
    assert cli.ok("users", "deactivate", "clerk").strip() == "deactivated clerk"
    assert "declared system user sweeper" in cli.ok("users", "system", "sweeper", "--unit", "nt-credit-office",
                                                     "--purpose", "nightly sweep of expired measures")
    listed = cli.ok("users", "list")
    assert re.search(r"^clerk +recording_unit +nt-tax-bureau +no ", listed, re.M), listed
    assert re.search(r"^sweeper +\(system\) +nt-credit-office +yes +nightly sweep", listed, re.M), listed
    history = cli.ok("users", "history", "clerk")
    assert list(positions(history)) == ["UserCreated", "TokenIssued", "TokenRevoked", "PasswordChanged", "Deactivated"]
    assert "by ledger-operator" in history
    verify = cli.run("verify", "--workers", "1")
    assert verify.returncode == 0 and "INTACT" in verify.stdout, verify.stdout


def test_cli_bad_account_input_is_one_line_exit_2_and_nothing_stored(cli: Cli) -> None:
    assert "HA-5.2 [password]" in cli.refused("users", "add", "newbie", "--password", "short", "--role", "auditor",
                                              "--unit", "u")
    assert "HA-5.2 [username]" in cli.refused("users", "add", "clerk", "--password", "long-enough", "--role",
                                              "auditor", "--unit", "u")
    assert "HA-5.2 [role]" in cli.refused("users", "grant", "clerk", "--role", "king")
    assert "HA-5.2 [username]" in cli.refused("users", "deactivate", "ghost")
    assert "HA-5.2 [username]" in cli.refused("users", "system", "clerk", "--unit", "x", "--purpose", "p")
    assert "no user ghost" in cli.refused("users", "history", "ghost")


def test_cli_allowed_answers_at_a_position_and_on_a_day(cli: Cli) -> None:
    created = positions(cli.ok("users", "history", "clerk"))["UserCreated"]
    cli.ok("users", "deactivate", "clerk")
    deactivated = positions(cli.ok("users", "history", "clerk"))["Deactivated"]
    at = ("users", "allowed", "clerk", "--unit", "nt-tax-bureau", "--position")
    before = cli.run(*at, str(created))
    assert before.returncode == 1 and before.stdout.startswith("NOT ALLOWED: clerk for nt-tax-bureau at position")
    during = cli.run(*at, str(created + 1))
    assert during.returncode == 0 and during.stdout.startswith("ALLOWED")
    assert f"position {created} " in during.stdout and "ledger prove inclusion" in during.stdout
    after = cli.run(*at, str(deactivated + 1))
    assert after.returncode == 1 and "account clerk is deactivated" in after.stdout
    assert f"position {deactivated} " in after.stdout
    other_unit = cli.run("users", "allowed", "clerk", "--unit", "nt-credit-office", "--position", str(created + 1))
    assert other_unit.returncode == 1 and "acts for nt-tax-bureau, not for nt-credit-office" in other_unit.stdout
    today = datetime.now(CHINA_TIME).date().isoformat()
    assert cli.run("users", "allowed", "boss", "--unit", "ledger-admin", "--at", today).returncode == 0
    long_ago = cli.run("users", "allowed", "boss", "--unit", "ledger-admin", "--at", "2020-01-01")
    assert long_ago.returncode == 1 and "no account or system user boss" in long_ago.stdout
    assert cli.run("users", "allowed", "boss", "--unit", "ledger-admin", "--at", "yesterday").returncode == 2
