"""The foundation: login, sessions, CSRF, secret key, i18n switch, token authentication, accounts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from flask import Blueprint, Flask, jsonify
from flask.testing import FlaskClient
from web_helpers import PASSWORDS, csrf_token, login

from domain.errors import RuleViolation
from web.context import services
from web.permissions import PERMISSIONS
from web.principal import current_principal
from web.security import SECRET_FILE, exempt_token_api


def test_login_with_the_right_password_starts_a_session(client: FlaskClient) -> None:
    login(client, "office")
    page = client.get("/").get_data(as_text=True)
    assert "南通市经信委（市信用办）" in page and 'id="logout"' in page  # the unit by its name (issue 16.3)


def test_login_with_a_wrong_password_is_refused_and_names_the_field(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "office", "password": "wrong-password",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-password"' in page and "HA-5.2" in page
    assert 'id="logout"' not in client.get("/").get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused_HA_5_2(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "office", "password": PASSWORDS["office"]})
    assert response.status_code == 400
    assert "csrf_token" in response.get_data(as_text=True)
    assert 'id="logout"' not in client.get("/").get_data(as_text=True)


def test_logout_needs_csrf_and_ends_the_session(client: FlaskClient) -> None:
    login(client, "dept")
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/")}).status_code == 302
    assert client.get("/department/inbox").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "office", "password": PASSWORDS["office"],
                                           "csrf_token": csrf_token(client)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secret_key_file_is_created_once_with_mode_0600(app: Flask) -> None:
    path = Path(services_of(app).ledger.settings.keys_dir) / SECRET_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().strip() == app.config["SECRET_KEY"]


def services_of(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        return services()


def test_chinese_by_default_and_the_switch_to_english_on_every_page(client: FlaskClient) -> None:
    page = client.get("/public/").get_data(as_text=True)
    assert "公共信用" in page and 'id="lang-switch"' in page
    switched = client.get("/lang/en?next=/public/")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/public/")
    english = client.get("/public/").get_data(as_text=True)
    assert "Public query" in english and "中文" in english
    client.get("/lang/zh")
    assert "公共查询" in client.get("/public/").get_data(as_text=True)


def test_language_switch_never_redirects_off_site(client: FlaskClient) -> None:
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_bad_accounts_are_refused_with_field_and_rule(app: Flask) -> None:
    accounts = services_of(app).accounts
    for kwargs, field in ((dict(username="x", password="long-enough", role="auditor", unit="u"), "username"),
                          (dict(username="newbie", password="short", role="auditor", unit="u"), "password"),
                          (dict(username="newbie", password="long-enough", role="king", unit="u"), "role"),
                          (dict(username="newbie", password="long-enough", role="auditor"), "unit"),
                          (dict(username="newbie", password="long-enough", role="subject"), "subject_id"),
                          (dict(username="office", password="long-enough", role="auditor", unit="u"), "username")):
        with pytest.raises(RuleViolation) as refused:
            accounts.add_user(**kwargs)  # type: ignore[arg-type]
        assert refused.value.field == field and refused.value.rule_id == "HA-5.2"
    assert accounts.get("newbie") is None


def test_passwords_are_stored_as_argon2_hashes(app: Flask) -> None:
    from sqlalchemy import select

    from web.accounts import users

    with services_of(app).engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.username == "office")).scalar_one()
    assert stored.startswith("$argon2") and PASSWORDS["office"] not in stored


def _token_app(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Blueprint:
    bp = Blueprint("tokentest", __name__, url_prefix="/tokentest")

    @bp.route("/whoami", methods=["GET", "POST"])
    def whoami():  # type: ignore[no-untyped-def]
        p = current_principal()
        return jsonify(user=p.username, role=p.role, unit=p.unit, via_token=p.via_token)

    exempt_token_api(bp)
    monkeypatch.setitem(PERMISSIONS, "tokentest.whoami", frozenset({"department"}))
    app.register_blueprint(bp)
    return bp


def test_token_api_authenticates_by_bearer_token_only(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    _token_app(app, monkeypatch)
    client = app.test_client()
    with app.app_context():
        token = services().accounts.issue_token("dept", "department system")
        office_token = services().accounts.issue_token("office", "office script")
    missing = client.get("/tokentest/whoami")
    assert missing.status_code == 401 and missing.get_json()["field"] == "authorization"
    assert client.get("/tokentest/whoami", headers={"Authorization": "Bearer clt_forged"}).status_code == 401
    ok = client.post("/tokentest/whoami", headers={"Authorization": f"Bearer {token}"})  # no CSRF token needed
    assert ok.status_code == 200 and ok.get_json() == {"user": "dept", "role": "department",
                                                       "unit": "nt-financial-institutions", "via_token": True}
    wrong_role = client.get("/tokentest/whoami", headers={"Authorization": f"Bearer {office_token}"})
    assert wrong_role.status_code == 403 and wrong_role.get_json()["rule"] == "HA-5.2"


def test_token_api_ignores_the_session_cookie(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    _token_app(app, monkeypatch)
    client = app.test_client()
    login(client, "dept")
    assert client.post("/tokentest/whoami").status_code == 401


def test_revoked_and_deactivated_tokens_stop_working(app: Flask) -> None:
    with app.app_context():
        accounts = services().accounts
        token = accounts.issue_token("dept", "system")
        assert accounts.user_for_token(token).username == "dept"  # type: ignore[union-attr]
        accounts.set_active("dept", False)
        assert accounts.user_for_token(token) is None
        accounts.set_active("dept", True)
        assert accounts.revoke_tokens("dept") == 1
        assert accounts.user_for_token(token) is None


def test_a_deactivated_user_is_logged_out(client: FlaskClient, app: Flask) -> None:
    login(client, "office")
    with app.app_context():
        services().accounts.set_active("office", False)
    assert client.get("/office/").status_code == 302
