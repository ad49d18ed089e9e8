"""Who may call the API: bearer tokens (good, bad, revoked, deactivated user), browser sessions with CSRF,
and THE permission table for every API endpoint × every role (HA-5.2)."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from api_support import Api, bearer, error_of, event_total, token_for
from flask import Flask
from web_helpers import ROLE_USER, login

from web.api import ENDPOINTS
from web.context import services
from web.permissions import PERMISSIONS
from web.roles import PUBLIC, ROLES

PERSON = {"name": "钱八", "id_number": "11010519491231002X"}


def test_a_good_token_acts_as_its_user_and_signs_with_its_unit(app: Flask) -> None:
    api = Api(app, "recording_unit")
    assert api.read("/me") == {"username": "recorder", "role": "recording_unit", "unit": "nt-tax-bureau",
                               "subject_id": None, "via_token": True}
    created = api.ok("/subjects/persons", PERSON)["id"]
    steps = Api(app, "auditor").read(f"/replay/{created}", purpose="p", basis="b")["steps"]
    assert (steps[0]["unit"], steps[0]["user"]) == ("nt-tax-bureau", "recorder")


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer clt_forged", "Basic cmVjb3JkZXI6eA==", "Token abc"])
def test_missing_or_bad_tokens_are_401_json(app: Flask, header: str) -> None:
    client, before = app.test_client(), event_total(app)
    headers = {"Authorization": header} if header else {}
    for response in (client.get("/api/v1/me", headers=headers),
                     client.post("/api/v1/subjects/persons", json=PERSON, headers=headers)):
        assert response.status_code == 401
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == ("authorization", "HA-5.2")
    assert event_total(app) == before


def test_revoked_tokens_and_deactivated_users_are_401(app: Flask) -> None:
    client = app.test_client()
    token = token_for(app, "recording_unit")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        services().accounts.revoke_tokens("recorder")
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    fresh = bearer(app, "recording_unit")
    with app.app_context():
        services().accounts.set_active("recorder", False)
    assert client.post("/api/v1/subjects/persons", json=PERSON, headers=fresh).status_code == 401


def test_a_bad_token_is_not_rescued_by_a_valid_session(app: Flask) -> None:
    client = app.test_client()
    login(client, "recorder")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer clt_forged"}).status_code == 401


def test_browser_sessions_need_the_csrf_token_on_commands_only(app: Flask) -> None:
    client, before = app.test_client(), event_total(app)
    login(client, "recorder")
    me = client.get("/api/v1/me").get_json()
    assert (me["username"], me["via_token"]) == ("recorder", False)
    refused = client.post("/api/v1/subjects/persons", json=PERSON)
    assert refused.status_code == 400 and error_of(refused)["field"] == "csrf_token"
    assert event_total(app) == before
    token = client.get("/api/v1/csrf-token").get_json()["csrf_token"]
    created = client.post("/api/v1/subjects/persons", json=PERSON, headers={"X-CSRFToken": token})
    assert created.status_code == 200 and UUID(created.get_json()["id"])


def test_a_logged_out_browser_gets_401_json_not_a_login_page(app: Flask) -> None:
    response = app.test_client().get("/api/v1/overdue")
    assert response.status_code == 401 and response.is_json


def test_every_api_endpoint_is_in_the_permission_table(app: Flask) -> None:
    api_endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert api_endpoints == {f"api.{e.name}" for e in ENDPOINTS} | {"api.openapi", "api.csrf_token"}
    assert all(PERMISSIONS[e] for e in api_endpoints)


def _path(path: str) -> str:
    return path.replace("{subject_id}", str(uuid4())).replace("{", "").replace("}", "")


@pytest.mark.parametrize("role", ROLES)
def test_every_api_endpoint_for_every_role_ha_5_2(app: Flask, role: str) -> None:
    client = app.test_client()
    headers = bearer(app, role) if role in ROLE_USER else {}
    before = event_total(app)
    for spec in ENDPOINTS:
        url = "/api/v1" + _path(spec.path)
        response = client.open(url, method=spec.method, json={} if spec.body is not None else None, headers=headers)
        where = f"{spec.method} {url} as {role}: {response.status_code} {response.get_data(as_text=True)[:200]}"
        assert response.status_code < 500 and response.is_json, where
        if role in spec.roles:
            assert response.status_code not in (401, 403) or response.status_code == 403 and \
                error_of(response)["field"] == "subject_id", where
        elif role == PUBLIC:
            assert response.status_code == 401, where
        else:
            assert response.status_code == 403 and error_of(response)["rule_id"] == "HA-5.2", where
    # the only write an allowed role can make with empty input is the auditor's verification (no event)
    assert event_total(app) == before
