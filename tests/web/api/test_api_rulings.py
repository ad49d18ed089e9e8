"""Later rulings through the API: correction after an upheld objection (NT-PCI-32), withdrawal of an objected
list entry (JY-6.2), escalation (LYG-9), revocation with a written apology (JY-24), Changshu points (CS-2.2)."""

from __future__ import annotations

import random
from typing import Any
from uuid import UUID

from api_support import Api, add_user, error_of, event_total
from flask import Flask
from test_api_workflows import _basis, _black_list, _record

from domain.identifiers import synthetic_credit_code

AUDIT = {"purpose": "纪检审查", "basis": "审查通知〔2025〕9号"}
APOLOGY = {"number": "通税致〔2025〕1号", "date": "2025-06-16", "text": "因认定错误，特此书面致歉"}


def _upheld_objection(recorder: Api, office: Api, record_id: str) -> str:
    objection = office.ok("/objections", {"record_id": record_id, "grounds": "wrong_or_incomplete",
                                          "statement": "摘要有误", "filed_on": "2025-06-12"})["id"]
    recorder.ok(f"/objections/{objection}/decision", {"upheld": True, "reasons": "摘要确有错误",
                                                      "decided_on": "2025-06-13"})
    return objection  # type: ignore[no-any-return]


def test_an_upheld_objection_corrects_the_record_and_keeps_the_old_value_nt_pci_32(app: Flask,
                                                                                   subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    objection = _upheld_objection(recorder, office, record_id)
    by_provider = recorder.post(f"/objections/{objection}/correction", {"changes": {"summary": "逾期未缴税款 3 万元"},
                                                                         "applied_on": "2025-06-16"})
    assert (by_provider.status_code, error_of(by_provider)["rule_id"]) == (422, "NT-PCI-32")  # the centre corrects
    office.ok(f"/objections/{objection}/correction", {"changes": {"summary": "逾期未缴税款 3 万元"},
                                                      "applied_on": "2025-06-16"})
    record = office.read(f"/records/{record_id}")
    assert record["summary"] == "逾期未缴税款 3 万元" and record["flags"] == []
    assert record["corrections"] == [{"objection_id": objection, "changes": {
        "summary": {"old": "欠缴税款逾期未缴", "new": "逾期未缴税款 3 万元"}}}]
    assert office.read(f"/objections/{objection}")["status"] != "upheld"


def test_an_upheld_objection_to_a_draft_entry_withdraws_it_jy_6_2(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    entry = recorder.ok("/list-entries", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": [record_id], "drafted_on": "2025-06-10", "reason": "严重失信"})
    entry_id = entry["id"]
    office.ok(f"/list-entries/{entry_id}/publicity", {"channel": "信用南通", "start": "2025-06-10"})
    objection = office.ok(f"/list-entries/{entry_id}/objections", {
        "grounds": "wrong_or_incomplete", "statement": "不应列入", "filed_on": "2025-06-11"})["id"]
    recorder.ok(f"/objections/{objection}/decision", {"upheld": True, "reasons": "异议成立", "decided_on": "2025-06-13"})
    before = event_total(app)
    edit = office.post(f"/objections/{objection}/correction", {"changes": {"summary": "x"},
                                                                "applied_on": "2025-06-16"})
    assert (edit.status_code, error_of(edit)["field"], error_of(edit)["rule_id"]) == (422, "changes", "NT-PCI-32")
    assert event_total(app) == before
    office.ok(f"/objections/{objection}/correction", {"changes": {"reason": "异议成立，撤回"},
                                                      "applied_on": "2025-06-16"})
    assert office.read(f"/list-entries/{entry_id}")["status"] == "exited"


def test_a_record_is_escalated_after_a_missed_interview_lyg_9(app: Flask, subject_id: UUID) -> None:
    add_user(app, "lyg-bureau", "recording_unit", "lyg-petition-bureau")
    bureau = Api(app, "recording_unit", "lyg-bureau")
    answer = {**_basis("2025-06-01", "连信访复〔2025〕12号"), "type": "other_statutory", "issuer": "连云港市信访局"}
    record_id = bureau.ok("/records", {
        "profile_id": "LYG", "subject_id": str(subject_id), "behaviour_code": "LYG-7.4", "tier": "general",
        "basis": answer, "act_date": "2025-05-20", "determination_date": "2025-06-02"})["id"]
    escalation = {"behaviour_code": "LYG-9.1", "determination_date": "2025-06-16", "basis": answer,
                  "reason": "约谈未到场"}
    before = event_total(app)
    early = bureau.post(f"/records/{record_id}/escalation", escalation)  # LYG-9 (1): after a reminder or interview
    assert early.status_code == 422 and error_of(early)["rule_id"].startswith("LYG") and event_total(app) == before
    bureau.ok(f"/records/{record_id}/reminders", {"on": "2025-06-05", "method": "书面", "content": "信用提醒书"})
    bureau.ok(f"/records/{record_id}/interviews", {"on": "2025-06-16", "method": "约谈", "content": "未到场",
                                                   "attended": False})
    other = Api(app, "recording_unit")  # not the determining unit (JY-5)
    refused = other.post(f"/records/{record_id}/escalation", escalation)
    assert (refused.status_code, error_of(refused)["field"]) == (422, "actor")
    bureau.ok(f"/records/{record_id}/escalation", escalation)
    record = bureau.read(f"/records/{record_id}")
    assert (record["behaviour_code"], record["tier"]) == ("LYG-9.1", "more_serious")


def test_an_erroneous_black_listing_is_revoked_with_a_written_apology_jy_24(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    entry_id = _black_list(recorder, office, subject_id, record_id)
    revocation = {"target_id": record_id, "reason": "认定主体错误", "revoked_on": "2025-06-16"}
    before = event_total(app)
    no_apology = recorder.post("/revocations", revocation)
    assert (no_apology.status_code, error_of(no_apology)["field"], error_of(no_apology)["rule_id"]) == (
        422, "apology", "JY-24")
    assert event_total(app) == before
    recorder.ok("/revocations", {**revocation, "apology": APOLOGY})
    record, entry = office.read(f"/records/{record_id}"), office.read(f"/list-entries/{entry_id}")
    assert (record["status"], entry["status"]) == ("revoked", "revoked")
    assert record["closing"]["apology"]["text"] == APOLOGY["text"]


def test_interview_terms_not_carried_out_allow_the_escalation_lyg_9_1(app: Flask, subject_id: UUID) -> None:
    add_user(app, "lyg-terms", "recording_unit", "lyg-petition-bureau")
    bureau = Api(app, "recording_unit", "lyg-terms")
    answer = {**_basis("2025-06-01", "连信访复〔2025〕14号"), "type": "other_statutory", "issuer": "连云港市信访局"}
    record_id = bureau.ok("/records", {
        "profile_id": "LYG", "subject_id": str(subject_id), "behaviour_code": "LYG-7.4", "tier": "general",
        "basis": answer, "act_date": "2025-05-20", "determination_date": "2025-06-02"})["id"]
    bureau.ok(f"/records/{record_id}/interviews", {"on": "2025-06-05", "method": "约谈", "content": "承诺撤回",
                                                   "attended": True})
    escalation = {"behaviour_code": "LYG-9.1", "determination_date": "2025-06-16", "basis": answer,
                  "reason": "约谈事项不落实"}
    before = event_total(app)
    attended = bureau.post(f"/records/{record_id}/escalation", escalation)  # an attended interview alone: no
    assert (attended.status_code, error_of(attended)["rule_id"]) == (422, "LYG-9") and event_total(app) == before
    terms = {"interview_on": "2025-06-05", "noted_on": "2025-06-15", "content": "未撤回重复信访"}
    wrong = bureau.post(f"/records/{record_id}/unfulfilled-interviews", {**terms, "interview_on": "2025-06-06"})
    assert (wrong.status_code, error_of(wrong)["field"], error_of(wrong)["rule_id"]) == (422, "interview_on", "LYG-9")
    bureau.ok(f"/records/{record_id}/unfulfilled-interviews", terms)
    bureau.ok(f"/records/{record_id}/escalation", escalation)
    assert bureau.read(f"/records/{record_id}")["tier"] == "more_serious"


def _cs_company(app: Flask) -> tuple[Api, Api, str]:
    add_user(app, "cs-bureau", "recording_unit", "cs-enforcement-bureaus")
    add_user(app, "cs-umo", "recording_unit", "cs-urban-management-office")
    bureau, umo = Api(app, "recording_unit", "cs-bureau"), Api(app, "recording_unit", "cs-umo")
    company = bureau.ok("/subjects/organisations", {"name": "常熟某建筑工程有限公司",
                                                    "uscc": synthetic_credit_code(random.Random(41))})["id"]
    return bureau, umo, company


def _penalty(day: str, n: int) -> dict[str, str]:
    return {"type": "administrative_penalty", "number": f"常综执罚〔2025〕{n}号", "issuer": "常熟市综合行政执法局",
            "date": day}


def test_points_are_added_graded_and_read_cs_2_2(app: Flask) -> None:
    bureau, umo, company = _cs_company(app)
    for points, day, n in ((6, "2025-05-05", 31), (8, "2025-05-25", 47)):
        bureau.ok("/points", {"subject_id": company, "points": points, "reason": "建筑垃圾违规倾倒",
                              "act_date": day, "basis": _penalty(day, n)})
    account = bureau.read(f"/subjects/{company}/points")
    assert (account["total"], account["grade"], len(account["entries"])) == (14, None, 2)
    assert bureau.read(f"/subjects/{company}")["records"] == []
    umo.ok("/points/grades", {"subject_id": company, "grade": "serious", "graded_on": "2025-06-16",
                              "basis": {**_penalty("2025-06-16", 2), "type": "other_statutory"}})
    assert Api(app, "auditor").read(f"/subjects/{company}/points", **AUDIT)["grade"] == "serious"
    [record] = bureau.read(f"/subjects/{company}")["records"]
    assert (record["tier"], record["behaviour_code"]) == ("serious", "CS-2.1")


POINT_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("negative points", {"points": -3}, "points", "CS-2.2"),
    ("points as text", {"points": "six"}, "points", "CS-2.2"),
    ("basis without issuer", {"basis": {"type": "administrative_penalty", "number": "x", "date": "2025-06-01"}},
     "basis.issuer", "CS-2.2"),
    ("future act", {"act_date": "2030-01-01"}, "act_date", "CS-2.2"),
    ("unknown scheme", {"profile_id": "XX"}, "profile_id", "CS-2.2"),
]


def test_bad_points_input_names_field_and_rule_and_stores_nothing_cs_2_2(app: Flask) -> None:
    bureau, _umo, company = _cs_company(app)
    before = event_total(app)
    for case, change, field, rule in POINT_CASES:
        body = {"subject_id": company, "points": 6, "reason": "违规", "act_date": "2025-05-05",
                "basis": _penalty("2025-05-06", 1), **change}
        response = bureau.post("/points", body)
        assert response.status_code == 422, (case, response.get_data(as_text=True))
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == (field, rule), case
    assert event_total(app) == before


def test_only_the_enforcement_bureaus_add_points_and_departments_may_not_cs_2_2(app: Flask) -> None:
    _bureau, umo, company = _cs_company(app)
    body = {"subject_id": company, "points": 6, "reason": "违规", "act_date": "2025-05-05",
            "basis": _penalty("2025-05-06", 1)}
    before = event_total(app)
    wrong_unit = Api(app, "recording_unit").post("/points", body)
    assert (wrong_unit.status_code, error_of(wrong_unit)["field"], error_of(wrong_unit)["rule_id"]) == (
        422, "actor", "CS-2.2")
    department = Api(app, "department").post("/points", body)
    assert department.status_code == 403 and error_of(department)["rule_id"] == "HA-5.2"
    no_account = umo.post("/points/grades", {"subject_id": company, "grade": "serious", "graded_on": "2025-06-16",
                                             "basis": _penalty("2025-06-16", 2)})
    assert no_account.status_code == 404 and error_of(no_account)["field"] == "subject_id"
    assert event_total(app) == before


COMMAND_CASES: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("correction: unknown change", "/objections/{o}/correction",
     {"changes": {"colour": "red"}, "applied_on": "2025-06-16"}, "changes.colour", "NT-PCI-32"),
    ("correction: changes not an object", "/objections/{o}/correction",
     {"changes": "summary", "applied_on": "2025-06-16"}, "changes", "NT-PCI-32"),
    ("correction: no date", "/objections/{o}/correction", {"changes": {"summary": "x"}}, "applied_on", "NT-PCI-32"),
    ("correction: future date", "/objections/{o}/correction",
     {"changes": {"summary": "x"}, "applied_on": "2030-01-01"}, "applied_on", "NT-PCI-32"),
    ("escalation: bad basis date", "/records/{r}/escalation",
     {"behaviour_code": "NT-PCI-12.3", "determination_date": "2025-06-16", "reason": "x",
      "basis": {**_basis("2025-06-16"), "date": "2025-02-30"}}, "basis.date", "HA-2.2"),
    ("escalation: no reason", "/records/{r}/escalation",
     {"behaviour_code": "NT-PCI-12.3", "determination_date": "2025-06-16", "basis": _basis("2025-06-16")},
     "reason", "LYG-9"),
    ("revocation: bad target", "/revocations", {"target_id": "x", "reason": "r", "revoked_on": "2025-06-16"},
     "target_id", "JY-24"),
    ("revocation: apology without text", "/revocations",
     {"target_id": "{r}", "reason": "r", "revoked_on": "2025-06-16",
      "apology": {"number": "1号", "date": "2025-06-16"}}, "apology.text", "JY-24"),
    ("revocation: blank reason", "/revocations", {"target_id": "{r}", "reason": " ", "revoked_on": "2025-06-16"},
     "reason", "JY-24"),
]


def test_bad_ruling_input_names_field_and_rule_and_stores_nothing(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    objection = _upheld_objection(recorder, office, record_id)
    fill = {"{r}": record_id, "{o}": objection}
    before = event_total(app)
    for case, path, body, field, rule in COMMAND_CASES:
        path = path.replace("{r}", record_id).replace("{o}", objection)
        body = {k: fill.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
        response = (office if path.endswith("/correction") else recorder).post(path, body)  # NT-PCI-32: the centre
        assert response.status_code == 422, (case, response.get_data(as_text=True))
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == (field, rule), case
    assert event_total(app) == before
