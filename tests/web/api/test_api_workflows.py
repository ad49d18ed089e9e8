"""Each workflow through the JSON API on a real signed ledger: record → list → sanction loop with the department's
inbox feed → objection → repair; the auditor's time travel, replay, proof and verification; the access log."""

from __future__ import annotations

import random
from datetime import date
from typing import Any
from uuid import UUID

from api_support import Api, add_user, error_of, event_total, person_of
from flask import Flask

from domain.identifiers import synthetic_credit_code, synthetic_resident_id
from ledger.transparency import create_checkpoint
from web.context import services

AUDIT = {"purpose": "纪检审查", "basis": "审查通知〔2025〕9号"}


def _basis(day: str, number: str = "通税罚〔2025〕7号") -> dict[str, str]:
    return {"type": "administrative_penalty", "number": number, "issuer": "国家税务总局南通市税务局", "date": day}


def _record(recorder: Api, subject_id: Any, determined: str = "2025-06-10", act: str = "2025-05-01") -> str:
    return recorder.ok("/records", {
        "profile_id": "NT", "subject_id": str(subject_id), "behaviour_code": "NT-PCI-12.3", "tier": "serious",
        "basis": _basis(determined), "act_date": act, "determination_date": determined, "summary": "欠缴税款逾期未缴"})["id"]


