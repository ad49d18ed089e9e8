"""Every error of a submit is shown, not only the first (issue 16.3): each bad field of a form is marked with its
label and rule id in the page's language, the banner lists them all, and nothing is stored."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from flask import Flask
from web_helpers import event_count, login, post, valid_id
from workflow_steps import RECORD

from domain.actor import Actor
from domain.errors import RuleViolation
from web.context import services
from web.form_errors import FieldErrors, collecting, note

CJK = re.compile(r"[\u4e00-\u9fff]")
# three bad fields of the dishonesty form: an id that is no id (NT-PCI-2), a blank behaviour code (NT-PCI-15),
# a date that is no date (HA-2.2)
BAD = {**RECORD, "subject_id": "not-an-id", "behaviour_code": "", "act_date": "2025-13-40"}
EXPECTED = {"subject_id": "NT-PCI-2", "behaviour_code": "NT-PCI-15", "act_date": "HA-2.2"}
LABELS = {"zh": {"subject_id": "主体", "behaviour_code": "行为", "act_date": "日期"},
          "en": {"subject_id": "Subject id", "behaviour_code": "Behaviour code", "act_date": "Date of the act"}}


def _listed(page: str) -> dict[str, tuple[str, str]]:
    """The banner's refusals: field → (rule id, text)."""
    items = re.findall(r'<li data-field="([a-z_]+)" data-rule="([^"]*)">([^<]*)</li>', page)
    return {field: (rule, text) for field, rule, text in items}


def _notes(page: str) -> dict[str, tuple[str, str]]:
    """The notes under the fields: field → (rule id, text)."""
    found = re.findall(r'<div class="error" id="error-([a-z_]+)" data-rule="([^"]*)">([^<]*)</div>', page)
    return {field: (rule, text) for field, rule, text in found}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_submit_with_three_bad_fields_shows_three_errors(app: Flask, lang: str) -> None:
    client = app.test_client()
    login(client, "recorder")
    if lang == "en":
        client.get("/lang/en")
    before = event_count(app)
    response = post(client, "/recording/records/new", BAD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[-1500:]
    listed, notes = _listed(page), _notes(page)
    assert {f: rule for f, (rule, _) in listed.items()} == EXPECTED, listed
    assert {f: rule for f, (rule, _) in notes.items()} == EXPECTED, notes
    for field, rule in EXPECTED.items():
        text = listed[field][1]
        assert rule in text and rule in notes[field][1], (field, text)
        assert LABELS[lang][field].lower() in text.lower(), (field, text)
        if lang == "zh":  # nothing but the rule id and the label in Latin letters on a Chinese page
            assert CJK.search(text) and not re.search(r"[A-Za-z]{3,}", text.replace(rule, "")), text
        else:
            assert not CJK.search(text), text
    assert event_count(app) == before


def test_one_bad_field_is_still_one_refusal(app: Flask) -> None:
    client = app.test_client()
    login(client, "recorder")
    page = post(client, "/recording/records/new", {**RECORD, "subject_id": "not-an-id"}).get_data(as_text=True)
    assert 'id="refusals"' not in page and re.search(r'id="refusal" data-field="subject_id" data-rule="NT-PCI-2"', page)
    assert list(_notes(page)) == ["subject_id"]


def test_a_command_the_domain_would_accept_stores_nothing_while_a_field_is_bad(app: Flask) -> None:
    """The write veto: a noted field refuses the submit at its first write, whatever the command."""
    before = event_count(app)
    with app.test_request_context("/recording/subjects/new", method="POST"):
        with pytest.raises(FieldErrors) as refused, collecting():
            note(RuleViolation("LYG-5", "address", "address is required"))
            services().credit.register_person(Actor("nt-tax-bureau", "recorder"), name="李四", id_number=valid_id())
    assert [e.field for e in refused.value.errors] == ["address"] and refused.value.rule_id == "LYG-5"
    assert event_count(app) == before


def test_outside_a_submit_a_bad_field_is_raised_at_once(app: Flask) -> None:
    with app.test_request_context("/", method="POST"), pytest.raises(RuleViolation) as refused:
        note(RuleViolation("JY-6", "reason", "reason is required"))
    assert not isinstance(refused.value, FieldErrors) and refused.value.field == "reason"


def test_the_list_draft_collects_every_bad_field_too(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    login(client, "office")
    page = post(client, "/office/lists", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": "x", "drafted_on": "", "reason": ""}).get_data(as_text=True)
    assert {f: rule for f, (rule, _) in _listed(page).items()} == {"record_ids": "JY-6", "drafted_on": "JY-6",
                                                                    "reason": "JY-6"}, page[-2000:]
