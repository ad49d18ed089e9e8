"""Accounts in the web service are account-registry events (HA-5.2): the admin form and API write them as the
logged-in administrator, single tokens are revoked, and rows written by hand in SQL grant no login."""

from __future__ import annotations

from datetime import datetime, timezone

from api_support import Api, bearer, error_of
from argon2 import PasswordHasher
from flask import Flask
from sqlalchemy import delete, insert
from web_helpers import PASSWORDS, csrf_token, login, post

from ledger.accounts_registry import ACCOUNTS_ID
from ledger.audit import verify_ledger
from web.accounts import users
from web.context import services


def last_registry_event(app: Flask) -> tuple[str, str]:
    """(kind, actor_user) of the account registry's latest event."""
    with app.app_context():
        book = services().accounts.book()
        rows = services().ledger.log.aggregate_rows(ACCOUNTS_ID)
        changes = [c for history in book.history.values() for c in history if c.position == rows[-1]["position"]]
    kind = rows[-1]["topic"].rsplit(".", 1)[1]
    return kind, changes[0].by if changes else ""


def token_ids(app: Flask, username: str) -> list[int]:
    with app.app_context():
        return [t.token_id for t in services().accounts.tokens(username) if t.active]


def test_the_admin_form_revokes_one_token_as_a_signed_event_of_the_admin(any_app: Flask) -> None:
    first, second = bearer(any_app, "department"), bearer(any_app, "department")
    client = any_app.test_client()
    login(client, "admin")
    first_id = token_ids(any_app, "dept")[0]
    response = post(client, "/admin/users", {"step": "revoke_token", "token_id": str(first_id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert last_registry_event(any_app) == ("TokenRevoked", "admin")
    api = any_app.test_client()
    assert api.get("/api/v1/me", headers=first).status_code == 401
    assert api.get("/api/v1/me", headers=second).status_code == 200
    again = post(client, "/admin/users", {"step": "revoke_token", "token_id": str(first_id)})
    assert again.status_code == 422 and 'id="error-token_id"' in again.get_data(as_text=True)
    with any_app.app_context():
        assert verify_ledger(services().ledger, workers=1).ok


def test_the_api_revokes_one_token_and_refuses_an_unknown_one(any_app: Flask) -> None:
    admin, dept = Api(any_app, "admin"), Api(any_app, "department")
    [dept_token] = token_ids(any_app, "dept")
    assert admin.ok(f"/admin/tokens/{dept_token}/revocation") == {"token_id": dept_token, "revoked": 1}
    assert last_registry_event(any_app) == ("TokenRevoked", "admin")
    assert dept.get("/me").status_code == 401
    unknown = admin.post(f"/admin/tokens/{dept_token}/revocation")
    assert unknown.status_code == 404 and error_of(unknown)["field"] == "token_id"
    assert admin.post("/admin/tokens/x/revocation").status_code == 422


def test_a_user_row_written_by_sql_cannot_log_in_and_a_deleted_row_still_can(app: Flask) -> None:
    with app.app_context():
        engine = services().engine
    with engine.begin() as conn:
        conn.execute(insert(users).values(username="mallory", password_hash=PasswordHasher().hash("mallory-pass-1"),
                                          role="admin", unit="ledger-admin", subject_id=None, display_name="m",
                                          active=True, created_at=datetime.now(timezone.utc)))
        conn.execute(delete(users).where(users.c.username == "office"))
    client = app.test_client()
    refused = client.post("/login", data={"username": "mallory", "password": "mallory-pass-1",
                                          "csrf_token": csrf_token(client)})
    assert refused.status_code != 302
    assert client.get("/admin/users").status_code == 302  # still anonymous: sent to the login page
    login(client, "office")
    assert PASSWORDS["office"]


def test_an_admin_of_another_unit_cannot_change_accounts(app: Flask) -> None:
    with app.app_context():
        services().accounts.add_user("admin2", "admin2-password", "admin", unit="another-admin-unit")
        version = services().accounts.registry.version()
    client = app.test_client()
    token = csrf_token(client)
    assert client.post("/login", data={"username": "admin2", "password": "admin2-password",
                                       "csrf_token": token}).status_code == 302
    response = post(client, "/admin/users", {"step": "token", "username": "dept", "label": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-field="actor_user"' in page and "「操作人员」不符合规则" in page
    with app.app_context():
        assert services().accounts.registry.version() == version


def test_an_auditor_replays_the_account_registry_without_its_hashes(app: Flask) -> None:
    auditor = Api(app, "auditor")
    answer = auditor.get(f"/replay/{ACCOUNTS_ID}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    text = answer.get_data(as_text=True)
    assert "UserCreated" in text and "TokenIssued" in text
    assert "$argon2" not in text and "password_hash" not in text and "token_hash" not in text


def test_the_api_sets_a_password_and_grants_a_role_as_registry_events(any_app: Flask) -> None:
    admin = Api(any_app, "admin")
    assert admin.ok("/admin/users/dept/password", {"password": "dept-new-password"})["username"] == "dept"
    assert last_registry_event(any_app) == ("PasswordChanged", "admin")
    moved = admin.ok("/admin/users/dept/role", {"role": "recording_unit", "unit": "nt-tax-bureau"})
    assert (moved["role"], moved["unit"]) == ("recording_unit", "nt-tax-bureau")
    assert last_registry_event(any_app) == ("RoleGranted", "admin")
    with any_app.app_context():
        user = services().accounts.authenticate("dept", "dept-new-password")
        assert user is not None and user.unit == "nt-tax-bureau"
        version = services().accounts.registry.version()
    short = admin.post("/admin/users/dept/password", {"password": "short"})
    assert short.status_code == 422 and error_of(short)["field"] == "password"
    no_unit = admin.post("/admin/users/dept/role", {"role": "auditor"})
    assert no_unit.status_code == 422 and error_of(no_unit)["field"] == "unit"
    assert admin.post("/admin/users/ghost/role", {"role": "auditor", "unit": "u"}).status_code == 404
    with any_app.app_context():
        assert services().accounts.registry.version() == version


def test_the_admin_forms_set_a_password_and_grant_a_role(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "设置密码" in page and "授予角色和单位" in page and "撤销接口令牌" in page
    assert post(client, "/admin/users", {"step": "password", "username": "office",
                                         "password": "office-new-password"}).status_code == 302
    assert post(client, "/admin/users", {"step": "grant", "username": "office", "role": "auditor",
                                         "unit": "nt-discipline-supervision"}).status_code == 302
    assert last_registry_event(app) == ("RoleGranted", "admin")
    other = app.test_client()
    assert other.post("/login", data={"username": "office", "password": "office-new-password",
                                      "csrf_token": csrf_token(other)}).status_code == 302
    assert other.get("/api/v1/me").get_json()["role"] == "auditor"
    refused = post(client, "/admin/users", {"step": "grant", "username": "office", "role": "auditor", "unit": ""})
    assert refused.status_code == 422 and 'id="error-unit"' in refused.get_data(as_text=True)
