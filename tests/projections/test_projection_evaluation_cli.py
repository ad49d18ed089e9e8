"""`ledger evaluation issue|show` (NT-GOV-4.1) through `ledger.cli.main`, on both backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from gov_support import CREDIT, judgment, register_body
from ledger_support.backends import initialised_ledger

from domain.actor import Actor
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.cli import main
from ledger.config import Settings

UNITS = ("ledger-admin", "nt-credit-office", "nt-organisation-department", "nt-statistics-bureau")


@pytest.fixture
def cli(backend_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerApplication]:
    """A ledger with NT published; the environment of `ledger` points at it."""
    app = initialised_ledger(backend_settings, UNITS)
    monkeypatch.setenv("LEDGER_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("LEDGER_KEYS_DIR", str(app.settings.keys_dir))
    monkeypatch.setenv("LEDGER_ORIGIN", app.settings.origin)
    yield app
    app.close()


def test_nt_gov_4_1_evaluation_issued_and_shown_from_the_command_line(cli: LedgerApplication,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    service = CreditService(cli, {"NT": load_all()["NT"]}, cli.keystore.subject_secret())
    service.publish_profile(Actor("ledger-admin", "admin"), profile_id="NT")
    city = register_body(service, "南通市人民政府", 61)
    dept = register_body(service, "南通市统计局", 62, superior_id=city)
    service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=dept, source_kind="court_judgment", document=judgment(date(2024, 3, 1)),
        behaviour_code="NT-GOV-3.4", tier="general", act_date=date(2023, 11, 1), determination_date=date(2024, 3, 2))
    issue = ["evaluation", "issue", "--profile", "NT", "--evaluator", str(city), "--year", "2024",
             "--issued-on", "2025-01-10"]
    assert main([*issue, "--unit", "nt-statistics-bureau"]) == 2  # neither the evaluator nor the credit office
    assert "NT-GOV-4.1" in capsys.readouterr().err
    count = cli.event_count()
    assert main([*issue, "--unit", "nt-credit-office", "--user", "sun"]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert cli.event_count() == count + 1 and issued["matches"] and issued["issued_by"] == "nt-credit-office"
    assert issued["contents"]["bodies"][0]["records"] == {"court_judgment": 1}
    assert main(["evaluation", "show", "--profile", "NT", "--evaluator", str(city), "--year", "2024"]) == 0
    assert json.loads(capsys.readouterr().out)["content_hash"] == issued["content_hash"]
