"""Helpers of the web tests: building a real signed ledger with accounts, logging in, reading CSRF tokens."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient
from ledger_support.backends import initialised_ledger

from domain.actor import Actor
from domain.policy import load_all
from domain.service import CreditService
from ledger.config import Settings
from projections.db import make_engine
from web.accounts import AccountStore, ensure_tables
from web.context import services
from web.demo_users import DEMO

TODAY = date(2025, 6, 16)
ADMIN_ACTOR = Actor("ledger-admin", "admin")
UNITS = tuple(sorted({u for p in load_all().values() for u in p.units} | {
    "ledger-admin", "nt-tax-bureau", "jy-market-supervision"}))
PASSWORDS = {login.username: login.password for login in DEMO}
ROLE_USER = {login.role: login.username for login in reversed(DEMO)}  # a role's first demo login
SUBJECT_ID_NUMBER = "320602198001021234"


def build_ledger(settings: Settings) -> UUID:
    """Initialise a ledger with every unit's key, publish every profile, register a person, add the demo
    accounts (one per role); return the person's subject id."""
    app = initialised_ledger(settings, UNITS)
    try:
        service = CreditService(app, load_all(), app.keystore.subject_secret(), today=lambda: TODAY)
        for profile_id in service.profiles:
            service.publish_profile(ADMIN_ACTOR, profile_id=profile_id)
        person = service.register_person(Actor("nt-tax-bureau", "recorder"), name="王小明", id_number=valid_id())
        engine = make_engine(settings)
        ensure_tables(engine)
        accounts = AccountStore(engine, app)
        for login in DEMO:
            accounts.add_user(login.username, login.password, login.role, unit=login.unit,
                              subject_id=person if login.role == "subject" else None,
                              display_name=f"test {login.role}")
        engine.dispose()
        return person
    finally:
        app.close()


def valid_id() -> str:
    """A resident ID number with a correct check digit (GB 11643)."""
    body = SUBJECT_ID_NUMBER[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of a form page (as a browser would read it from the hidden field)."""
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: FlaskClient, username: str) -> None:
    """Log in through the real login form."""
    token = csrf_token(client)
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                           "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict[str, str], *, form_path: str | None = None):  # type: ignore[no-untyped-def]
    """POST a form with a fresh CSRF token read from `form_path` (default: the same page)."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, form_path or path)})


def tmp_settings(folder: Path) -> Settings:
    """SQLite settings in a folder."""
    return Settings(database_url=f"sqlite:///{folder}/ledger.sqlite3", keys_dir=folder / "keys",
                    origin="test.example/ledger")


def event_count(app: Flask) -> int:
    """Events in the app's ledger."""
    with app.app_context():
        return services().ledger.event_count()


def flashed_id(client: FlaskClient, response) -> str:  # type: ignore[no-untyped-def]
    """Follow a command's redirect (and a HA-5.2 purpose form it leads to) and return the id announced in the
    flash message."""
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    page = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    found = re.search(r'<p class="flash">[^<]*?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', page)
    assert found, page[-2000:]
    return found.group(1)


def new_person_id(seed: int) -> str:
    """A made-up, valid resident ID number (an adult born in 1980)."""
    import random

    from domain.identifiers import synthetic_resident_id

    return synthetic_resident_id(random.Random(seed), date(1980, 3, 4))


def read_page(client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    """GET a staff page about a subject, stating the purpose first where the page asks for it (HA-5.2)."""
    response = client.get(path)
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if "/purpose" in location:
        form = {"purpose": "案件办理", "basis": "测试依据", "next": path,
                "csrf_token": csrf_token(client, location)}
        client.post(location.split("?")[0], data=form)
        response = client.get(path)
    return response
