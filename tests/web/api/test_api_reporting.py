"""Reporting and upkeep through the API: monthly list reports (NT-PCI-17), upward pushes (JY-22), the expiry
sweep (NT-PCI-30)."""

from __future__ import annotations

import random
from datetime import date
from uuid import UUID

from api_support import Api, add_user, error_of, event_total
from flask import Flask
from test_api_workflows import _black_list, _record

from domain.actor import Actor
from domain.identifiers import synthetic_credit_code
from domain.service import CreditService
from web.context import services


def test_the_monthly_list_report_is_due_then_submitted_nt_pci_17(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id, determined="2025-04-10", act="2025-04-01")
    entry = recorder.ok("/list-entries", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": [record_id], "drafted_on": "2025-04-11", "reason": "严重失信"})
    office.ok(f"/list-entries/{entry['id']}/confirmation", {"confirmed_on": "2025-04-20"})
    [due] = office.read("/list-reports/due")
    assert (due["unit"], due["period"], due["list_entry_ids"], due["due"], due["rule_id"]) == (
        "nt-tax-bureau", "2025-04", [entry["id"]], "2025-05-31", "NT-PCI-17")
    assert due["days_late"] == 16

    report = {"profile_id": "NT", "period": "2025-04", "list_entry_ids": [], "reported_on": "2025-06-16"}
    before = event_total(app)
    for change, field in (({}, "list_entry_ids"), ({"period": "2025-13"}, "period"),
                          ({"period": "April"}, "period"), ({"list_entry_ids": ["x"]}, "list_entry_ids[0]"),
                          ({"reported_on": "2025-06-31"}, "reported_on")):
        refused = recorder.post("/list-reports", {**report, **change})
        assert refused.status_code == 422, (change, refused.get_data(as_text=True))
        assert (error_of(refused)["field"], error_of(refused)["rule_id"]) == (field, "NT-PCI-17"), change
    assert Api(app, "department").post("/list-reports", report).status_code == 403
    assert event_total(app) == before

    recorder.ok("/list-reports", {**report, "list_entry_ids": [entry["id"]]})
    assert office.read("/list-reports/due") == []
    again = recorder.post("/list-reports", {**report, "list_entry_ids": []})
    assert (again.status_code, error_of(again)["field"]) == (422, "period")
    recorder.ok("/list-reports", {**report, "period": "2025-05"})  # the zero report (NT-PCI-17)


def test_a_confirmed_black_entry_is_pushed_upward_jy_22(app: Flask) -> None:
    add_user(app, "jy-market", "recording_unit", "jy-market-supervision")
    add_user(app, "jy-office", "credit_office", "jy-credit-office")
    market, jy_office = Api(app, "recording_unit", "jy-market"), Api(app, "credit_office", "jy-office")
    company = market.ok("/subjects/organisations", {"name": "江阴某公司",
                                                    "uscc": synthetic_credit_code(random.Random(84))})["id"]
    record = market.ok("/records", {
        "profile_id": "JY", "subject_id": company, "behaviour_code": "JY-4.1", "tier": "serious",
        "basis": {"type": "administrative_penalty", "number": "澄市监罚〔2025〕3号", "issuer": "江阴市市场监督管理局",
                  "date": "2025-05-03"}, "act_date": "2025-04-01", "determination_date": "2025-05-03"})["id"]
    entry = market.ok("/list-entries", {"profile_id": "JY", "subject_id": company, "list_code": "black",
                                        "list_field": "health_life", "record_ids": [record],
                                        "drafted_on": "2025-05-04", "reason": "严重失信"})["id"]
    market.ok(f"/list-entries/{entry}/prior-notice", {"notice_on": "2025-05-06", "content": "事前告知"})
    assert jy_office.read("/upward-pushes/pending") == []
    jy_office.ok(f"/list-entries/{entry}/confirmation", {"confirmed_on": "2025-05-20",
                                                         "decision": {"number": "澄信认〔2025〕1号", "date": "2025-05-20"}})
    [pending] = jy_office.read("/upward-pushes/pending")
    assert (pending["list_entry_id"], pending["missing"]) == (entry, ["jiangsu-province", "wuxi-city"])

    jy_office.ok(f"/list-entries/{entry}/upward-push", {"pushed_on": "2025-05-21", "systems": ["jiangsu-province"]})
    assert jy_office.read("/upward-pushes/pending")[0]["missing"] == ["wuxi-city"]
    before = event_total(app)
    for body, field in (({"pushed_on": "2025-05-22", "systems": ["jiangsu-province"]}, "systems"),
                        ({"pushed_on": "2025-05-22", "systems": ["beijing"]}, "systems"),
                        ({"pushed_on": "2025-05-22", "systems": "wuxi-city"}, "systems"),
                        ({"pushed_on": "2030-01-01", "systems": ["wuxi-city"]}, "pushed_on")):
        refused = jy_office.post(f"/list-entries/{entry}/upward-push", body)
        assert refused.status_code == 422, (body, refused.get_data(as_text=True))
        assert (error_of(refused)["field"], error_of(refused)["rule_id"]) == (field, "JY-22"), body
    nt_office = Api(app, "credit_office").post(f"/list-entries/{entry}/upward-push", {"pushed_on": "2025-05-22"})
    assert (nt_office.status_code, error_of(nt_office)["field"]) == (422, "actor")  # not JY's credit office
    assert event_total(app) == before
    jy_office.ok(f"/list-entries/{entry}/upward-push", {"pushed_on": "2025-05-24", "systems": ["wuxi-city"]})
    assert jy_office.read("/upward-pushes/pending") == []
    assert [(p["systems"], p["on"]) for p in jy_office.read(f"/list-entries/{entry}")["upward_pushes"]] == [
        (["jiangsu-province"], "2025-05-21"), (["wuxi-city"], "2025-05-24")]


def _listed_and_pushed_on(app: Flask, subject_id: UUID, record_id: str, day: date) -> str:
    """Black-list the record and push a measure on `day` (a service whose business day is `day`)."""
    with app.app_context():
        svc = services()
        then = CreditService(svc.ledger, svc.profiles, svc.ledger.keystore.subject_secret(), today=lambda: day)
        recorder, office = Actor("nt-tax-bureau", "recorder"), Actor("nt-credit-office", "office")
        entry = then.draft_list_entry(recorder, profile_id="NT", subject_id=subject_id, list_code="black",
                                      record_ids=[UUID(record_id)], drafted_on=day, reason="严重失信")
        then.confirm_list_entry(office, list_entry_id=entry, confirmed_on=day,
                                decision={"number": "通信用认〔2025〕2号", "date": day})
        return str(then.push_sanction(office, source_id=UUID(record_id), measure_id="NT-M-06", pushed_on=day))


def test_the_sweep_records_expiry_and_pushes_the_lifts_nt_pci_30(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id, determined="2022-06-10", act="2022-05-01")  # serious: to 2025-06-10
    case_id = _listed_and_pushed_on(app, subject_id, record_id, date(2025, 6, 9))  # NT-PCI-30: while in force
    dept = Api(app, "department")  # JY-17: the lift goes to a department that applied the measure
    dept.ok(f"/sanctions/{case_id}/acknowledgement", {"acknowledged_on": "2025-06-09"})
    dept.ok(f"/sanctions/{case_id}/application",
            {"case": {"number": "贷审〔2025〕19号", "date": "2025-06-10", "description": "提高利率"}})
    before = event_total(app)
    future = office.post("/sweep", {"today": "2025-07-01"})
    assert (future.status_code, error_of(future)["field"], error_of(future)["rule_id"]) == (422, "today", "NT-PCI-30")
    assert Api(app, "recording_unit").post("/sweep", {}).status_code == 403
    assert office.ok("/sweep", {"today": "2025-06-09"})["expired"] == []
    assert event_total(app) == before
    swept = office.ok("/sweep")["expired"]
    assert record_id in swept and office.read(f"/records/{record_id}")["status"] == "expired"
    assert office.read(f"/sanctions/{case_id}")["status"] == "lift_pushed"
    assert office.ok("/sweep", {})["expired"] == []  # idempotent
