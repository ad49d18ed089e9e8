"""No ID number or name in a URL, a redirect or a log line (issue 17.8; NT-PCI-14, HA-3.2).

Lookups are POSTed; `next=` targets and language-switch links drop personal query keys (web/here.py).
"""

from __future__ import annotations

import logging
import re

import pytest
from api_support import bearer
from flask import Flask
from web_helpers import csrf_token, login, valid_id

ID_NUMBER = valid_id()
NAME = "王小明"
URL_ATTRIBUTE = re.compile(r'(?:href|action|src)="([^"]*)"')


def _urls(html: str) -> list[str]:
    """Every URL a page links to, posts to or loads."""
    return URL_ATTRIBUTE.findall(html)


def _assert_clean(text: str, where: str) -> None:
    assert ID_NUMBER not in text and ID_NUMBER[:14] not in text, f"ID number in {where}: {text[:300]}"
    assert NAME not in text, f"name in {where}: {text[:300]}"


def test_public_query_posts_the_number_and_no_link_carries_it(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    form = client.get("/public/").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/public/"', form)
    page = client.post("/public/", data={"q": ID_NUMBER})
    assert page.status_code == 200
    for url in _urls(page.get_data(as_text=True)):
        _assert_clean(url, "a link of the public answer page")
    # A number pasted into the URL by hand is ignored, and the language switch does not copy it onward.
    typed = client.get(f"/public/?q={ID_NUMBER}&lang=en").get_data(as_text=True)
    assert 'id="masked-name"' not in typed
    for url in _urls(typed):
        _assert_clean(url, "a link of a page reached with ?q=")
    answer = client.post("/api/v1/public/subjects/lookup", json={"q": ID_NUMBER})
    assert answer.status_code == 200 and answer.get_json()["found"] is True
    assert client.get("/api/v1/public/subjects", query_string={"q": ID_NUMBER}).status_code in (404, 405)
    for record in caplog.records:
        _assert_clean(record.getMessage(), f"log line of {record.name}")


def test_staff_lookup_redirects_and_purpose_form_carry_no_number(app: Flask,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    login(client, "auditor")
    found = client.post("/subjects/", data={"q": ID_NUMBER, "csrf_token": csrf_token(client, "/subjects/")})
    assert found.status_code == 302
    _assert_clean(found.headers["Location"], "the lookup's redirect")
    purpose = client.get(found.headers["Location"])
    target = purpose.headers.get("Location", "")
    _assert_clean(target, "the purpose redirect")
    for url in _urls(client.get(target or found.headers["Location"]).get_data(as_text=True)):
        _assert_clean(url, "a link of the purpose form")
    no_token = client.post("/subjects/", data={"q": ID_NUMBER})
    assert no_token.status_code == 400  # a staff session's lookup still needs the CSRF token
    api = app.test_client().post("/api/v1/subjects/lookup", json={"q": ID_NUMBER}, headers=bearer(app, "auditor"))
    assert api.status_code == 200, api.get_data(as_text=True)
    for record in caplog.records:
        _assert_clean(record.getMessage(), f"log line of {record.name}")


def test_login_redirect_keeps_page_and_dates_but_drops_personal_keys(app: Flask) -> None:
    response = app.test_client().get(f"/subjects/?q={ID_NUMBER}&name={NAME}&page=2")
    assert response.status_code == 302
    location = response.headers["Location"]
    _assert_clean(location, "the login redirect")
    assert "page%3D2" in location or "page=2" in location
