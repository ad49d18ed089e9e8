"""Run the real `ledger` console script (`python -m ledger.cli`) as a subprocess against a test ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ledger.config import Settings

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LedgerCli:
    """The CLI with a ledger's settings in its environment and this checkout on its PYTHONPATH."""

    settings: Settings

    def env(self) -> dict[str, str]:
        """The environment: the ledger's settings, this checkout first on the path."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        env.update(LEDGER_DATABASE_URL=self.settings.database_url, LEDGER_KEYS_DIR=str(self.settings.keys_dir),
                   LEDGER_ORIGIN=self.settings.origin, PYTHONPATH=f"{REPO}{os.pathsep}{REPO / 'tests'}")
        return env

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """Start a long-running command (a server); the caller stops it."""
        return subprocess.Popen([sys.executable, "-m", "ledger.cli", *args], env=self.env(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one command; no traceback may ever reach the user."""
        done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=self.env(), capture_output=True,
                              text=True, timeout=120)
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done

    def status(self, *args: str, expect: int) -> str:
        """Run, require exit status `expect`, return stdout."""
        done = self.run(*args)
        assert done.returncode == expect, (args, done.returncode, done.stdout, done.stderr)
        return done.stdout

    def user_error(self, *args: str) -> str:
        """Exit 2 with exactly one stderr line "ledger: error: ..."; return it."""
        done = self.run(*args)
        lines = done.stderr.splitlines()
        assert done.returncode == 2 and len(lines) == 1 and lines[0].startswith("ledger: error: "), \
            (args, done.returncode, done.stdout, done.stderr)
        return lines[0]
