"""`ledger rebuild` and `ledger status` (registered by ledger/cli_projections.py)."""

from __future__ import annotations

import argparse
import json

import pytest
from projection_support.history import ID_NUMBER, record_history

from ledger.app import LedgerApplication
from ledger.cli_projections import register


def run(argv: list[str], app: LedgerApplication, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("LEDGER_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("LEDGER_KEYS_DIR", str(app.settings.keys_dir))
    monkeypatch.setenv("LEDGER_ORIGIN", app.settings.origin)
    parser = argparse.ArgumentParser(prog="ledger")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_rebuild_then_status_by_id_number(signed_ledger: LedgerApplication, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    h = record_history(signed_ledger)
    assert run(["rebuild"], signed_ledger, monkeypatch) == 0
    assert "rebuilt records" in capsys.readouterr().out
    assert run(["status", ID_NUMBER, "--position", str(h.positions["flagged"]), "--valid-at", "2023-03-05"],
               signed_ledger, monkeypatch) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["subject_id"] == str(h.subject_id) and answer["log_position"] == h.positions["flagged"]
    assert [(i["status"], i["in_force_at"]) for i in answer["items"]] == [("objection_pending", True)]


def test_as_of_needs_a_time_zone(signed_ledger: LedgerApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        run(["status", "x", "--as-of", "2025-01-01T00:00:00"], signed_ledger, monkeypatch)
