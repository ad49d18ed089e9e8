"""All text in the page's language (issue 16.3): every demo role, in Chinese, visits every page its home's links
reach and submits every form empty; no page may show an English word a person reads (catalogs, names from the
profiles) beyond the reviewed allow-list of ids, codes and formats (latin_allowed.py); no page answers 5xx."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from latin_allowed import allowed, latin_words
from ledger_support.backends import initialised_ledger
from page_crawl import crawl
from web_helpers import TODAY, tmp_settings

from domain.demo import Clock, run_demo
from ledger.cli_domain import demo_service
from projections.db import make_engine
from web.accounts import AccountStore, ensure_tables
from web.app import create_app
from web.demo_users import DEMO, ensure_demo_users

SUBJECTS, SEED = 12, 3  # every narrative path of the five profiles at least once


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The web app on a ledger filled by `ledger demo` and `ledger users demo` (in process)."""
    settings = tmp_settings(Path(tmp_path_factory.mktemp("zh-crawl")))
    ledger = initialised_ledger(settings)
    try:
        clock = Clock()
        assert run_demo(demo_service(ledger, clock), clock, SUBJECTS, SEED).failures == []
        engine = make_engine(settings)
        ensure_tables(engine)
        ensure_demo_users(ledger, engine, AccountStore(engine, ledger))
        engine.dispose()
    finally:
        ledger.close()
    app = create_app(settings, today=lambda: TODAY, secure_cookies=False, TESTING=True)
    yield app
    app.extensions["credit_ledger"].close()


def _login(app: Flask, username: str, password: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token.group(1)})
    assert answer.status_code == 302, answer.get_data(as_text=True)[-800:]
    return client


@pytest.mark.parametrize("login", DEMO, ids=[login.username for login in DEMO])
def test_every_page_a_role_reaches_speaks_chinese(demo_app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    client = _login(demo_app, login.username, login.password)
    pages = list(crawl(client, "/"))
    assert len(pages) >= 5, [p.how for p in pages]  # the role's home and its links were reached
    failed = [f"{p.how}: {p.status}" for p in pages if p.status >= 500]
    assert failed == [], failed
    english = sorted({f"{p.how.split(' (')[0]}: {w}" for p in pages for w in latin_words(p.text)
                      if not allowed(w, p.how.split(" ", 1)[1].split(" ")[0])})
    assert english == [], "untranslated English on Chinese pages:\n" + "\n".join(english)
    assert time.monotonic() - started < 20  # the whole crawl (6 roles) stays well under a minute


def test_the_allow_list_lets_no_plain_english_through() -> None:
    """The allow-list itself: ids, rule ids and masks pass; English words do not."""
    for word in ("NT-PCI-32", "NT-GOV-2.2a", "LYG-M-13a.1", "7b6f9ce4-e12f", "YYYY-MM", "谢**"[0:0] + "H***"):
        assert allowed(word, "/office/lists"), word
    for word in ("Refused", "tax", "credit_office", "nt-tax-bureau", "Registered", "active", "demo"):
        assert not allowed(word, "/office/lists"), word
    assert allowed("nt-tax-bureau", "/admin/units") and latin_words("拒绝: NT-PCI-15 (tax).") == ["NT-PCI-15", "tax"]
