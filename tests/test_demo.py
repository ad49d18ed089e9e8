"""`ledger demo`: made-up subjects along every narrative path, no failures, a verifiable ledger, safe to re-run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from ledger.app import LedgerApplication
from ledger.config import Settings

REPO = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, LEDGER_DATABASE_URL=f"sqlite:///{tmp_path}/l.sqlite3", LEDGER_KEYS_DIR=str(tmp_path / "keys"))
    return subprocess.run([sys.executable, "-m", "ledger.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def line(output: str, prefix: str) -> str:
    [found] = [text for text in output.splitlines() if text.startswith(prefix)]
    return found


def test_demo_fills_a_verifiable_ledger_and_reruns_without_duplicates(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0

    first = run(tmp_path, "demo", "--subjects", "12", "--seed", "3")
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert line(out, "demo seed 3:").startswith("demo seed 3: 12 subjects (12 created, 0 cases already present")
    assert int(line(out, "events appended:").split(":")[1]) > 12
    assert line(out, "failures:") == "failures: 0"
    assert "black:" in line(out, "lists:") and "repaired=" in line(out, "records:")
    assert line(out, "sanctions:").startswith("sanctions: ")
    examples = out.split("try:\n", 1)[1].splitlines()
    tried = [e for e in examples if re.match(r"  [0-9a-f-]{36}  \S*\*+\S*  ", e)]
    assert 3 <= len(tried) <= 5

    verify = run(tmp_path, "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr

    again = run(tmp_path, "demo", "--subjects", "12", "--seed", "3")
    assert again.returncode == 0, again.stdout + again.stderr
    assert line(again.stdout, "demo seed 3:").startswith("demo seed 3: 12 subjects (0 created, ")
    assert line(again.stdout, "events appended:") == "events appended: 0"
    assert line(again.stdout, "failures:") == "failures: 0"
    for summary in ("lists:", "records:", "sanctions:"):  # the same subjects, nothing added
        assert line(again.stdout, summary) == line(out, summary)
    assert run(tmp_path, "verify").returncode == 0
    _assert_no_personal_data(tmp_path, first.stdout + first.stderr + again.stdout + again.stderr)


def _assert_no_personal_data(tmp_path: Path, output: str) -> None:
    """Issue 17.8 (NT-PCI-14, HA-3.2): no demo subject's full name or ID number in what the demo prints."""
    env = dict(LEDGER_DATABASE_URL=f"sqlite:///{tmp_path}/l.sqlite3", LEDGER_KEYS_DIR=str(tmp_path / "keys"))
    app = LedgerApplication(Settings.from_env(env))
    try:
        registered = [e for n in app.recorder.select_notifications(1, 1_000_000)
                      if n.topic.endswith("Subject.Registered") for e in [app.mapper.to_domain_event(n)]]
    finally:
        app.close()
    people = [e for e in registered if e.kind == "person"]
    assert len(people) >= 3
    for e in people:
        assert e.id_number not in output and e.name not in output, "personal data of a demo person in the output"
    assert not re.search(r"\b\d{17}[0-9X]\b", output)
