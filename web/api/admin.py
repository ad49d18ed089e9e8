"""The API's administration: accounts and API tokens, the key history, unit keys, profiles and checkpoints."""

from __future__ import annotations

from typing import Any

from domain.errors import RuleViolation
from ledger.keyregistry import KeyRegistryError
from ledger.keys import KeyStoreError, check_unit_name
from ledger.transparency import create_checkpoint
from web.accounts import RULE, User, check_account
from web.api.commands import PROFILES, command
from web.api.errors import ApiError
from web.api.serialize import plain
from web.api.spec import ENUM, ID_RESPONSE, INTEGER, STRING, UUID_, Endpoint, Field
from web.context import services
from web.principal import current_principal
from web.roles import ACCOUNT_ROLES, ADMIN

ADMINS = frozenset({ADMIN})
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
USERNAME = Field("username", STRING, RULE, description="the account's login name", max_length=40)
USER_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["username", "role", "unit", "subject_id", "display_name", "active"],
    "properties": {"username": TEXT, "role": {"type": "string", "enum": list(ACCOUNT_ROLES)}, "unit": NULLABLE_TEXT,
                   "subject_id": {"type": "string", "format": "uuid", "nullable": True}, "display_name": TEXT,
                   "active": {"type": "boolean"}}}
KEY_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["key_id", "unit", "public_key", "status", "registered_position", "ended_position"],
    "properties": {"key_id": TEXT, "unit": TEXT, "public_key": {"type": "string", "description": "Ed25519, hex"},
                   "status": {"type": "string", "enum": ["active", "rotated", "revoked"]},
                   "registered_position": {"type": "integer", "nullable": True},
                   "registered_at": NULLABLE_TEXT, "ended_position": {"type": "integer", "nullable": True},
                   "ended_at": NULLABLE_TEXT, "reason": TEXT}}


def _user_json(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "unit": user.unit,
            "subject_id": str(user.subject_id) if user.subject_id else None, "display_name": user.display_name,
            "active": user.active}


def _existing(username: str) -> User:
    user = services().accounts.get(username)
    if user is None:
        raise ApiError(404, f"no user {username}", "username", RULE)
    return user


def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """Every account, by name (never a password hash)."""
    return {"users": [_user_json(u) for u in services().accounts.all()]}


def add_user(args: dict[str, Any]) -> dict[str, Any]:
    """A new account; a subject account's subject must exist (checked before anything is stored)."""
    check_account(args["username"], args["password"], args["role"], args.get("unit"), args.get("subject_id"))
    if args.get("subject_id") is not None:
        services().credit.check_subject(args["subject_id"])  # 404 when unknown
    user = services().accounts.add_user(args["username"], args["password"], args["role"], unit=args.get("unit"),
                                        subject_id=args.get("subject_id"),
                                        display_name=args.get("display_name", ""), by=_by())
    return _user_json(user)


def set_active(active: bool) -> Any:
    """A handler enabling or disabling an account (accounts are never deleted: the ledger names their users)."""
    def run(args: dict[str, Any]) -> dict[str, Any]:
        username = args["username"]
        _existing(username)
        if not active and username == current_principal().username:
            raise ApiError(422, "an administrator cannot deactivate the account it is using", "username", RULE)
        services().accounts.set_active(username, active, by=_by())
        return _user_json(_existing(username))
    run.__name__ = "activate_user" if active else "deactivate_user"
    return run


def set_password(args: dict[str, Any]) -> dict[str, Any]:
    """A new password for the user (a new argon2 hash recorded in the account registry)."""
    _existing(args["username"])
    services().accounts.set_password(args["username"], args["password"], by=_by())
    return _user_json(_existing(args["username"]))


def grant_role(args: dict[str, Any]) -> dict[str, Any]:
    """A new role and unit for the user: its right to act for the old unit ends at this log position."""
    _existing(args["username"])
    services().accounts.grant_role(args["username"], args["role"], args.get("unit"), by=_by())
    return _user_json(_existing(args["username"]))


