"""The bundle checker runs with only the standard library, PyNaCl and the ledger's stdlib-only trust modules."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from bundle.scenario import EXPORTER, build
from bundle.tamper import rewrite
from ledger_support.backends import sqlite_settings

from ledger.bundle import layout
from ledger.cli import main
from projections.bundle.export import export_bundle

POISON = textwrap.dedent("""
    import socket
    import sys
    BLOCKED = ("eventsourcing", "sqlalchemy", "domain", "projections", "psycopg", "flask", "web")
    ALLOWED_LEDGER = {"ledger", "ledger.envelope", "ledger.merkle", "ledger.checkpoint", "ledger.verification_errors",
                      "ledger.keybook", "ledger.bundle", "ledger.bundle.verify", "ledger.bundle.checks",
                      "ledger.bundle.contents", "ledger.bundle.layout", "ledger.bundle.attestation",
                      "ledger.bundle.claims", "ledger.bundle.reducer", "ledger.bundle.report",
                      "ledger.bundle.names", "ledger.bundle.describe", "ledger.bundle.witnesses", "ledger.cosignature"}
    imported = set()

    class Poison:
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            if top in BLOCKED or (top == "ledger" and name not in ALLOWED_LEDGER):
                raise ImportError(f"offline checker must not import {name}")
            if top == "ledger":
                imported.add(name)
            return None

    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            del sys.modules[name]
    sys.meta_path.insert(0, Poison())

    class NoNetwork(socket.socket):
        def __init__(self, *args, **kwargs):
            raise OSError("offline checker must not open a socket")

    socket.socket = NoNetwork
    socket.create_connection = NoNetwork
""")
BLOCKER = POISON + textwrap.dedent("""
    from ledger.bundle.verify import verify_bundle
    good, bad = verify_bundle(sys.argv[1]), verify_bundle(sys.argv[2])
    print(good.ok, bad.ok, sorted({f.file for f in bad.findings}))
    print(sorted(imported))
    print(sorted(n for n in sys.modules if n.split(".")[0] in BLOCKED))
""")


def test_nt_pci_37_checker_verifies_with_eventsourcing_sqlalchemy_domain_projections_blocked(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    good = export_bundle(s.app, None, s.subject_id, tmp_path / "good.zip", valid_at=[date(2024, 6, 1)], unit=EXPORTER)
    s.app.close()
    bad = rewrite(good, tmp_path / "bad.zip", {layout.STATE: lambda d: d.replace(b'"confirmed"', b'"exited"', 1)})
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-c", BLOCKER, str(good), str(bad)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    result, imported, blocked = done.stdout.strip().split("\n")
    assert result == "True False ['state.json']"
    # the checker reuses the ledger's own envelope, Merkle, checkpoint and key-book code (no copies)
    assert {"ledger.envelope", "ledger.merkle", "ledger.checkpoint", "ledger.keybook"} <= set(eval(imported))
    assert blocked == "[]"


def test_cli_export_registers_the_read_and_writes_a_valid_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    settings = sqlite_settings(tmp_path)
    s = build(settings)
    subject = str(s.subject_id)
    s.app.close()
    monkeypatch.setenv("LEDGER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEDGER_KEYS_DIR", str(settings.keys_dir))
    monkeypatch.setenv("LEDGER_ORIGIN", settings.origin)
    out = tmp_path / "cli.zip"
    base = ["export", subject, "--out", str(out), "--unit", "nt-credit-office"]
    assert main(base + ["--purpose", "court", "--basis", " ", "--valid-at", "2024-06-01"]) == 2
    assert "HA-5.2 [basis]" in capsys.readouterr().err and not out.exists()
    assert main(base + ["--purpose", "court", "--basis", "subpoena", "--valid-at", "2024-06-01",
                        "--valid-at", "2027-06-01", "--as-of", "2100-01-01T00:00:00+08:00"]) == 0
    assert "latest checkpoint cosigned by no witness (yet)" in capsys.readouterr().out
    assert main(["verify-bundle", str(out)]) == 0
    assert "RESULT: VALID" in capsys.readouterr().out
    assert main(["export", "00000000-0000-0000-0000-000000000000", "--out", str(tmp_path / "x.zip"), "--unit",
                 "nt-credit-office", "--purpose", "p", "--basis", "b"]) == 2
    assert "did not exist" in capsys.readouterr().err
    assert main(base + ["--unit", "nt-no-such-unit", "--purpose", "court", "--basis", "subpoena"]) == 2
    assert "no active key" in capsys.readouterr().err  # the attesting unit needs a registered key
