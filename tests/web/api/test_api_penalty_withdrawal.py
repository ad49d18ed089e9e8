"""NAT-APL-48 through the API, with the app's business day in 2026 (NT v2 in force from 2026-04-01): a revoked
penalty is registered, shows overdue after 3 days, and is withdrawn from the public view."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from api_support import Api, error_of, event_total, person_of
from flask import Flask
from web_helpers import tmp_settings

from web.app import create_app


class Day:
    """The app's settable business day."""

    day = date(2026, 4, 2)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def app_2026(web_template: tuple[Path, UUID], tmp_path: Path) -> Iterator[tuple[Flask, Day]]:
    folder = tmp_path / "ledger"
    shutil.copytree(web_template[0], folder)
    clock = Day()
    app = create_app(tmp_settings(folder), today=clock, secure_cookies=False, TESTING=True)
    yield app, clock
    app.extensions["credit_ledger"].close()


def test_nat_apl_48_register_overdue_and_withdraw_through_the_api(app_2026) -> None:
    app, clock = app_2026
    admin, recorder, office = Api(app, "admin"), Api(app, "recording_unit"), Api(app, "credit_office")
    body = {"profile_id": "NT", "subject_id": str(person_of(app)), "behaviour_code": "NT-PCI-12.3", "tier": "general",
            "basis": {"type": "administrative_penalty", "number": "通税罚〔2026〕5号", "issuer": "国家税务总局南通市税务局",
                      "date": "2026-04-01"}, "act_date": "2026-03-02", "determination_date": "2026-04-01"}
    unpublished = recorder.post("/records", body)  # JY-16: NT v2 governs 2026-04-01 and is not published yet
    assert (unpublished.status_code, error_of(unpublished)["rule_id"]) == (422, "JY-16")
    admin.ok("/profiles", {"profile_id": "NT", "version": 2})
    record_id = recorder.ok("/records", body)["id"]
    assert recorder.read(f"/records/{record_id}", purpose="复核", basis="通信用〔2026〕1号")["valid_until"] == "2027-04-01"
    clock.day = date(2026, 5, 6)
    change = {"record_id": record_id, "outcome": "revoked", "changed_on": "2026-05-06",
              "decision": {"number": "（2026）苏06行终12号", "date": "2026-05-06"}}
    count = event_total(app)
    bad = recorder.post("/penalty-changes", {**change, "outcome": "reduced"})
    assert (bad.status_code, error_of(bad)["field"], error_of(bad)["rule_id"]) == (422, "outcome", "NAT-APL-48")
    assert event_total(app) == count
    withdrawal_id = recorder.ok("/penalty-changes", change)["id"]
    clock.day = date(2026, 5, 10)
    overdue = [s for s in office.read("/overdue") if s["id"] == withdrawal_id]
    assert [(s["step"], s["due"], s["rule_id"]) for s in overdue] == [("withdrawal", "2026-05-09", "NAT-APL-48")]
    recorder.ok(f"/penalty-changes/{withdrawal_id}/withdrawal", {"withdrawn_on": "2026-05-10"})
    assert not [s for s in office.read("/overdue") if s["id"] == withdrawal_id]
    assert recorder.read(f"/records/{record_id}", purpose="复核", basis="通信用〔2026〕1号")["status"] == "revoked"


def test_nat_apl_48_an_overdue_withdrawal_is_on_the_office_dashboard(app_2026) -> None:
    from web_helpers import login
    app, clock = app_2026
    Api(app, "admin").ok("/profiles", {"profile_id": "NT", "version": 2})
    recorder = Api(app, "recording_unit")
    record_id = recorder.ok("/records", {
        "profile_id": "NT", "subject_id": str(person_of(app)), "behaviour_code": "NT-PCI-12.3", "tier": "general",
        "basis": {"type": "administrative_penalty", "number": "通税罚〔2026〕6号", "issuer": "国家税务总局南通市税务局",
                  "date": "2026-04-01"}, "act_date": "2026-03-02", "determination_date": "2026-04-01"})["id"]
    withdrawal_id = recorder.ok("/penalty-changes", {
        "record_id": record_id, "outcome": "changed", "changed_on": "2026-04-02",
        "decision": {"number": "通复决〔2026〕2号", "date": "2026-04-02"}})["id"]
    clock.day = date(2026, 4, 10)
    client = app.test_client()
    login(client, "office")
    page = client.get("/office/").get_data(as_text=True)
    row = page[page.index(withdrawal_id):][:400]
    assert "撤回公示" in row and "2026-04-05" in row


def test_nat_apl_48_the_recording_page_registers_and_withdraws(app_2026) -> None:
    from casework_support import refused_at
    from web_helpers import event_count, flashed_id, login, post
    app, clock = app_2026
    Api(app, "admin").ok("/profiles", {"profile_id": "NT", "version": 2})
    record_id = Api(app, "recording_unit").ok("/records", {
        "profile_id": "NT", "subject_id": str(person_of(app)), "behaviour_code": "NT-PCI-12.3", "tier": "general",
        "basis": {"type": "administrative_penalty", "number": "通税罚〔2026〕8号", "issuer": "国家税务总局南通市税务局",
                  "date": "2026-04-01"}, "act_date": "2026-03-02", "determination_date": "2026-04-01"})["id"]
    client = app.test_client()
    login(client, "recorder")
    page = client.get("/recording/penalty-changes").get_data(as_text=True)
    assert "三日内撤回" in page and "NAT-APL-48" in page
    form = {"step": "register", "record_id": record_id, "outcome": "revoked", "decision_number": "（2026）苏06行终9号",
            "decision_date": "2026-04-02", "changed_on": "2026-04-02"}
    before = event_count(app)
    refused_at(post(client, "/recording/penalty-changes", {**form, "outcome": "reduced"}), "outcome", "NAT-APL-48")
    assert event_count(app) == before
    withdrawal_id = flashed_id(client, post(client, "/recording/penalty-changes", form))
    flashed_id(client, post(client, "/recording/penalty-changes",
                            {"step": "withdraw", "withdrawal_id": withdrawal_id, "withdrawn_on": "2026-04-02"}))
    with app.app_context():
        from web.context import services
        assert services().credit.record(UUID(record_id)).status == "revoked"
        assert services().credit.withdrawal(UUID(withdrawal_id)).withdrawn["late"] is False