def issue_token(args: dict[str, Any]) -> dict[str, Any]:
    """A new API token acting as the user; shown once, only its hash is stored."""
    _existing(args["username"])
    token = services().accounts.issue_token(args["username"], args["label"], by=_by())
    return {"username": args["username"], "label": args["label"], "token": token}


def revoke_tokens(args: dict[str, Any]) -> dict[str, Any]:
    """Revoke every API token of the user (its systems must be given a new one)."""
    _existing(args["username"])
    return {"username": args["username"], "revoked": services().accounts.revoke_tokens(args["username"], by=_by())}


def revoke_token(args: dict[str, Any]) -> dict[str, Any]:
    """Revoke one API token by its id (the user's other tokens keep working)."""
    token_id = args["token_id"]
    if not any(t.token_id == token_id and t.active for t in services().accounts.tokens()):
        raise ApiError(404, f"no active token {token_id}", "token_id", RULE)
    services().accounts.revoke_token(token_id, by=_by())
    return {"token_id": token_id, "revoked": 1}


def _by() -> str:
    """The acting administrator (recorded as actor_user of the registry event)."""
    return current_principal().username or ""


def key_history(args: dict[str, Any]) -> dict[str, Any]:
    """Every key ever registered (with when it ended and why) and the units the profiles name."""
    ledger = services().ledger
    ledger.refresh_keys(force=True)
    keys = [{"key_id": r.key_id, "unit": r.unit, "public_key": r.public_key.hex(), "status": r.status,
             "registered_position": r.registered_position, "registered_at": plain(r.registered_at),
             "ended_position": r.ended_position, "ended_at": plain(r.ended_at), "reason": r.reason}
            for r in ledger.keybook.records.values()]
    named = sorted({(u.id, u.name_zh) for p in services().profiles.values() for u in p.units.values()})
    units = [{"unit": unit, "name": name, "active_key": getattr(ledger.keybook.active_for(unit), "key_id", None)}
             for unit, name in named]
    return {"keys": keys, "units": units}


def unit_key(args: dict[str, Any]) -> dict[str, Any]:
    """Register a unit's first key or rotate its key (a root-signed key-registry event, JY-5)."""
    ledger = services().ledger
    try:
        unit = check_unit_name(args["unit"])
        signer = ledger.register_key(unit) if args["action"] == "register" else ledger.rotate_key(unit)
    except (KeyStoreError, KeyRegistryError) as exc:
        raise RuleViolation("JY-5", "unit", str(exc)) from None
    return {"unit": unit, "key_id": signer.key_id}


def checkpoint(args: dict[str, Any]) -> dict[str, Any]:
    """Sign and store a checkpoint of the whole log now (the stored one if the log has not grown)."""
    ledger = services().ledger
    signed = create_checkpoint(ledger)
    return {"tree_size": signed.checkpoint.size, "checkpoint": signed.to_text()}


