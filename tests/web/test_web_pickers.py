"""Pickers (issue 16.1, "no ids typed or pasted, ever"): subjects found by name, masked or full identifier and
credit code through a JSON POST (HA-5.2, HA-3.2, NT-PCI-15), a chosen subject's open items as named choices (a
registered read, HA-5.2), and no staff form with an id in a visible text box."""

from __future__ import annotations

import random
import re
from datetime import date
from html.parser import HTMLParser
from typing import Any
from uuid import UUID

from casework_support import run
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import csrf_token, event_count, login, post, valid_id
from workflow_steps import office_records_and_lists

from domain.identifiers import synthetic_credit_code
from web import forms
from web.permissions import allowed

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PURPOSE = {"purpose": "录入失信信息", "basis": "NT-PCI-8 认定文书"}
FULL_ID = valid_id()


def search(client: FlaskClient, q: str, page: str = "/recording/records/new") -> Any:
    """POST a search as pickers.js does: a JSON body with the page's CSRF token in the header."""
    return client.post("/pickers/subjects", json={"q": q}, headers={"X-CSRFToken": csrf_token(client, page)})


def items(client: FlaskClient, body: dict[str, str], page: str = "/casework/escalate") -> Any:
    """POST for a subject's items as pickers.js does."""
    return client.post("/pickers/items", json=body, headers={"X-CSRFToken": csrf_token(client, page)})


def test_a_subject_is_found_by_part_of_its_name_masked_HA_3_2(client: FlaskClient, subject_id: UUID) -> None:
    login(client, "recorder")
    response = search(client, "小明")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    found = response.get_json()["subjects"]
    assert [s["id"] for s in found] == [str(subject_id)]
    assert found[0]["name"] != "王小明" and found[0]["name"].startswith("王")  # HA-3.2: masked name
    assert found[0]["masked_id"] == FULL_ID[:3] + "*" * 11 + FULL_ID[-4:]
    assert FULL_ID not in response.get_data(as_text=True) and "王小明" not in response.get_data(as_text=True)
    assert search(client, "赵钱孙").get_json()["subjects"] == []


def test_a_subject_is_found_by_its_masked_id_typed_or_by_its_visible_characters(client: FlaskClient,
                                                                                subject_id: UUID) -> None:
    login(client, "office")
    for q in (FULL_ID[:3] + "*" * 11 + FULL_ID[-4:], FULL_ID[:3] + FULL_ID[-4:]):
        found = search(client, q, "/office/lists").get_json()["subjects"]
        assert [s["id"] for s in found] == [str(subject_id)], q


def test_a_full_id_number_is_found_by_its_keyed_id_by_post_and_never_shown_NT_PCI_15(
        client: FlaskClient, subject_id: UUID) -> None:
    login(client, "recorder")
    response = search(client, FULL_ID)
    assert response.request.path == "/pickers/subjects" and not response.request.query_string  # never in a URL
    assert [s["id"] for s in response.get_json()["subjects"]] == [str(subject_id)]
    assert FULL_ID not in response.get_data(as_text=True)
    assert client.get(f"/pickers/subjects?q={FULL_ID}").status_code == 405  # a search is never a GET


def test_an_organisation_is_found_by_its_credit_code_NT_PCI_18(app: Flask) -> None:
    code = synthetic_credit_code(random.Random(11))
    company = run(app, "register_organisation", "nt-tax-bureau", name="南通某贸易有限公司", uscc=code)
    client = app.test_client()
    login(client, "office")
    response = search(client, code, "/office/lists")
    found = response.get_json()["subjects"]
    assert [s["id"] for s in found] == [str(company)] and found[0]["name"] == "南通某贸易有限公司"
    assert code not in response.get_data(as_text=True)
    assert [s["id"] for s in search(client, "某贸易", "/office/lists").get_json()["subjects"]] == [str(company)]


def test_a_search_too_short_is_refused_naming_the_field_and_the_rule_HA_5_2(client: FlaskClient) -> None:
    login(client, "recorder")
    response = search(client, "王")
    body = response.get_json()
    assert response.status_code == 422 and (body["field"], body["rule_id"]) == ("q", "HA-5.2")


def test_only_the_roles_whose_forms_name_subjects_may_search_HA_5_2(client: FlaskClient) -> None:
    assert client.post("/pickers/subjects", json={"q": "小明"}).status_code in (302, 400)  # public: no search
    for username in ("dept", "auditor", "subject"):
        login(client, username)
        assert search(client, "小明", "/").status_code == 403, username
        assert items(client, {"kind": "record", "subject_id": str(UUID(int=1))}, "/").status_code == 403
    assert not allowed("pickers.items", "admin") and allowed("pickers.subjects", "admin")