def _black_list(recorder: Api, office: Api, subject_id: Any, record_id: str) -> str:
    entry = recorder.ok("/list-entries", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": [record_id], "drafted_on": "2025-06-11", "reason": "严重失信"})
    office.ok(f"/list-entries/{entry['id']}/confirmation",
              {"confirmed_on": "2025-06-12", "decision": {"number": "通信用认〔2025〕2号", "date": "2025-06-12"}})
    return entry["id"]  # type: ignore[no-any-return]


def _push(office: Api, record_id: str) -> str:
    return office.ok("/sanctions", {"source_id": record_id, "measure_id": "NT-M-06",  # → the financial institutions
                                    "pushed_on": "2025-06-12"})["id"]  # type: ignore[no-any-return]


def test_register_subjects_through_the_api_nt_pci_15_and_18(app: Flask) -> None:
    recorder = Api(app, "recording_unit")
    id_number = synthetic_resident_id(random.Random(5), date(1990, 3, 4))
    person = recorder.ok("/subjects/persons", {"name": "赵六", "id_number": id_number, "telephone": "13800000000"})
    uscc = synthetic_credit_code(random.Random(6))
    org = recorder.ok("/subjects/organisations", {"name": "南通某某有限公司", "uscc": uscc})
    found = recorder.ok("/subjects/lookup", {"q": id_number})
    assert found["id"] == person["id"] and found["masked"]["name"] == "赵*"
    assert recorder.ok("/subjects/lookup", {"q": uscc})["id"] == org["id"]
    file = recorder.read(f"/subjects/{person['id']}")
    assert file["subject"]["id_number"] == id_number and file["records"] == []
    recorder.ok(f"/subjects/{org['id']}/responsible-persons", {"person_id": person["id"],
                                                              "role": "legal_representative"})
    assert recorder.read(f"/subjects/{org['id']}")["subject"]["responsible"] == [
        {"person_id": person["id"], "role": "legal_representative"}]


def test_sanction_loop_with_the_department_inbox_feed_jy_21_cs_2_6(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    recorder, office, dept = Api(any_app, "recording_unit"), Api(any_app, "credit_office"), Api(any_app, "department")
    record_id = _record(recorder, subject_id)
    _black_list(recorder, office, subject_id, record_id)
    assert dept.read("/inbox") == {"items": [], "next": dept.read("/inbox")["next"]}
    before = dept.read("/inbox")["next"]

    case_id = _push(office, record_id)
    feed = dept.read("/inbox", since=before)
    assert [(i["kind"], i["sanction_id"], i["measure_id"]) for i in feed["items"]] == [("pushed", case_id, "NT-M-06")]
    assert feed["items"][0]["subject"]["name"] == "王**"  # masked (HA-3.2)
    assert feed["items"][0]["on"] == "2025-06-12" and "deadline" in feed["items"][0]  # NT sets no response limit
    assert dept.read("/inbox", since=feed["next"])["items"] == []  # polling: nothing new

    dept.ok(f"/sanctions/{case_id}/acknowledgement", {"acknowledged_on": "2025-06-13"})
    dept.ok(f"/sanctions/{case_id}/application",
            {"case": {"number": "贷审〔2025〕19号", "date": "2025-06-14", "description": "个人经营贷款提高利率"}})
    dept.ok(f"/sanctions/{case_id}/feedback", {"report": "6 月实施 1 例", "fed_back_on": "2025-06-16"})
    assert office.read(f"/sanctions/{case_id}")["status"] == "fed_back"

    office.ok(f"/sanctions/{case_id}/lift", {"reason": "信用修复", "pushed_on": "2025-06-16"})
    lift = dept.read("/inbox", since=feed["next"])["items"]
    assert [(i["kind"], i["sanction_id"], i["status"]) for i in lift] == [("lift_pushed", case_id, "lift_pushed")]
    assert (lift[0]["reason"], lift[0]["on"]) == ("信用修复", "2025-06-16")
    dept.ok(f"/sanctions/{case_id}/lift-confirmation", {"confirmed_on": "2025-06-16"})

    auditor = Api(any_app, "auditor")
    replay = auditor.read(f"/replay/{case_id}", **AUDIT)
    events = [s["event"] for s in replay["steps"]]
    assert events == ["Pushed", "Acknowledged", "Applied", "FedBack", "LiftPushed", "LiftConfirmed"]
    assert {s["unit"] for s in replay["steps"]} == {"nt-credit-office", "nt-financial-institutions"}
    assert all(s["key_id"] and s["position"] is not None for s in replay["steps"])


def test_a_department_sees_only_its_own_pushes_in_the_feed_jy_21(app: Flask, subject_id: UUID) -> None:
    recorder, office, dept = Api(app, "recording_unit"), Api(app, "credit_office"), Api(app, "department")
    add_user(app, "hrss", "department", "nt-hrss")
    other = Api(app, "department", "hrss")
    record_id = _record(recorder, subject_id)
    _black_list(recorder, office, subject_id, record_id)
    case_id = _push(office, record_id)
    assert [i["sanction_id"] for i in dept.read("/inbox")["items"]] == [case_id]
    assert other.read("/inbox")["items"] == []
    before = event_total(app)
    refused = other.post(f"/sanctions/{case_id}/acknowledgement", {"acknowledged_on": "2025-06-13"})
    assert refused.status_code == 422 and error_of(refused)["rule_id"] and event_total(app) == before


def test_reminder_and_interview_on_a_general_record_lyg_8(app: Flask, subject_id: UUID) -> None:
    add_user(app, "lyg-bureau", "recording_unit", "lyg-petition-bureau")
    bureau = Api(app, "recording_unit", "lyg-bureau")
    record_id = bureau.ok("/records", {
        "profile_id": "LYG", "subject_id": str(subject_id), "behaviour_code": "LYG-7.4", "tier": "general",
        "basis": {**_basis("2025-06-01", "连信访复〔2025〕12号"), "type": "other_statutory", "issuer": "连云港市信访局"},
        "act_date": "2025-05-20", "determination_date": "2025-06-02"})["id"]
    bureau.ok(f"/records/{record_id}/reminders", {"on": "2025-06-05", "method": "书面", "content": "信用提醒书"})
    bureau.ok(f"/records/{record_id}/interviews", {"on": "2025-06-16", "method": "约谈", "content": "诚信约谈，未到场",
                                                   "attended": False})
    contacts = bureau.read(f"/records/{record_id}")["contacts"]
    assert [(c["kind"], c.get("attended")) for c in contacts] == [("reminder", None), ("interview", False)]


def test_list_entry_steps_publicise_confirm_exit_announce_jy_6_jy_17(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    entry = recorder.ok("/list-entries", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": [record_id], "drafted_on": "2025-06-10", "reason": "严重失信"})
    entry_id = entry["id"]
    recorder.ok(f"/list-entries/{entry_id}/prior-notice", {"notice_on": "2025-06-10", "content": "拟列入黑名单告知"})
    office.ok(f"/list-entries/{entry_id}/publicity", {"channel": "信用南通", "start": "2025-06-10"})
    objection = office.ok(f"/list-entries/{entry_id}/objections", {
        "grounds": "wrong_or_incomplete", "statement": "公示信息有误", "filed_on": "2025-06-11"})["id"]
    assert office.read(f"/objections/{objection}")["list_entry_id"] == entry_id
    recorder.ok(f"/objections/{objection}/decision", {"upheld": False, "reasons": "信息无误",
                                                      "decided_on": "2025-06-13"})
    office.ok(f"/list-entries/{entry_id}/confirmation",
              {"confirmed_on": "2025-06-16", "decision": {"number": "通信用认〔2025〕3号", "date": "2025-06-16"}})
    assert office.read(f"/list-entries/{entry_id}")["status"] == "confirmed"
    office.ok(f"/list-entries/{entry_id}/exit", {"reason": "信用修复完成", "exited_on": "2025-06-16"})
    office.ok(f"/list-entries/{entry_id}/exit-announcement", {"channel": "信用南通", "announced_on": "2025-06-16"})
    state = office.read(f"/list-entries/{entry_id}")
    assert state["status"] == "exited" and state["list_code"] == "black"


def test_work_lists_show_each_unit_its_own_open_items_nt_pci_32(app: Flask, subject_id: UUID) -> None:
    recorder, office, dept = Api(app, "recording_unit"), Api(app, "credit_office"), Api(app, "department")
    add_user(app, "hrss", "department", "nt-hrss")
    record_id = _record(recorder, subject_id)
    objection = office.ok("/objections", {"record_id": record_id, "grounds": "wrong_or_incomplete",
                                          "statement": "有误", "filed_on": "2025-06-12"})["id"]
    _black_list(recorder, office, subject_id, record_id)
    case_id = _push(office, record_id)
    assert [i["id"] for i in recorder.read("/work/objections")["items"]] == [objection]
    assert [i["id"] for i in office.read("/work/objections")["items"]] == [objection]
    assert [i["id"] for i in dept.read("/work/sanctions")["items"]] == [case_id]
    assert Api(app, "department", "hrss").read("/work/sanctions")["items"] == []
    bad = office.get("/work/everything")
    assert bad.status_code == 422 and error_of(bad)["field"] == "kind"


def test_objection_filed_referred_and_decided_nt_pci_31_32(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    objection = office.ok("/objections", {"record_id": record_id, "grounds": "wrong_or_incomplete",
                                          "statement": "处罚决定书文号有误", "filed_on": "2025-06-12"})["id"]
    assert office.read(f"/records/{record_id}")["flags"]  # flagged, still published (LYG-17)
    office.ok(f"/objections/{objection}/referral", {"referred_on": "2025-06-13"})
    recorder.ok(f"/objections/{objection}/decision", {"upheld": False, "reasons": "文号无误", "decided_on": "2025-06-16"})
    decided = office.read(f"/objections/{objection}")
    assert decided["decision"]["upheld"] is False and office.read(f"/records/{record_id}")["flags"] == []
    office.ok(f"/objections/{objection}/appeals", {"body": "credit_authority", "statement": "不服核查结果",
                                                   "appealed_on": "2025-06-16"})
    assert [a["body"] for a in office.read(f"/objections/{objection}")["appeals"]] == ["credit_authority"]


def test_repair_applied_opinion_and_decision_nt_pci_34_35(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id, determined="2024-01-10", act="2023-12-01")
    repair = office.ok("/repairs", {"record_id": record_id, "applied_on": "2025-06-05", "corrected_on": "2024-02-01",
                                    "commitment": {"number": "承诺〔2025〕3号", "date": "2025-06-05",
                                                   "text": "本人承诺依法纳税"}})["id"]
    recorder.ok(f"/repairs/{repair}/opinion", {"favourable": True, "given_on": "2025-06-06", "opinion": {
        "number": "修复意见〔2025〕1号", "date": "2025-06-06", "text": "已补缴税款，同意修复"}})
    recorder.ok(f"/repairs/{repair}/decision", {"approved": True, "reasons": "公示无异议", "decided_on": "2025-06-16"})
    assert office.read(f"/records/{record_id}")["status"] == "repaired"


def test_auditor_time_travel_proof_verification_and_access_log_ha_5_2(app: Flask) -> None:
    any_app, subject_id = app, person_of(app)
    recorder, auditor = Api(any_app, "recording_unit"), Api(any_app, "auditor")
    with any_app.app_context():
        position_before = services().ledger.log.tree_size() - 1
    record_id = _record(recorder, subject_id)
    now = auditor.read(f"/subjects/{subject_id}/status", valid_at="2025-06-16", **AUDIT)
    assert [(i["id"], i["in_force_at"]) for i in now["items"]] == [(record_id, True)]
    past = auditor.read(f"/subjects/{subject_id}/status", position=position_before, **AUDIT)
    assert past["items"] == [] and past["log_position"] == position_before

    no_purpose = auditor.get(f"/subjects/{subject_id}/status")
    assert no_purpose.status_code == 422 and error_of(no_purpose)["field"] == "purpose"
    assert error_of(no_purpose)["rule_id"] == "HA-5.2"

    assert auditor.get("/checkpoints/latest").status_code in (200, 404)
    with any_app.app_context():
        create_checkpoint(services().ledger)
    latest = auditor.read("/checkpoints/latest")
    proof = auditor.read("/proofs/inclusion", position=latest["checkpoint_size"] - 1)
    assert proof["included"] and proof["checkpoint_signed"] and proof["problem"] is None
    outside = auditor.get("/proofs/inclusion", position=latest["checkpoint_size"] + 5)
    assert outside.status_code == 422 and error_of(outside)["rule_id"] == "NT-PCI-37"
    report = auditor.post("/verification")
    assert report.status_code == 200 and report.get_json()["intact"] is True

    log = auditor.read(f"/subjects/{subject_id}/access-log", **AUDIT)
    reads = [(r["unit"], r["user"], r["channel"], r["purpose"]) for r in log["reads"]]
    assert ("nt-discipline-supervision", "auditor", "api", "纪检审查") in reads
    no_purpose = recorder.get(f"/records/{record_id}")  # every staff read states purpose and basis
    assert no_purpose.status_code == 422 and error_of(no_purpose)["field"] == "purpose"
    recorder.read(f"/records/{record_id}")
    mine = Api(any_app, "subject").read(f"/subjects/{subject_id}/access-log")
    assert any(r["unit"] == "nt-tax-bureau" and r["channel"] == "api" and r["what"].startswith("api: record")
               for r in mine["reads"])


def test_a_subject_reads_only_its_own_file_and_reads_are_not_registered_for_it(app: Flask, subject_id: UUID) -> None:
    subject = Api(app, "subject")
    before = event_total(app)
    own = subject.read(f"/subjects/{subject_id}")
    assert own["subject"]["id"] == str(subject_id) and event_total(app) == before
    recorder = Api(app, "recording_unit")
    other = recorder.ok("/subjects/persons", {"name": "孙七", "id_number": synthetic_resident_id(random.Random(9))})
    refused = subject.get(f"/subjects/{other['id']}")
    assert refused.status_code == 403 and error_of(refused)["rule_id"] == "HA-5.2"


def test_public_query_is_masked_and_registers_nothing_ha_3_2(app: Flask, subject_id: UUID) -> None:
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id)
    _black_list(recorder, office, subject_id, record_id)
    client, before = app.test_client(), event_total(app)
    with app.app_context():
        id_number = services().credit.subject(subject_id).id_number
    answer = client.post("/api/v1/public/subjects/lookup", json={"q": id_number}).get_json()
    assert answer["found"] and answer["masked"]["name"] == "王**" and id_number not in str(answer)
    assert [e["list_code"] for e in answer["list_entries"]] == ["black"]
    lists = client.get("/api/v1/public/lists").get_json()
    assert [r["masked_name"] for r in lists["black"]] == ["王**"] and event_total(app) == before


def test_staff_reads_are_registered_before_the_answer_ha_5_2(app: Flask, subject_id: UUID) -> None:
    auditor = Api(app, "auditor")
    for path in ("/subjects/{s}", "/subjects/{s}/status", "/replay/{s}", "/subjects/{s}/access-log"):
        before = event_total(app)
        auditor.read(path.format(s=subject_id), **AUDIT)
        assert event_total(app) == before + 1, path