ADMIN_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("list_users", "GET", "/admin/users", "Every account (HA-5.2: who may read and act)", ADMINS,
             list_users, "admin", response={"type": "object", "required": ["users"],
                                            "properties": {"users": {"type": "array", "items": USER_SCHEMA}}}),
    Endpoint("add_user", "POST", "/admin/users", "Add an account (argon2 password hash; HA-5.2)", ADMINS, add_user,
             "admin", body=(USERNAME, Field("password", STRING, RULE, description="at least 8 characters"),
                            Field("role", ENUM, RULE, choices=ACCOUNT_ROLES),
                            Field("unit", STRING, RULE, False, "the unit whose key signs (staff and admin roles)",
                                  max_length=64),
                            Field("subject_id", UUID_, RULE, False, "subject accounts: the subject they may read"),
                            Field("display_name", STRING, RULE, False, max_length=100)),
             response=USER_SCHEMA),
    Endpoint("deactivate_user", "POST", "/admin/users/{username}/deactivation",
             "Deactivate an account: its logins and tokens stop working (never deleted)", ADMINS, set_active(False),
             "admin", path_fields=(USERNAME,), response=USER_SCHEMA),
    Endpoint("activate_user", "POST", "/admin/users/{username}/activation", "Activate an account again", ADMINS,
             set_active(True), "admin", path_fields=(USERNAME,), response=USER_SCHEMA),
    Endpoint("set_password", "POST", "/admin/users/{username}/password",
             "Set a user's password (a new argon2 hash in the account registry)", ADMINS, set_password, "admin",
             path_fields=(USERNAME,), body=(Field("password", STRING, RULE, description="at least 8 characters"),),
             response=USER_SCHEMA),
    Endpoint("grant_role", "POST", "/admin/users/{username}/role",
             "Give a user a new role and unit (its right to act for the old unit ends here)", ADMINS, grant_role,
             "admin", path_fields=(USERNAME,),
             body=(Field("role", ENUM, RULE, choices=ACCOUNT_ROLES),
                   Field("unit", STRING, RULE, False, "the unit whose key signs (staff and admin roles)",
                         max_length=64)),
             response=USER_SCHEMA),
    Endpoint("issue_token", "POST", "/admin/users/{username}/tokens",
             "Issue an API token acting as the user (shown once; stored as SHA-256)", ADMINS, issue_token, "admin",
             path_fields=(USERNAME,),
             body=(Field("label", STRING, RULE, description="what the token is for", max_length=100),),
             response={"type": "object", "required": ["username", "label", "token"], "additionalProperties": False,
                       "properties": {"username": TEXT, "label": TEXT, "token": TEXT}}),
    Endpoint("revoke_tokens", "POST", "/admin/users/{username}/tokens/revocation",
             "Revoke every API token of the user", ADMINS, revoke_tokens, "admin", path_fields=(USERNAME,),
             response={"type": "object", "required": ["username", "revoked"], "additionalProperties": False,
                       "properties": {"username": TEXT, "revoked": {"type": "integer"}}}),
    Endpoint("revoke_token", "POST", "/admin/tokens/{token_id}/revocation",
             "Revoke one API token (a signed event of the account registry)", ADMINS, revoke_token, "admin",
             path_fields=(Field("token_id", INTEGER, RULE, description="the token's id"),),
             response={"type": "object", "required": ["token_id", "revoked"], "additionalProperties": False,
                       "properties": {"token_id": {"type": "integer"}, "revoked": {"type": "integer"}}}),
    Endpoint("key_history", "GET", "/admin/keys", "The key history (every key, when it ended and why) and the units "
             "the profiles name", ADMINS, key_history, "admin",
             response={"type": "object", "required": ["keys", "units"],
                       "properties": {"keys": {"type": "array", "items": KEY_SCHEMA},
                                      "units": {"type": "array", "items": {
                                          "type": "object", "required": ["unit", "name", "active_key"],
                                          "properties": {"unit": TEXT, "name": TEXT,
                                                         "active_key": NULLABLE_TEXT}}}}}),
    Endpoint("unit_key", "POST", "/admin/keys", "Register a unit's first signing key or rotate it (root-signed "
             "key-registry event; earlier signatures stay valid) (JY-5)", ADMINS, unit_key, "admin",
             body=(Field("unit", STRING, "JY-5", description="unit id: lower-case letters, digits, '-'",
                         max_length=64),
                   Field("action", ENUM, "JY-5", choices=("register", "rotate"))),
             response={"type": "object", "required": ["unit", "key_id"], "additionalProperties": False,
                       "properties": {"unit": TEXT, "key_id": TEXT}}),
    Endpoint("publish_profile", "POST", "/profiles", "Publish the loaded version of a policy profile into the "
             "ledger; identical content again is a no-op (JY-16, NT-PCI-36)", ADMINS, command("publish_profile"),
             "admin", body=(Field("profile_id", ENUM, "JY-16", choices=PROFILES),
                           Field("version", INTEGER, "NT-PCI-36", False,
                                 "a later version of it (issue 15.9; default: the loaded one)")),
             response=ID_RESPONSE),
    Endpoint("create_checkpoint", "POST", "/checkpoints", "Sign and store a checkpoint of the whole log with the "
             "root key (NT-PCI-37)", ADMINS, checkpoint, "admin",
             response={"type": "object", "required": ["tree_size", "checkpoint"], "additionalProperties": False,
                       "properties": {"tree_size": {"type": "integer"}, "checkpoint": TEXT}}),
)
