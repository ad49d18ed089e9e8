"""Administration through the API: accounts, API tokens, the key history and unit keys, publishing a profile,
signing a checkpoint; only the admin role may (HA-5.2); bad input names the field and rule, stores nothing."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from api_support import Api, error_of, event_total
from flask import Flask

from nacl.signing import VerifyKey

from ledger.checkpoint import SignedCheckpoint
from web.context import services
from web.roles import ADMIN, ROLES


def test_accounts_are_added_listed_deactivated_and_activated_ha_5_2(app: Flask) -> None:
    admin = Api(app, "admin")
    added = admin.ok("/admin/users", {"username": "hrss-clerk", "password": "password-123", "role": "department",
                                      "unit": "nt-hrss", "display_name": "人社局 张"})
    assert added == {"username": "hrss-clerk", "role": "department", "unit": "nt-hrss", "subject_id": None,
                     "display_name": "人社局 张", "active": True}
    users = admin.read("/admin/users")["users"]
    assert added in users and all("password" not in str(sorted(u)) for u in users)

    token = admin.ok("/admin/users/hrss-clerk/tokens", {"label": "人社局系统"})
    assert token["token"].startswith("clt_") and token["label"] == "人社局系统"
    clerk = app.test_client()
    headers = {"Authorization": f"Bearer {token['token']}"}
    assert clerk.get("/api/v1/me", headers=headers).get_json()["unit"] == "nt-hrss"

    assert admin.ok("/admin/users/hrss-clerk/deactivation")["active"] is False
    assert clerk.get("/api/v1/me", headers=headers).status_code == 401
    assert admin.ok("/admin/users/hrss-clerk/activation")["active"] is True
    assert clerk.get("/api/v1/me", headers=headers).status_code == 200
    assert admin.ok("/admin/users/hrss-clerk/tokens/revocation") == {"username": "hrss-clerk", "revoked": 1}
    assert clerk.get("/api/v1/me", headers=headers).status_code == 401


def test_a_subject_account_is_tied_to_a_registered_subject(app: Flask, subject_id: UUID) -> None:
    admin = Api(app, "admin")
    missing = admin.post("/admin/users", {"username": "ghost", "password": "password-123", "role": "subject",
                                          "subject_id": str(uuid4())})
    assert missing.status_code == 404 and error_of(missing)["field"] == "subject_id"
    assert admin.ok("/admin/users", {"username": "wang", "password": "password-123", "role": "subject",
                                     "subject_id": str(subject_id)})["subject_id"] == str(subject_id)
    with app.app_context():
        assert services().accounts.get("ghost") is None


USER_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("bad username", {"username": "Bad Name!"}, "username"),
    ("taken username", {"username": "recorder"}, "username"),
    ("short password", {"password": "short"}, "password"),
    ("unknown role", {"role": "superuser"}, "role"),
    ("public is no account", {"role": "public"}, "role"),
    ("staff without unit", {"unit": None}, "unit"),
    ("subject id on staff", {"subject_id": str(uuid4())}, "subject_id"),
    ("unknown field", {"is_admin": True}, "is_admin"),
]


def test_bad_accounts_are_refused_naming_the_field_ha_5_2(app: Flask) -> None:
    admin = Api(app, "admin")
    before = admin.read("/admin/users")["users"]
    for case, change, field in USER_CASES:
        body = {"username": "new-clerk", "password": "password-123", "role": "department", "unit": "nt-hrss",
                **change}
        response = admin.post("/admin/users", {k: v for k, v in body.items() if v is not None})
        assert response.status_code == 422, (case, response.get_data(as_text=True))
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == (field, "HA-5.2"), case
    assert admin.read("/admin/users")["users"] == before


def test_unknown_users_blank_labels_and_self_deactivation_are_refused(app: Flask) -> None:
    admin = Api(app, "admin")
    for path in ("/admin/users/nobody/deactivation", "/admin/users/nobody/tokens/revocation"):
        assert admin.post(path).status_code == 404, path
    assert admin.post("/admin/users/nobody/tokens", {"label": "x"}).status_code == 404
    blank = admin.post("/admin/users/dept/tokens", {"label": "  "})
    assert (blank.status_code, error_of(blank)["field"], error_of(blank)["rule_id"]) == (422, "label", "HA-5.2")
    myself = admin.post("/admin/users/admin/deactivation")
    assert (myself.status_code, error_of(myself)["field"]) == (422, "username")
    assert admin.read("/me")["role"] == ADMIN


def test_unit_keys_are_registered_rotated_and_listed_jy_5(app: Flask) -> None:
    admin, before = Api(app, "admin"), event_total(app)
    history = admin.read("/admin/keys")
    units = {u["unit"]: u["active_key"] for u in history["units"]}
    assert units["nt-credit-office"] and "nt-credit-office" in {k["unit"] for k in history["keys"]}

    first = admin.ok("/admin/keys", {"unit": "nt-new-bureau", "action": "register"})
    assert first["key_id"].startswith("nt-new-bureau:") and event_total(app) == before + 1
    second = admin.ok("/admin/keys", {"unit": "nt-new-bureau", "action": "rotate"})
    keys = {k["key_id"]: k for k in admin.read("/admin/keys")["keys"]}
    assert (keys[first["key_id"]]["status"], keys[second["key_id"]]["status"]) == ("rotated", "active")
    assert keys[first["key_id"]]["ended_position"] == keys[second["key_id"]]["registered_position"]

    count = event_total(app)
    for body, field in (({"unit": "nt-new-bureau", "action": "register"}, "unit"),  # has a key: rotate it
                        ({"unit": "never-registered", "action": "rotate"}, "unit"),
                        ({"unit": "Bad Unit", "action": "register"}, "unit"),
                        ({"unit": "x", "action": "revoke"}, "action")):
        refused = admin.post("/admin/keys", body)
        assert refused.status_code == 422, (body, refused.get_data(as_text=True))
        assert (error_of(refused)["field"], error_of(refused)["rule_id"]) == (field, "JY-5"), body
    assert event_total(app) == count
    assert Api(app, "credit_office").post("/admin/keys", {"unit": "x-y", "action": "register"}).status_code == 403


def test_publishing_a_profile_again_is_a_no_op_and_a_checkpoint_is_signed_jy_16(app: Flask) -> None:
    admin, auditor, before = Api(app, "admin"), Api(app, "auditor"), event_total(app)  # tokens are ledger events
    published = admin.ok("/profiles", {"profile_id": "NT"})["id"]
    assert admin.ok("/profiles", {"profile_id": "NT"})["id"] == published and event_total(app) == before
    unknown = admin.post("/profiles", {"profile_id": "XX"})
    assert (unknown.status_code, error_of(unknown)["field"], error_of(unknown)["rule_id"]) == (422, "profile_id",
                                                                                               "JY-16")
    signed = admin.ok("/checkpoints")
    with app.app_context():
        size = services().ledger.log.tree_size()
        pinned, origin = services().ledger.keystore.pinned_root(), services().ledger.settings.origin
    assert pinned is not None
    checked = SignedCheckpoint.from_text(signed["checkpoint"]).verify({origin: VerifyKey(pinned)})
    assert signed["tree_size"] == size == checked.size
    assert auditor.read("/checkpoints/latest")["checkpoint"] == signed["checkpoint"]
    assert admin.ok("/checkpoints") == signed  # unchanged log: the stored checkpoint


@pytest.mark.parametrize("role", [r for r in ROLES if r != ADMIN])
def test_only_the_admin_reaches_administration_ha_5_2(app: Flask, role: str) -> None:
    client = app.test_client()
    headers = Api(app, role).headers if role != "public" else {}
    for method, path in (("GET", "/admin/users"), ("POST", "/admin/users/dept/tokens"), ("GET", "/admin/keys"),
                         ("POST", "/checkpoints"), ("POST", "/profiles")):
        response = client.open(f"/api/v1{path}", method=method, json={} if method == "POST" else None,
                               headers=headers)
        assert response.status_code == (401 if role == "public" else 403), (role, path)
