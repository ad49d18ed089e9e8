"""CSRF protection, the session secret and cookie settings, and token authentication for machine clients."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, request
from flask_wtf.csrf import CSRFProtect

from ledger.config import Settings
from ledger.secret_files import SecretFileError, create_secret_file, read_secret_file
from web.principal import ANONYMOUS, Principal, principal_for

csrf = CSRFProtect()
SECRET_ENV = "LEDGER_WEB_SECRET"
SECRET_FILE = "web.secret"
# Blueprints authenticated by bearer tokens only (never by the session cookie), hence exempt from CSRF.
TOKEN_API_BLUEPRINTS: set[str] = set()
# Token APIs that also serve logged-in browsers: without an Authorization header the session is used.
SESSION_TOO_BLUEPRINTS: set[str] = set()


def exempt_token_api(blueprint: Blueprint) -> Blueprint:
    """Mark a blueprint as a token-authenticated API: no CSRF check, no session login, JSON refusals."""
    csrf.exempt(blueprint)
    TOKEN_API_BLUEPRINTS.add(blueprint.name)
    return blueprint


def accept_sessions(blueprint: Blueprint) -> Blueprint:
    """Let a token API also serve the session's user when no Authorization header is sent (the blueprint
    must then check CSRF itself on state-changing session requests: it is exempt from the global check)."""
    SESSION_TOO_BLUEPRINTS.add(blueprint.name)
    return blueprint


def is_token_api(endpoint: str | None) -> bool:
    """Whether an endpoint belongs to a token-authenticated API blueprint."""
    return bool(endpoint) and endpoint.split(".", 1)[0] in TOKEN_API_BLUEPRINTS  # type: ignore[union-attr]


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def token_principal() -> Principal:
    """The principal of the request's bearer token (anonymous when absent or invalid); on `accept_sessions`
    blueprints, the session's principal when no Authorization header is sent."""
    from web.context import services
    from web.permissions import _session_principal

    if "Authorization" not in request.headers and request.blueprint in SESSION_TOO_BLUEPRINTS:
        return _session_principal()
    token = bearer_token()
    user = services().accounts.user_for_token(token) if token else None
    return principal_for(user, via_token=True) if user else ANONYMOUS


def secret_key(settings: Settings) -> str:
    """LEDGER_WEB_SECRET, else a random secret kept in the keys dir (0600, created whole once, never racing;
    a file readable by others is refused)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = Path(settings.keys_dir) / SECRET_FILE
    create_secret_file(path)  # a no-op when it exists; losing it only ends the signed cookies' validity
    try:
        return read_secret_file(path).hex()
    except SecretFileError as error:
        raise SecretFileError(f"web secret: {error}") from None


def configure(app: Flask, settings: Settings, *, secure_cookies: bool) -> None:
    """Secret key, hardened session cookie, CSRF on every form."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(settings)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_NAME="credit_ledger_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
    )
    csrf.init_app(app)

    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        return response
