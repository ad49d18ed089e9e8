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
    """Set up, create a demo ledger on SQLite under ./var/demo with a local witness cosigning its checkpoints,
    demo logins, and serve the web UI (the witness process stops when the server does)."""
    setup()
    env = dict(os.environ)
    env.setdefault("LEDGER_DATABASE_URL", "sqlite:///var/demo/ledger.sqlite3")
    env.setdefault("LEDGER_KEYS_DIR", "var/demo/keys")
    ledger = [str(BIN / "ledger")]
    sh(*ledger, "init", env=env)
    witness = start_demo_witness(ledger, env, ROOT / "var" / "demo")
    try:
        sh(*ledger, "demo", "--subjects", os.environ.get("DEMO_SUBJECTS", "40"), "--seed", "7", env=env)
        sh(*ledger, "checkpoint", "--require-quorum", env=env)
        sh(*ledger, "verify", env=env)
        print("demo logins (user / password, role, unit):", flush=True)
        sh(*ledger, "users", "demo", env=env)
        host, port = os.environ.get("LEDGER_WEB_HOST", "127.0.0.1"), os.environ.get("LEDGER_WEB_PORT", "8000")
        print(f"open http://{host}:{port}/ and log in with one of the demo logins above", flush=True)
        sh(*ledger, "serve", "--host", host, "--port", port, env=env)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        stop_process(witness)


DEMO_WITNESS = "demo-witness.local/w1"


def start_demo_witness(ledger: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[str]:
    """Start a local witness (its own key and SQLite file in `folder`) trusting the demo ledger's origin and root
    key, on a free port; set LEDGER_WITNESSES in `env` so the ledger commands submit to it."""
    key, db = folder / "witness.key", f"sqlite:///{(folder / 'witness.sqlite3').resolve()}"
    if not key.exists():
        sh(*ledger, "witness", "keygen", "--out", str(key), "--name", DEMO_WITNESS, env=env)
    root_pub = Path(env.get("LEDGER_KEYS_DIR", "var/demo/keys")) / "root.pub"
    origin = env.get("LEDGER_ORIGIN", "credit-ledger.local/main")
    sh(*ledger, "witness", "trust", "--db", db, "--origin", origin, "--key", str(root_pub), env=env)
    vkey = subprocess.run([*ledger, "witness", "info", "--key", str(key)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout.split("vkey: ", 1)[1].strip()
    process = subprocess.Popen([*ledger, "witness", "serve", "--db", db, "--key", str(key), "--port", "0"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    first = process.stdout.readline() if process.stdout else ""
    if " on http://" not in first:
        stop_process(process)
        sys.exit(f"the demo witness did not start: {first.strip() or 'no output'}")
    url = first.split(" on ", 1)[1].split()[0]
    env["LEDGER_WITNESSES"] = f"{vkey} {url}"
    print(f"witness {DEMO_WITNESS} listening on {url} (its own key and database in {folder})", flush=True)
    return process


def stop_process(process: subprocess.Popen[str]) -> None:
    """Stop a child process we started (terminate, then kill after 10 s)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
