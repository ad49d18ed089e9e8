"""NT-GOV through the real Flask test client on both backends: bodies, civil servants, files, records,
fault tolerance, consequences, the award check (a registered read) and the public view."""

from __future__ import annotations

import random
from datetime import date

from api_support import Api, add_user, error_of, event_total
from flask import Flask

from domain.identifiers import synthetic_resident_id, uscc_check_char
from web.context import services


def body_code(seed: int) -> str:
    rng = random.Random(seed)
    body = "11320600MB" + "".join(rng.choice("0123456789") for _ in range(7))
    return body + uscc_check_char(body)


def _accounts(app: Flask) -> tuple[Api, Api, Api, Api]:
    add_user(app, "org-dept", "recording_unit", "nt-organisation-department")
    add_user(app, "discipline", "recording_unit", "nt-discipline-supervision")
    add_user(app, "stats", "recording_unit", "nt-statistics-bureau")
    return (Api(app, "recording_unit", "org-dept"), Api(app, "recording_unit", "discipline"),
            Api(app, "recording_unit", "stats"), Api(app, "credit_office"))


def test_nt_gov_department_and_civil_servant_through_the_api(any_app: Flask) -> None:
    app = any_app
    org, discipline, stats, office = _accounts(app)
    code = body_code(1)
    before = event_total(app)
    refused = org.post("/government/bodies", {"profile_id": "NT", "name": "某公司", "uscc": code[:-1] + "X",
                                              "level": "city"})
    assert refused.status_code == 422 and error_of(refused)["field"] == "uscc" and event_total(app) == before
    dept = org.ok("/government/bodies", {"profile_id": "NT", "name": "南通市统计局", "uscc": code, "level": "city",
                                         "unit": "nt-statistics-bureau"})["id"]
    servant_number = synthetic_resident_id(random.Random(7), date(1976, 4, 4))
    servant = org.ok("/government/civil-servants", {"profile_id": "NT", "name": "周九", "id_number": servant_number,
                                                    "employer_id": dept, "post": "副局长"})["id"]
    stats.ok(f"/government/subjects/{servant}/file-entries", {
        "profile_id": "NT", "category": "honours", "polarity": "positive",
        "document": {"number": "通奖〔2025〕1号", "date": "2025-05-01"}, "summary": "记三等功"})
    # NT-GOV-2.2c: a kept fault-tolerance determination refuses the record, 4xx, nothing stored
    discipline.ok(f"/government/subjects/{servant}/fault-tolerance", {
        "profile_id": "NT", "case_number": "通纪〔2025〕1号", "document": {"number": "通容〔2025〕1号",
                                                                         "date": "2025-05-02"}, "reason": "改革探索"})
    sanction = {"profile_id": "NT", "subject_id": servant, "source_kind": "disciplinary_sanction",
                "document": {"number": "通纪〔2025〕1号", "date": "2025-05-01", "issuer": "南通市纪委"},
                "behaviour_code": "NT-GOV-3.6", "tier": "general", "act_date": "2025-01-02",
                "determination_date": "2025-05-01"}
    before = event_total(app)
    refused = discipline.post("/government/records", sanction)
    assert refused.status_code == 422 and error_of(refused)["rule_id"] == "NT-GOV-2.2c"
    assert event_total(app) == before
    record = discipline.ok("/government/records", {
        **sanction, "document": {**sanction["document"], "number": "通纪〔2025〕2号"}})["id"]
    # NT-GOV-2.4b: the award check is a registered read
    before = event_total(app)
    check = office.read(f"/government/subjects/{servant}/award-eligibility", day="2025-06-01")
    assert check == {"subject_id": servant, "day": "2025-06-01", "allowed": False, "barring_record_ids": [record]}
    assert event_total(app) == before + 1
    missing = office.get(f"/government/subjects/{servant}/award-eligibility", day="2025-06-01")
    assert missing.status_code == 422 and error_of(missing)["rule_id"] == "HA-5.2"
    office.ok(f"/government/records/{record}/self-correction", {
        "ground": "loss_recovered", "outcome": "exempt", "reason": "主动挽回损失",
        "document": {"number": "通信办〔2025〕9号", "date": "2025-06-10"}, "decided_on": "2025-06-10"})
    assert office.read(f"/government/subjects/{servant}/award-eligibility", day="2025-06-10")["allowed"] is True
    # NT-GOV-2.4a: a body's record, rectification overdue, criticism
    body_record = office.ok("/government/records", {
        **sanction, "subject_id": dept, "source_kind": "court_judgment", "behaviour_code": "NT-GOV-3.4",
        "document": {"number": "(2025)苏06行初3号", "date": "2025-04-01", "issuer": "南通市中级人民法院"},
        "determination_date": "2025-04-02"})["id"]
    stats.ok(f"/government/records/{body_record}/explanation", {"text": "政策衔接不到位", "explained_on": "2025-04-05"})
    office.ok(f"/government/records/{body_record}/rectification-order", {
        "ordered_on": "2025-04-06", "deadline": "2025-05-06", "requirements": "兑现承诺"})
    overdue = office.read("/government/overdue-rectifications")
    assert [o["record_id"] for o in overdue] == [body_record]
    office.ok(f"/government/records/{body_record}/criticism", {
        "notice": {"number": "通信办〔2025〕10号", "date": "2025-06-01", "text": "通报批评"},
        "published_on": "2025-06-01"})
    case = office.read(f"/government/records/{body_record}/case")
    assert case["rectification_overdue"] is True and case["criticism"]["on"] == "2025-06-01"
    file = office.read(f"/government/subjects/{servant}/file")
    assert [e["category"] for e in file["entries"]] == ["honours"] and len(file["fault_tolerance"]) == 1
    assert file["masked"]["name"] == "周*"
    # NT-GOV-2.3: public view: the body named, the civil servant masked as a person
    public = app.test_client()
    body_view = public.post("/api/v1/public/subjects/lookup", json={"q": code}).get_json()
    assert body_view["masked"]["name"] == "南通市统计局" and len(body_view["records"]) == 1
    servant_view = public.post("/api/v1/public/subjects/lookup", json={"q": servant_number}).get_json()
    assert servant_view["masked"]["name"] == "周*" and servant_number not in str(servant_view)
    with app.app_context():
        assert services().credit.record(record).government["source_kind"] == "disciplinary_sanction"
    # NT-GOV-2.3: collected upward by month
    refused = stats.post("/government/reports", {"profile_id": "NT", "period": "2025-04", "reported_on": "2025-06-16"})
    assert refused.status_code == 403
    office.ok("/government/reports", {"profile_id": "NT", "period": "2025-04", "reported_on": "2025-06-16"})
    report = office.read("/government/reports/NT/2025-04")
    assert report["record_ids"] == [body_record] and report["targets"] == ["信用江苏", "信用中国"]
