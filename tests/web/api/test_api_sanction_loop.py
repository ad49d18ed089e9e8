"""The sanction loop's other ends through the JSON API (JY-21 decline, JY-17 withdraw / lifts only to appliers,
CS-2.7 lifts by the credit office) and the public "under objection" flag (NT-PCI-32), on both backends."""

from __future__ import annotations

from flask import Flask

from api_support import Api, error_of, event_total, person_of
from test_api_workflows import _black_list, _push, _record

from web.context import services


def _applied_and_pushed(any_app: Flask) -> tuple[Api, Api, Api, str, str, str]:
    """A subject with two serious records, NT-M-06 pushed on each: one applied, the other only pushed."""
    subject_id = person_of(any_app)
    recorder, office, dept = Api(any_app, "recording_unit"), Api(any_app, "credit_office"), Api(any_app, "department")
    record_id = _record(recorder, subject_id)
    other_id = _record(recorder, subject_id, determined="2025-06-11")
    applied = _push(office, record_id)
    dept.ok(f"/sanctions/{applied}/acknowledgement", {"acknowledged_on": "2025-06-13"})
    dept.ok(f"/sanctions/{applied}/application",
            {"case": {"number": "贷审〔2025〕19号", "date": "2025-06-14", "description": "提高利率"}})
    return recorder, office, dept, other_id, applied, _push(office, other_id)


def test_jy_21_decline_through_the_api_closes_the_case(any_app: Flask) -> None:
    _, _, dept, _, _, pushed = _applied_and_pushed(any_app)
    before = event_total(any_app)
    early = dept.post(f"/sanctions/{pushed}/declination", {"reason": "无业务往来", "declined_on": "2025-06-13"})
    assert early.status_code == 422 and error_of(early)["rule_id"] == "JY-21" and event_total(any_app) == before
    dept.ok(f"/sanctions/{pushed}/acknowledgement", {"acknowledged_on": "2025-06-13"})
    blank = dept.post(f"/sanctions/{pushed}/declination", {"reason": "", "declined_on": "2025-06-13"})
    assert blank.status_code in (400, 422) and error_of(blank)["field"] == "reason"
    dept.ok(f"/sanctions/{pushed}/declination", {"reason": "该主体在本机构无业务往来", "declined_on": "2025-06-13"})
    case = Api(any_app, "credit_office").read(f"/sanctions/{pushed}")
    assert case["status"] == "declined" and case["closing"]["reason"] == "该主体在本机构无业务往来"


def test_jy_17_cs_2_7_the_credit_office_lifts_only_where_applied_after_an_exit(any_app: Flask) -> None:
    recorder, office, dept, other_id, applied, pushed = _applied_and_pushed(any_app)
    # the recording unit revokes the other record: its case was never applied, and the lift is not the recorder's
    recorder.ok("/revocations", {"target_id": other_id, "reason": "重复记录", "revoked_on": "2025-06-16",
                                 "apology": {"number": "通税致〔2025〕1号", "date": "2025-06-16", "text": "特此致歉"}})
    assert [(d["sanction_id"], d["action"]) for d in office.read("/sanctions/due-lifts")] == [(pushed, "withdraw")]
    lift = office.post(f"/sanctions/{pushed}/lift", {"reason": "移出", "pushed_on": "2025-06-16"})
    assert lift.status_code == 422 and (error_of(lift)["rule_id"], error_of(lift)["field"]) == ("JY-17", "sanction_id")
    assert dept.post("/sanctions/due-lifts", {"reason": "移出", "pushed_on": "2025-06-16"}).status_code == 403
    before = dept.read("/inbox")["next"]
    assert office.ok("/sanctions/due-lifts", {"reason": "记录撤销", "pushed_on": "2025-06-16"}) == {"ids": [pushed]}
    feed = dept.read("/inbox", since=before)["items"]  # the department learns the push is withdrawn
    assert [(i["kind"], i["sanction_id"], i["on"], i["reason"]) for i in feed] == [
        ("withdrawn", pushed, "2025-06-16", "记录撤销")]
    assert office.read(f"/sanctions/{pushed}")["status"] == "withdrawn"
    assert office.read(f"/sanctions/{applied}")["status"] == "applied" and office.read("/sanctions/due-lifts") == []
    office.ok(f"/sanctions/{applied}/lift", {"reason": "异议更正", "pushed_on": "2025-06-16"})
    assert office.read(f"/sanctions/{applied}")["status"] == "lift_pushed"


def test_nt_pci_32_the_public_api_shows_the_under_objection_flag(app: Flask) -> None:
    subject_id = person_of(app)
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    _black_list(recorder, office, subject_id, record_id)
    with app.app_context():
        id_number = services().credit.subject(subject_id).id_number
    public = app.test_client()
    answer = public.post("/api/v1/public/subjects/lookup", json={"q": id_number}).get_json()
    assert [r["under_objection"] for r in answer["records"]] == [False]
    recorder.ok("/objections", {"record_id": record_id, "grounds": "wrong_or_incomplete", "statement": "金额有误",
                                "filed_on": "2025-06-16"})
    answer = public.post("/api/v1/public/subjects/lookup", json={"q": id_number}).get_json()
    assert [r["under_objection"] for r in answer["records"]] == [True]  # flagged, still published (NT-PCI-32)
    assert [e["under_objection"] for e in answer["list_entries"]] == [False]
    spec = public.get("/api/v1/openapi.json").get_json()
    answer_200 = spec["paths"]["/api/v1/public/subjects/lookup"]["post"]["responses"]["200"]
    schema = answer_200["content"]["application/json"]["schema"]
    assert "under_objection" in schema["properties"]["records"]["items"]["required"]
