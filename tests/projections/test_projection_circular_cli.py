"""`ledger circular issue|show` (NT-JRP-Q) on the scenario ledger, through `ledger.cli.main`."""

from __future__ import annotations

import json

import pytest
from projection_support.scenario import build

from ledger.app import LedgerApplication
from ledger.cli import main


@pytest.fixture
def cli(signed_ledger: LedgerApplication, monkeypatch: pytest.MonkeyPatch) -> LedgerApplication:
    """The environment of `ledger` points at the test ledger."""
    monkeypatch.setenv("LEDGER_DATABASE_URL", signed_ledger.settings.database_url)
    monkeypatch.setenv("LEDGER_KEYS_DIR", str(signed_ledger.settings.keys_dir))
    monkeypatch.setenv("LEDGER_ORIGIN", signed_ledger.settings.origin)
    return signed_ledger


def test_nt_jrp_q_circular_issued_and_shown_from_the_command_line(cli: LedgerApplication,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    build(cli)
    issue = ["circular", "issue", "--profile", "NT", "--period", "2024-Q1", "--issued-on", "2024-04-01"]
    assert main([*issue, "--unit", "nt-tax-bureau"]) == 2  # only the credit office issues it
    assert "NT-JRP-Q" in capsys.readouterr().err
    count = cli.event_count()
    assert main([*issue, "--unit", "nt-credit-office", "--user", "sun"]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert cli.event_count() == count + 1 and issued["matches"] and issued["issued_by"] == "nt-credit-office"
    assert issued["contents"]["from"] == "2024-01-01" and "black" in issued["contents"]["lists"]
    assert main(["circular", "show", "--profile", "NT", "--period", "2024-Q1"]) == 0
    assert json.loads(capsys.readouterr().out)["content_hash"] == issued["content_hash"]
    assert main(["circular", "show", "--profile", "NT", "--period", "2024-Q7"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "period" in err
