"""Server-side sessions and login throttling (issue 17 part 4, HA-5.2), real Flask requests on both backends."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from web_helpers import PASSWORDS, TODAY, csrf_token, login

from web.app import create_app
from web.context import services
from web.sessions import sessions
from web.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT

COOKIE = "credit_ledger_session"
USER = "auditor"


def _cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie is not None else None


def _with_cookie(app: Flask, value: str) -> FlaskClient:
    """A fresh client (another browser) presenting a copied session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.fixture
def other_process(any_app: Flask) -> Iterator[Flask]:
    """A second app on the same ledger (as another server process would be): its account changes are its own."""
    with any_app.app_context():
        ledger_settings = services().ledger.settings
    second = create_app(ledger_settings, today=lambda: TODAY, secure_cookies=False, TESTING=True)
    yield second
    second.extensions["credit_ledger"].close()


def test_ha_5_2_session_id_differs_before_and_after_login(any_app: Flask) -> None:
    client = any_app.test_client()
    csrf_token(client)  # the login form stores a CSRF token: an anonymous session exists
    before = _cookie(client)
    assert before
    login(client, USER)
    after = _cookie(client)
    assert after and after != before
    assert not _signed_in(_with_cookie(any_app, before)) and _signed_in(_with_cookie(any_app, after))


def test_ha_5_2_cookie_carries_only_a_random_id(any_app: Flask) -> None:
    client = any_app.test_client()
    login(client, USER)
    value = _cookie(client) or ""
    assert USER not in value and "." not in value and len(value) >= 40
    with any_app.app_context():
        with services().engine.connect() as conn:
            stored = [row.id_hash for row in conn.execute(sessions.select())]
    assert value not in stored and len(stored) == 1


def test_ha_5_2_old_cookie_refused_after_logout(any_app: Flask) -> None:
    client = any_app.test_client()
    login(client, USER)
    old = _cookie(client) or ""
    assert _signed_in(_with_cookie(any_app, old))
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert not _signed_in(client)
    assert not _signed_in(_with_cookie(any_app, old))


def test_ha_5_2_old_cookie_refused_after_password_change_by_another_process(any_app: Flask,
                                                                          other_process: Flask) -> None:
    client = any_app.test_client()
    login(client, USER)
    old = _cookie(client) or ""
    with other_process.app_context():
        services().accounts.set_password(USER, "a-new-password-1")
    assert not _signed_in(_with_cookie(any_app, old))
    assert not _signed_in(client)


def test_ha_5_2_old_cookie_refused_after_deactivation_even_when_reactivated(any_app: Flask,
                                                                           other_process: Flask) -> None:
    client = any_app.test_client()
    login(client, USER)
    old = _cookie(client) or ""
    with other_process.app_context():
        services().accounts.set_active(USER, False)
        services().accounts.set_active(USER, True)
    assert not _signed_in(_with_cookie(any_app, old))
    login(client, USER)  # a new login after reactivation works
    assert _signed_in(client)


def _attempt(client: FlaskClient, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)})


def test_ha_5_2_thirty_wrong_passwords_throttle_the_account_and_refuse_the_right_one(any_app: Flask) -> None:
    client = any_app.test_client()
    codes = [_attempt(client, USER, f"wrong-{n}").status_code for n in range(30)]
    assert codes[:ACCOUNT_LIMIT] == [422] * ACCOUNT_LIMIT
    assert set(codes[ACCOUNT_LIMIT:]) == {429}
    refused = _attempt(client, USER, PASSWORDS[USER])
    assert refused.status_code == 429
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert not _signed_in(client)
    with client.session_transaction() as stored:
        stored["lang"] = "en"
    english = _attempt(client, USER, PASSWORDS[USER])
    assert english.status_code == 429 and "Too many failed logins" in english.get_data(as_text=True)


def test_ha_5_2_throttle_is_per_account_and_per_address(any_app: Flask) -> None:
    client = any_app.test_client()
    for n in range(ACCOUNT_LIMIT):
        assert _attempt(client, USER, f"wrong-{n}").status_code == 422
    login(client, "office")  # another account from the same address still logs in
    guesser = any_app.test_client()
    for n in range(ADDRESS_LIMIT - ACCOUNT_LIMIT):
        assert _attempt(guesser, f"nobody{n}", "wrong-password").status_code == 422
    refused = _attempt(guesser, "recorder", PASSWORDS["recorder"])
    assert refused.status_code == 429  # the address has had its 20 failures
    elsewhere = any_app.test_client()
    response = elsewhere.post("/login", data={"username": "recorder", "password": PASSWORDS["recorder"],
                                              "csrf_token": csrf_token(elsewhere)},
                              environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302


def test_ha_5_2_expired_session_opens_nothing_and_is_purged_at_the_next_login(any_app: Flask) -> None:
    client = any_app.test_client()
    login(client, USER)
    old = _cookie(client) or ""
    with any_app.app_context():
        with services().engine.begin() as conn:
            conn.execute(sessions.update().values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert not _signed_in(_with_cookie(any_app, old))
    login(any_app.test_client(), "office")
    with any_app.app_context():
        with services().engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(sessions)).scalar_one() == 1  # the new one only


def test_ha_5_2_deactivation_by_the_command_line_ends_the_session(any_app: Flask, tmp_path: Path) -> None:
    client = any_app.test_client()
    login(client, USER)
    assert _signed_in(client)
    with any_app.app_context():
        settings = services().ledger.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=settings.database_url, LEDGER_KEYS_DIR=str(settings.keys_dir),
               LEDGER_ORIGIN=settings.origin)
    cwd = tmp_path / "cwd"  # an empty folder: nothing there can shadow the `ledger` package
    cwd.mkdir()
    done = subprocess.run([sys.executable, "-m", "ledger.cli", "users", "deactivate", USER], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not _signed_in(client)


def test_ha_5_2_parallel_guesses_do_not_slip_under_the_limit(any_app: Flask) -> None:
    clients = [any_app.test_client() for _ in range(12)]
    tokens = [csrf_token(c) for c in clients]

    def guess(n: int) -> int:
        return clients[n].post("/login", data={"username": USER, "password": f"wrong-{n}",
                                               "csrf_token": tokens[n]}).status_code
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(guess, range(12)))
    assert codes.count(422) <= ACCOUNT_LIMIT and set(codes) <= {422, 429}, codes
