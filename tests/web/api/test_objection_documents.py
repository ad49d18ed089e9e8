"""NT-PCI-31 (issue 16.8): an objection names the documents it rests on (证明材料). The subject files them online in
Chinese and the office sees them on the objection's page; a bad document is refused at its row with the field's
label and the rule id, nothing stored; the API takes them as a list and names every bad part. SQLite and PostgreSQL
where the ledger stores them."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from api_support import Api, error_of, event_total, person_of
from flask import Flask
from flask.testing import FlaskClient
from test_api_workflows import _black_list, _record
from web_helpers import ROLE_USER, event_count, login, post, read_page

from web.context import services

COURT = {"title": "行政判决书（撤销处罚决定）", "number": "(2025)苏06行终12号", "date": "2025-06-12",
         "issuer": "南通市中级人民法院"}
RECEIPT = {"title": "税款缴纳凭证", "number": "苏税缴〔2025〕42号", "date": "2025-05-20", "issuer": "南通市税务局"}
FILING = {"grounds": "wrong_or_incomplete", "statement": "处罚决定已被法院撤销，税款已缴清"}


def _rows(*documents: dict[str, str], at: tuple[int, ...] = (0, 1, 2)) -> dict[str, str]:
    """Form fields of documents put in the form's rows `at`."""
    return {f"documents_{row}_{part}": value for row, doc in zip(at, documents) for part, value in doc.items()}


def _subject(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "subject")
    return client


def _stored(documents: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in doc.items()} for doc in documents]


