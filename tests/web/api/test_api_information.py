"""NT-PCI-9..13 through the real form and the JSON API: positive and other information besides dishonesty
records; NT-PCI-2 full civil capacity and unincorporated organisations; NT-PCI-10 senior managers."""

from __future__ import annotations

import random
from uuid import UUID

from api_support import Api, error_of, event_total
from casework_support import refused_at
from flask import Flask
from web_helpers import event_count, flashed_id, login, new_person_id, post

from domain.identifiers import synthetic_credit_code
from web.context import services

FORM = {"profile_id": "NT", "category": "NT-PCI-11.1", "document_number": "通政奖〔2025〕3号",
        "document_date": "2025-06-01", "disclosure": "public", "summary": "市级文明单位表彰"}


def test_nt_pci_11_positive_information_through_the_form(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    login(client, "recorder")
    page = client.get("/recording/information/new").get_data(as_text=True)
    assert "NT-PCI-13.2" in page and "信用承诺信息" in page  # the catalog's kinds, by name
    form = {**FORM, "subject_id": str(subject_id)}
    before = event_count(app)
    refused_at(post(client, "/recording/information/new", {**form, "category": "NT-PCI-12.3"}), "category", "NT-PCI-9")
    assert event_count(app) == before
    assert flashed_id(client, post(client, "/recording/information/new", form)) == str(subject_id)
    with app.app_context():
        [item] = services().credit.information_of(subject_id)
        assert (item.kind, item.category, item.disclosure) == ("positive", "NT-PCI-11.1", "public")


def test_nt_pci_13_other_information_through_the_api(app: Flask, subject_id: UUID) -> None:
    recorder = Api(app, "recording_unit")
    body = {"profile_id": "NT", "category": "NT-PCI-13.2", "document": {"number": "承诺〔2025〕8号",
            "date": "2025-06-02"}, "disclosure": "government_shared", "summary": "信用承诺书"}
    before = event_total(app)
    refused = recorder.post(f"/subjects/{subject_id}/information", {**body, "category": "NT-PCI-99"})
    assert refused.status_code == 422 and (error_of(refused)["rule_id"], error_of(refused)["field"]) == (
        "NT-PCI-9", "category")
    assert event_total(app) == before
    item_id = recorder.ok(f"/subjects/{subject_id}/information", body)["id"]
    with app.app_context():
        [item] = services().credit.information_of(subject_id)
        assert (str(item.id), item.kind, item.rule_id) == (item_id, "other", "NT-PCI-13")


def test_nt_pci_2_full_civil_capacity_and_unincorporated_organisations_api(app: Flask) -> None:
    recorder = Api(app, "recording_unit")
    person = {"name": "吴某", "id_number": new_person_id(931), "full_civil_capacity": False}
    before = event_total(app)
    refused = recorder.post("/subjects/persons", person)
    assert refused.status_code == 422 and error_of(refused)["rule_id"] == "NT-PCI-2"
    assert error_of(refused)["field"] == "full_civil_capacity" and event_total(app) == before
    assert recorder.ok("/subjects/persons", {**person, "full_civil_capacity": True})["id"]
    uscc = synthetic_credit_code(random.Random(932))
    club = recorder.ok("/subjects/organisations", {"name": "某业主委员会", "uscc": uscc, "legal_form": "unincorporated"})
    with app.app_context():
        assert services().credit.subject(UUID(club["id"])).kind == "unincorporated"


def test_nt_pci_10_senior_manager_is_linked_but_gets_no_derived_record(app: Flask) -> None:
    recorder = Api(app, "recording_unit")
    company = recorder.ok("/subjects/organisations", {"name": "南通某公司", "uscc": synthetic_credit_code(
        random.Random(933))})["id"]
    manager = recorder.ok("/subjects/persons", {"name": "郑某", "id_number": new_person_id(934)})["id"]
    recorder.ok(f"/subjects/{company}/responsible-persons", {"person_id": manager, "role": "senior_manager"})
    with app.app_context():
        organisation = services().credit.subject(UUID(company))
        assert organisation.senior_managers() == [UUID(manager)] and organisation.responsible_persons() == []


def test_ha_5_3_authorised_query_and_government_sharing_through_the_api(app: Flask, subject_id: UUID) -> None:
    recorder = Api(app, "recording_unit")  # nt-tax-bureau: a government unit of the NT profile
    grant = {"requester": "nt-tax-bureau", "method": "written", "purpose": "纳税信用评价",
             "granted_on": "2025-06-01", "valid_until": "2025-06-30",
             "evidence": {"number": "授权书 001", "date": "2025-06-01"}}
    before = event_total(app)
    lifetime = recorder.post(f"/subjects/{subject_id}/query-authorisations", {**grant, "valid_until": "2025-06-01"})
    assert lifetime.status_code == 422 and error_of(lifetime)["rule_id"] == "HA-5.3" and event_total(app) == before
    granted = recorder.ok(f"/subjects/{subject_id}/query-authorisations", grant)["id"]
    found = recorder.ok(f"/subjects/{subject_id}/authorised-query", {"purpose": "纳税信用评价",
                                                                     "authorisation_id": granted})
    assert set(found) == {"records", "information"}
    other = recorder.post(f"/subjects/{subject_id}/authorised-query", {"purpose": "其他用途",
                                                                       "authorisation_id": granted})
    assert other.status_code == 422 and (error_of(other)["rule_id"], error_of(other)["field"]) == ("HA-5.3", "purpose")
    shared = recorder.ok(f"/subjects/{subject_id}/shared-query", {"purpose": "税务稽查", "basis": "稽查通知〔2025〕1号"})
    assert set(shared) == {"records", "information"}


def test_lyg_4_records_submitted_to_the_credit_office_through_the_api(app: Flask) -> None:
    from api_support import add_user
    add_user(app, "lyg-api", "recording_unit", "lyg-petition-bureau")
    bureau = Api(app, "recording_unit", "lyg-api")
    person = bureau.ok("/subjects/persons", {"name": "朱某", "id_number": new_person_id(935)})["id"]
    record = bureau.ok("/records", {"profile_id": "LYG", "subject_id": person, "behaviour_code": "LYG-7.4",
                                    "tier": "general", "basis": {"type": "other_statutory", "number": "连信访复〔2025〕9号",
                                                                 "issuer": "连云港市信访局", "date": "2025-02-25"},
                                    "act_date": "2025-02-20", "determination_date": "2025-03-01"})["id"]
    refused = Api(app, "recording_unit").post("/records/submissions", {"record_ids": [record],
                                                                        "submitted_on": "2025-06-01"})
    assert refused.status_code == 422 and (error_of(refused)["rule_id"], error_of(refused)["field"]) == (
        "LYG-4", "actor")
    assert bureau.ok("/records/submissions", {"record_ids": [record], "submitted_on": "2025-06-01"}) == {
        "ids": [record]}


def test_nt_pci_9_the_subject_page_lists_positive_information_by_name(app: Flask, subject_id: UUID) -> None:
    Api(app, "recording_unit").ok(f"/subjects/{subject_id}/information", {
        "profile_id": "NT", "category": "NT-PCI-11.2", "document": {"number": "志愿〔2025〕5号", "date": "2025-06-02"},
        "disclosure": "public", "summary": "志愿服务 120 小时"})
    client = app.test_client()
    login(client, "recorder")
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "核查", "basis": "依职责"})  # HA-5.2 first
    page = client.get(f"/subjects/{subject_id}").get_data(as_text=True)
    assert 'id="subject-information"' in page and "正面信息" in page and "志愿服务 120 小时" in page


def test_ha_5_3_query_authorisation_through_the_form(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    login(client, "recorder")
    form = {"subject_id": str(subject_id), "requester": "nt-financial-institutions", "method": "written",
            "purpose": "贷款审批", "granted_on": "2025-06-01", "valid_until": "2025-06-30",
            "evidence_number": "授权书 002", "evidence_date": "2025-06-01"}
    before = event_count(app)
    refused_at(post(client, "/recording/authorisations/new", {**form, "valid_until": "2025-05-31"}), "valid_until",
               "HA-5.3")
    assert event_count(app) == before
    assert flashed_id(client, post(client, "/recording/authorisations/new", form))
    assert event_count(app) == before + 1
