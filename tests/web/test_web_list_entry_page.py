"""A list entry's own page (issue 16.2): its state, its history and only the steps its procedure allows now,
each a small form that carries the entry itself (nothing to type or paste); the steps come from the domain."""

from __future__ import annotations

import re

from flask import Flask
from web_helpers import event_count, flashed_id, login, post, read_page
from workflow_steps import RECORD

from web.context import services


def _draft(client, subject_id: str, list_code: str = "black") -> str:  # type: ignore[no-untyped-def]
    record_id = flashed_id(client, post(client, "/recording/records/new", {**RECORD, "subject_id": subject_id}))
    return flashed_id(client, post(client, "/office/lists", {
        "profile_id": "NT", "subject_id": subject_id, "list_code": list_code, "record_ids": record_id,
        "drafted_on": "2025-06-03", "reason": "严重失信"}))


def _steps(page: str) -> list[str]:
    return re.findall(r'<form method="post" action="/office/lists/step" id="step-([a-z_]+)"', page)


def test_the_entry_page_offers_only_what_the_procedure_allows_and_steps_it_forward(app: Flask,
                                                                                   subject_id: str) -> None:
    client = app.test_client()
    login(client, "office")
    entry_id = _draft(client, str(subject_id))
    lists = client.get("/office/lists").get_data(as_text=True)
    assert f'href="/office/lists/{entry_id}"' in lists  # every row opens its entry
    page = read_page(client, f"/office/lists/{entry_id}").get_data(as_text=True)
    with app.app_context():
        entry = services().credit.list_entry(entry_id)  # type: ignore[arg-type]
        expected = entry.next_steps(services().profiles["NT"], services().credit.today())
    assert _steps(page) == expected  # the domain decides, the page only shows
    assert expected == ["confirm", "exit"]  # NT's black list: no prior notice or publicity step (see HA's, HA-4.1)
    before = event_count(app)
    confirmed = post(client, "/office/lists/step", {"list_entry_id": entry_id, "step": "confirm", "back": "entry",
                                                    "confirmed_on": "2025-06-04", "decision_number": "通信用认〔2025〕8号",
                                                    "decision_date": "2025-06-04"}, form_path="/")
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith(f"/office/lists/{entry_id}")
    assert event_count(app) > before
    page = read_page(client, f"/office/lists/{entry_id}").get_data(as_text=True)
    assert _steps(page) == ["exit"] and "<td>已认定</td>" in page  # the history names the step in the page's language


def test_a_refused_step_is_shown_on_the_entry_page_and_stores_nothing(app: Flask, subject_id: str) -> None:
    client = app.test_client()
    login(client, "office")
    entry_id = _draft(client, str(subject_id))
    read_page(client, f"/office/lists/{entry_id}")  # the clerk reads the entry, its purpose stated (HA-5.2)
    before = event_count(app)
    refused = post(client, "/office/lists/step", {"list_entry_id": entry_id, "step": "confirm", "back": "entry",
                                                  "confirmed_on": "2025-06-01"}, form_path="/")
    page = refused.get_data(as_text=True)  # a confirmation before the draft date (JY-6.2)
    assert refused.status_code == 422 and 'id="refusal" data-field="confirmed_on"' in page
    assert 'id="step-confirm"' in page and 'id="error-confirmed_on"' in page and event_count(app) == before