def test_a_subject_files_two_documents_in_chinese_and_the_office_sees_them(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    record_id = _record(Api(any_app, "recording_unit"), subject_id)
    client, link = _subject(any_app), f"/mine/objections/record/{record_id}"
    form = client.get(link).get_data(as_text=True)
    assert 'id="document-2"' in form and "证明材料3" in form and 'name="documents_2_issuer"' in form
    response = post(client, link, {**FILING, **_rows(COURT, RECEIPT, at=(0, 2))})  # the middle row left empty
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with any_app.app_context():
        (objection,) = services().credit.objections_of(subject_id)
        assert _stored(objection.documents) == [COURT, RECEIPT]
    own = client.get("/mine/").get_data(as_text=True)
    listed = re.search(rf'id="documents-{objection.id}"[^>]*>(.*?)</ul>', own, re.S)
    assert listed and COURT["title"] in listed.group(1) and RECEIPT["number"] in listed.group(1)

    staff = any_app.test_client()
    login(staff, ROLE_USER["credit_office"])
    page = read_page(staff, f"/objections/{objection.id}").get_data(as_text=True)
    shown = re.search(r'id="item-documents"[^>]*>(.*?)</ul>', page, re.S)
    assert shown, page[-2000:]
    items = re.findall(r"<li>(.*?)</li>", shown.group(1))
    assert items == [" · ".join(COURT.values()), " · ".join(RECEIPT.values())]
    assert "证明材料" in page  # the label in Chinese


def test_a_future_dated_document_is_refused_at_its_row_and_nothing_is_stored(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    record_id = _record(Api(any_app, "recording_unit"), subject_id)
    client, link = _subject(any_app), f"/mine/objections/record/{record_id}"
    before = event_count(any_app)
    late = dict(RECEIPT, date="2025-06-17")  # the web's today is 2025-06-16
    response = post(client, link, {**FILING, **_rows(COURT, late)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    banner = re.search(r'id="refusal"[^>]*data-field="([^"]+)" data-rule="([^"]+)">(.*?)</p>', page, re.S)
    assert banner and banner.groups()[:2] == ("documents_1_date", "NT-PCI-31")
    assert "证明材料2：日期" in banner.group(3) and "NT-PCI-31" in banner.group(3)
    assert re.search(r'id="error-documents_1_date" data-rule="NT-PCI-31"', page)
    assert f'value="{late["title"]}"' in page  # what the subject typed is shown again
    assert event_count(any_app) == before
    with any_app.app_context():
        assert services().credit.objections_of(subject_id) == []


def test_incomplete_rows_name_every_missing_part_in_english(app: Flask) -> None:
    subject_id = person_of(app)
    record_id = _record(Api(app, "recording_unit"), subject_id)
    client, link = _subject(app), f"/mine/objections/record/{record_id}"
    client.get("/lang/en")
    before = event_count(app)
    partial = _rows({"title": "缴款凭证"}, {k: v for k, v in COURT.items() if k != "issuer"}, at=(0, 2))
    page = post(client, link, {**FILING, **partial}).get_data(as_text=True)
    refused = dict(re.findall(r'<li data-field="([^"]+)" data-rule="([^"]+)">', page))
    assert refused == {"documents_0_number": "NT-PCI-31", "documents_0_date": "NT-PCI-31",
                       "documents_0_issuer": "NT-PCI-31", "documents_2_issuer": "NT-PCI-31"}, page[-3000:]
    assert "Document 1: number" in page and "Document 3: issued by" in page
    assert event_count(app) == before


def test_the_office_files_documents_from_the_record_page(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    record_id = _record(Api(any_app, "recording_unit"), subject_id)
    staff = any_app.test_client()
    login(staff, ROLE_USER["credit_office"])
    link = f"/records/{record_id}"
    assert 'name="documents_0_title"' in read_page(staff, link).get_data(as_text=True)
    filing = {"step": "object", **FILING, "filed_on": "2025-06-11"}
    bad = post(staff, link, {**filing, **_rows(COURT)})  # the judgment is dated after the filing
    assert bad.status_code == 422
    assert 'data-field="documents_0_date" data-rule="NT-PCI-31"' in bad.get_data(as_text=True)
    assert post(staff, link, {**filing, **_rows(RECEIPT)}).status_code == 302
    with any_app.app_context():
        (objection,) = services().credit.objections_of(subject_id)
        assert _stored(objection.documents) == [RECEIPT]


def test_the_office_objection_form_takes_documents(app: Flask) -> None:
    subject_id = person_of(app)
    record_id = _record(Api(app, "recording_unit"), subject_id)
    staff = app.test_client()
    login(staff, ROLE_USER["credit_office"])
    response = post(staff, "/office/objections", {"step": "file", "record_id": str(record_id), **FILING,
                                                  "filed_on": "2025-06-16", **_rows(COURT)})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        (objection,) = services().credit.objections_of(subject_id)
        assert _stored(objection.documents) == [COURT]


def test_the_office_objects_to_a_list_entry_with_documents(app: Flask) -> None:
    subject_id = person_of(app)
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    entry_id = _black_list(recorder, office, subject_id, _record(recorder, subject_id))
    staff = app.test_client()
    login(staff, ROLE_USER["credit_office"])
    assert 'name="documents_2_title"' in staff.get("/casework/objections").get_data(as_text=True)
    entry_form = {"step": "entry", "list_entry_id": str(entry_id), **FILING, "filed_on": "2025-06-16"}
    response = post(staff, "/casework/objections", {**entry_form, **_rows(RECEIPT, COURT, at=(1, 2))})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    with app.app_context():
        (objection,) = services().credit.objections_of(subject_id)
        assert (objection.list_entry_id, _stored(objection.documents)) == (UUID(str(entry_id)), [RECEIPT, COURT])


# --- the API -----------------------------------------------------------------------------------------------


def test_the_api_files_an_objection_with_documents(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    recorder, office = Api(any_app, "recording_unit"), Api(any_app, "credit_office")
    record_id = _record(recorder, subject_id)
    filed = office.ok("/objections", {"record_id": record_id, **FILING, "filed_on": "2025-06-16",
                                      "documents": [COURT, RECEIPT]})
    entry_id = _black_list(recorder, office, subject_id, _record(recorder, subject_id, "2025-06-09"))
    on_entry = office.ok(f"/list-entries/{entry_id}/objections", {**FILING, "filed_on": "2025-06-16",
                                                                  "documents": [RECEIPT]})
    plain = office.ok("/objections", {"record_id": record_id, **FILING, "filed_on": "2025-06-16"})
    with any_app.app_context():
        credit = services().credit
        assert _stored(credit.objection(UUID(filed["id"])).documents) == [COURT, RECEIPT]
        assert _stored(credit.objection(UUID(on_entry["id"])).documents) == [RECEIPT]
        assert credit.objection(UUID(plain["id"])).documents == []


def test_the_api_names_every_bad_part_of_every_document_and_stores_nothing(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    office = Api(any_app, "credit_office")
    record_id = _record(Api(any_app, "recording_unit"), subject_id)
    before = event_total(any_app)
    body = {"record_id": record_id, **FILING, "filed_on": "2025-06-16",
            "documents": [{"title": " ", "number": "1号", "date": "2025-02-30", "issuer": "法院"}, "收据",
                          {**RECEIPT, "pages": 3}, {k: v for k, v in COURT.items() if k != "number"}]}
    response = office.post("/objections", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = error_of(response)
    assert {one["field"]: one["rule_id"] for one in error["errors"]} == {
        "documents[0].title": "NT-PCI-31", "documents[0].date": "NT-PCI-31", "documents[1]": "NT-PCI-31",
        "documents[2].pages": "NT-PCI-31", "documents[3].number": "NT-PCI-31"}, error
    too_many = office.post("/objections", {**body, "documents": [RECEIPT] * 11})
    assert (too_many.status_code, error_of(too_many)["field"]) == (422, "documents")
    future = office.post("/objections", {**body, "documents": [RECEIPT, dict(COURT, date="2025-06-17")]})
    assert future.status_code == 422
    assert (error_of(future)["field"], error_of(future)["rule_id"]) == ("documents[1].date", "NT-PCI-31")
    assert event_total(any_app) == before
    with any_app.app_context():
        assert services().credit.objections_of(subject_id) == []
