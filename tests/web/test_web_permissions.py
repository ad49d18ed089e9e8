"""THE permission table, exhaustively: every endpoint × every role (HA-5.2: query permissions are defined)."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import ROLE_USER, csrf_token, login
from werkzeug.routing import Rule

from web.context import services
from web.permissions import PERMISSIONS, allow
from web.roles import PUBLIC, ROLES
from web.security import is_token_api

SAMPLE_ARGS = {"code": "en", "filename": "style.css"}


def _url(app: Flask, rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__  # noqa: SLF001  # which kind of value to invent
        values[name] = uuid.uuid4() if converter == "UUIDConverter" else (
            0 if converter in ("IntegerConverter", "NumberConverter") else SAMPLE_ARGS.get(name, "x"))
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def _routes(app: Flask) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]  # type: ignore[operator]


def test_every_endpoint_is_in_the_table_and_the_table_names_no_missing_endpoint(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(PERMISSIONS) == set(), "endpoints missing from web/permissions.py"
    assert set(PERMISSIONS) - endpoints == set(), "stale entries in web/permissions.py"


def test_an_endpoint_missing_from_the_table_is_refused_for_every_role(app: Flask,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(PERMISSIONS, "public.query")
    client = app.test_client()
    assert client.get("/public/").status_code == 302  # anonymous: sent to the login page
    login(client, "office")
    assert client.get("/public/").status_code == 403


def test_allow_refuses_unknown_roles_and_conflicting_entries() -> None:
    with pytest.raises(ValueError):
        allow({"x.y": {"emperor"}})
    with pytest.raises(ValueError):
        allow({"public.query": {"admin"}})


def _request(client: FlaskClient, url: str, method: str, token: str | None, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, data={"csrf_token": token or ""}, headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_for_every_role(app: Flask, role: str) -> None:
    client = app.test_client()
    username = ROLE_USER.get(role)
    bearer = {}
    if username:
        login(client, username)
        with app.app_context():
            bearer = {"Authorization": f"Bearer {services().accounts.issue_token(username, 'permission test')}"}
    token = csrf_token(client, "/login")
    for rule, method in _routes(app):
        url, api = _url(app, rule), is_token_api(rule.endpoint)
        response = _request(client, url, method, token, bearer if api else {})
        where = f"{method} {url} ({rule.endpoint}) as {role}: {response.status_code}"
        assert response.status_code < 500, where
        location = response.headers.get("Location", "")
        if role in PERMISSIONS[rule.endpoint]:
            assert response.status_code not in (401, 403) and "/login" not in location, where
        elif role == PUBLIC:
            assert response.status_code == 401 if api else "/login" in location, where
        else:
            assert response.status_code == 403, where
        if rule.endpoint == "auth.logout" and username:
            login(client, username)
            token = csrf_token(client, "/login")
