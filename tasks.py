#!/usr/bin/env python3
"""Two commands for a fresh machine with Python 3.11: `python3 tasks.py run` and `python3 tasks.py test`.

Standard library only: it creates .venv, installs the project, then runs the service or the tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PG_HOST, PG_PORT = "127.0.0.1", 5432


def sh(*args: str, env: dict[str, str] | None = None, check: bool = True) -> int:
    """Run a command in the repository, echoing it."""
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, cwd=ROOT, env=env, check=check).returncode


def setup() -> None:
    """Create the virtualenv and install the project with its test extras."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", str(VENV))
    sh(str(BIN / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip")
    sh(str(BIN / "python"), "-m", "pip", "install", "-q", "-e", ".[test]")


def postgres_up() -> bool:
    """Whether something listens on the PostgreSQL port."""
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """Start the local PostgreSQL cluster if it is down; on CI, fail loudly if it stays down."""
    if postgres_up():
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and clusters.exists():
        for version in sorted(p.name for p in clusters.iterdir()):
            sh("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start", check=False)
        for _ in range(30):
            if postgres_up():
                return
            time.sleep(1)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        sys.exit(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}; CI requires the PostgreSQL tests to run")
    print(f"warning: PostgreSQL not reachable at {PG_HOST}:{PG_PORT}; its tests will be skipped", flush=True)


def run() -> None:
    """Set up, create a demo ledger on SQLite under ./var/demo, demo logins, and serve the web UI."""
    setup()
    env = dict(os.environ)
    env.setdefault("LEDGER_DATABASE_URL", "sqlite:///var/demo/ledger.sqlite3")
    env.setdefault("LEDGER_KEYS_DIR", "var/demo/keys")
    ledger = str(BIN / "ledger")
    sh(ledger, "init", env=env)
    sh(ledger, "demo", "--subjects", os.environ.get("DEMO_SUBJECTS", "40"), "--seed", "7", env=env)
    sh(ledger, "checkpoint", env=env)
    sh(ledger, "verify", env=env)
    print("demo logins (user / password, role, unit):", flush=True)
    sh(ledger, "users", "demo", env=env)
    host, port = os.environ.get("LEDGER_WEB_HOST", "127.0.0.1"), os.environ.get("LEDGER_WEB_PORT", "8000")
    print(f"open http://{host}:{port}/ and log in with one of the demo logins above", flush=True)
    sh(ledger, "serve", "--host", host, "--port", port, env=env)


def test() -> None:
    """Set up, make sure PostgreSQL is up, and run the whole test suite."""
    setup()
    ensure_postgres()
    sys.exit(sh(str(BIN / "python"), "-m", "pytest", "-q", *sys.argv[2:], check=False))


if __name__ == "__main__":
    commands = {"run": run, "test": test, "setup": setup}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 tasks.py run | test [pytest args] | setup")
    commands[sys.argv[1]]()