def test_a_subjects_records_are_chosen_by_name_after_the_purpose_is_stated_HA_5_2(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, entry_id = office_records_and_lists(client, seed=21)
    client.get("/logout")
    login(client, "office")  # a new session: no purpose stated for this subject yet
    body = {"kind": "record", "subject_id": subject_id, "next": "/casework/escalate"}
    before = event_count(app)
    refused = items(client, body)
    assert refused.status_code == 409 and refused.get_json()["rule_id"] == "HA-5.2"
    assert refused.get_json()["purpose_url"].startswith(f"/subjects/{subject_id}/purpose")
    assert event_count(app) == before  # nothing read, nothing registered
    post(client, f"/subjects/{subject_id}/purpose", PURPOSE)
    before = event_count(app)
    answer = items(client, body).get_json()
    assert [i["id"] for i in answer["items"]] == [record_id]
    assert "2025-06-02" in answer["items"][0]["label"] and not UUID_RE.search(answer["items"][0]["label"])
    assert answer["subject"]["name"] == "李*" and event_count(app) == before + 1  # the read is registered
    by_item = items(client, {"kind": "source", "item_id": entry_id}).get_json()
    assert by_item["subject"]["id"] == subject_id and {i["id"] for i in by_item["items"]} == {record_id, entry_id}
    refused = items(client, {"kind": "nothing", "subject_id": subject_id})
    assert refused.status_code == 422 and refused.get_json()["field"] == "kind"
    assert items(client, {"kind": "record", "subject_id": "nope"}).status_code == 422


class Inputs(HTMLParser):
    """Every <input>/<textarea> of a page with its name and type."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag in ("input", "textarea"):
            self.found.append((tag, named.get("name") or "", (named.get("type") or "text").lower()))


def id_text_boxes(page: str) -> list[tuple[str, str, str]]:
    """Inputs whose name ends in _id/_ids that a person could type into."""
    parser = Inputs()
    parser.feed(page)
    return [i for i in parser.found if re.search(r"_ids?$", i[1]) and (i[0] == "textarea" or i[2] not in
                                                                       ("hidden", "radio", "checkbox"))]


def form_pages(app: Flask, role: str) -> list[str]:
    """Every GET page without path arguments the role may open."""
    return sorted(str(rule.rule) for rule in app.url_map.iter_rules()
                  if "GET" in (rule.methods or ()) and not rule.arguments and allowed(rule.endpoint, role)
                  and not rule.rule.startswith(("/api", "/static", "/logout")))


def test_no_staff_form_takes_an_id_in_a_text_box_issue_16_1(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=22)
    seen = 0
    for username, role in (("office", "credit_office"), ("recorder", "recording_unit"), ("admin", "admin"),
                           ("auditor", "auditor"), ("dept", "department")):
        client.get("/logout")
        login(client, username)
        post(client, f"/subjects/{subject_id}/purpose", PURPOSE, form_path="/") if role != "admin" else None
        for path in form_pages(app, role):
            for url in (path, f"{path}?subject_id={subject_id}&record_id={record_id}"):
                response = client.get(url)
                if response.status_code != 200 or "<form" not in response.get_data(as_text=True):
                    continue
                page = response.get_data(as_text=True)
                seen += 1
                assert id_text_boxes(page) == [], f"{role} {url}: {id_text_boxes(page)}"
                assert FULL_ID not in page
    assert seen > 30  # the crawl reached the forms


def test_a_prefilled_picker_shows_the_subject_masked_and_posts_its_id(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=23)
    page = client.get(f"/office/lists?subject_id={subject_id}").get_data(as_text=True)
    assert f'name="subject_id" id="f-subject_id" value="{subject_id}"' in page
    assert 'id="chosen-subject_id">李* · ' in page and "李四" not in page.split('id="draft-form"')[1]
    assert 'data-subject-from="f-subject_id"' in page  # the records it rests on follow the chosen subject


def test_records_ticked_as_checkboxes_are_all_submitted_LYG_4() -> None:
    a, b = str(UUID(int=1)), str(UUID(int=2))
    with Flask(__name__).test_request_context("/", method="POST", data={"record_ids": [a, f"{b}"]}):
        assert forms.ids("record_ids", "LYG-4") == [UUID(a), UUID(b)]
    with Flask(__name__).test_request_context("/", method="POST", data={"record_ids": f"{a}, {b}"}):
        assert forms.ids("record_ids", "LYG-4") == [UUID(a), UUID(b)]


def test_the_subject_page_links_to_its_forms_with_only_the_subject_id_in_the_url(app: Flask) -> None:
    client = app.test_client()
    subject_id, _record, _entry = office_records_and_lists(client, seed=24)
    post(client, f"/subjects/{subject_id}/purpose", PURPOSE)
    page = client.get(f"/subjects/{subject_id}").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" class="subject-action">', page)
    assert "/recording/records/new?subject_id=" + subject_id in links and f"/office/lists?subject_id={subject_id}" in links
    assert all(link.endswith(f"?subject_id={subject_id}") for link in links)  # an id, no personal data (issue 17.8)
    assert 'class="subject-action"' not in client.get("/").get_data(as_text=True)


def test_running_query_authorisations_are_chosen_by_requester_and_purpose_NT_PCI_22(app: Flask) -> None:
    client = app.test_client()
    subject_id, _record, _entry = office_records_and_lists(client, seed=25)
    granted = run(app, "grant_query_authorisation", "nt-tax-bureau", subject_id=UUID(subject_id),
                  requester="nt-tax-bureau", method="written", purpose="纳税信用评价", granted_on=date(2025, 6, 1),
                  valid_until=date(2025, 6, 30), evidence={"number": "授权书 009", "date": date(2025, 6, 1)})
    post(client, f"/subjects/{subject_id}/purpose", PURPOSE)
    answer = items(client, {"kind": "authorisation", "subject_id": subject_id}, "/recording/queries").get_json()
    assert [i["id"] for i in answer["items"]] == [str(granted)] and "纳税信用评价" in answer["items"][0]["label"]
    run(app, "withdraw_query_authorisation", "nt-tax-bureau", authorisation_id=granted, withdrawn_on=date(2025, 6, 10))
    answer = items(client, {"kind": "authorisation", "subject_id": subject_id}, "/recording/queries").get_json()
    assert answer["items"] == []  # a withdrawn authorisation is no longer offered (HA-5.3)
