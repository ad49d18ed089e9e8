"""Never a 500 from input or contention (issue 17.1): body size → 413, deep JSON → 400, lost races → retried or
409, anything unexpected → an incident id and no internals; nothing stored by a refusal."""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from api_support import Api, bearer, event_total, person_of
from eventsourcing.persistence import IntegrityError
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import ROLE_USER, csrf_token, login, valid_id

from domain.service_queries import Queries
from ledger.app import LedgerApplication
from web.api import ENDPOINTS
from web.context import services
from web.limits import DEFAULT_MAX_BODY_BYTES, json_depth

SECRET_TEXT = valid_id()
DATABASE_MESSAGE = f"database said: parameters ({SECRET_TEXT!r}, '王小明')"  # errors may quote personal data


def _record_body(subject_id: Any, number: int) -> dict[str, Any]:
    return {"profile_id": "NT", "subject_id": str(subject_id), "behaviour_code": "NT-PCI-12.3", "tier": "serious",
            "basis": {"type": "administrative_penalty", "number": f"通税罚〔2025〕{number}号",
                      "issuer": "国家税务总局南通市税务局", "date": "2025-06-10"},
            "act_date": "2025-05-01", "determination_date": "2025-06-10", "summary": "欠缴税款逾期未缴"}


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 5_000, "[" * 33 + "]" * 33])
def test_json_nested_too_deep_is_400_on_the_body_and_stores_nothing(app: Flask, body: str) -> None:
    before = event_total(app)
    response = app.test_client().post("/api/v1/records", data=body, content_type="application/json",
                                      headers=bearer(app, "recording_unit"))
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["field"] == "body" and "32" in response.get_json()["error"]["message"]
    assert event_total(app) == before


def test_json_at_the_depth_limit_is_parsed_and_judged_on_its_fields(app: Flask) -> None:
    nested: Any = "x"
    for _ in range(30):
        nested = [nested]
    response = Api(app, "recording_unit").post("/records", {**_record_body(person_of(app), 1), "summary": nested})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "summary"


def test_depth_scanner_ignores_brackets_inside_strings() -> None:
    assert json_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]"}]}') == 3
    assert json_depth("[]") == 1 and json_depth('"["') == 0


def test_body_over_the_limit_is_413_on_api_and_forms(app: Flask) -> None:
    big = b'{"summary": "' + b"x" * DEFAULT_MAX_BODY_BYTES + b'"}'
    before = event_total(app)
    api = app.test_client().post("/api/v1/records", data=big, content_type="application/json",
                                 headers=bearer(app, "recording_unit"))
    assert api.status_code == 413 and api.get_json()["error"]["field"] == "body"
    client = app.test_client()
    token = csrf_token(client)
    form = client.post("/login", data={"username": "x" * DEFAULT_MAX_BODY_BYTES, "password": "p", "csrf_token": token})
    assert form.status_code == 413 and "字节" in form.get_data(as_text=True)  # the refusal in Chinese
    assert event_total(app) == before


def test_concurrent_records_on_one_subject_are_all_saved_or_409_never_500(any_app: Flask) -> None:
    subject_id, recorder = person_of(any_app), Api(any_app, "recording_unit")
    before = event_total(any_app)

    def one(number: int) -> int:
        client = any_app.test_client()
        return client.post("/api/v1/records", json=_record_body(subject_id, 100 + number),
                           headers=recorder.headers).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(one, range(8)))
    assert codes == [200] * 8, codes  # each lost race was retried from a fresh read (domain/retry.py)
    with any_app.app_context():
        assert len(services().credit.records_of(subject_id)) == 8 and event_total(any_app) > before


def test_a_race_lost_after_every_retry_is_409_naming_the_item_and_its_version(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def always_overtaken(self: LedgerApplication, unit: str, *aggregates: Any) -> None:
        raise IntegrityError("UNIQUE constraint failed: stored_events.originator_id, originator_version")

    subject_id, recorder = person_of(app), Api(app, "recording_unit")
    with app.app_context():
        version = services().ledger.get(subject_id).version
    monkeypatch.setattr(LedgerApplication, "save_as", always_overtaken)
    before = event_total(app)
    response = recorder.post("/records", _record_body(subject_id, 1))
    error = response.get_json()["error"]
    assert response.status_code == 409 and error["field"] == "subject_id", error
    assert f"现为第 {version} 版" in error["message"] and "UNIQUE" not in error["message"]
    monkeypatch.undo()
    assert event_total(app) == before


def test_an_unexpected_error_is_a_500_with_an_incident_id_and_nothing_personal(
        app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Queries, id_number_or_uscc: str) -> None:
        raise RuntimeError(DATABASE_MESSAGE)

    monkeypatch.setattr(Queries, "find_subject", broken)
    caplog.set_level(logging.ERROR)
    api = app.test_client().post("/api/v1/subjects/lookup", json={"q": valid_id()}, headers=bearer(app, "auditor"))
    assert api.status_code == 500
    incident = api.headers["X-Incident-Id"]
    message = api.get_json()["error"]["message"]
    assert incident in message and SECRET_TEXT not in message and "RuntimeError" not in message
    client = app.test_client()
    login(client, "auditor")
    page = client.post("/subjects/", data={"q": valid_id(), "csrf_token": csrf_token(client, "/subjects/")})
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and "事件编号" in html and SECRET_TEXT not in html and "Traceback" not in html
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"incident {incident}" in logged and "RuntimeError" in logged and "find_subject" not in message
    assert SECRET_TEXT not in logged and "王小明" not in logged


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))


def _nested(depth: int, leaf: Any, as_object: bool) -> Any:
    for _ in range(depth):
        leaf = {"a": leaf} if as_object else [leaf]
    return leaf


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_body_endpoint_answers_hostile_shapes_with_4xx(app: Flask, data: st.DataObject) -> None:
    """Hypothesis picks an endpoint, a nesting depth around the limit and a field to hide it in."""
    spec = data.draw(st.sampled_from([e for e in ENDPOINTS if e.body]), label="endpoint")
    depth = data.draw(st.integers(1, 120), label="depth")
    leaf = _nested(depth, data.draw(JSON_SCALARS, label="leaf"), data.draw(st.booleans(), label="object"))
    field = data.draw(st.sampled_from([f.name for f in spec.body or ()] + ["extra"]), label="field")
    path = "/api/v1" + re.sub(r"\{[^}]+\}", "00000000-0000-4000-8000-000000000000", spec.path)
    role = next((r for r in spec.roles if r in ROLE_USER), None)
    headers = bearer(app, role) if role else {}
    response = app.test_client().open(path, method=spec.method, json={field: leaf}, headers=headers)
    assert 400 <= response.status_code < 500, (spec.name, depth, response.status_code)
    if depth + 1 > 32:
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"
