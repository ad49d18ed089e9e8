"""Shared parts of the browser tests: a real waitress server on a copy of the template ledger, and the ways a
person fills forms (choosing from pickers and selects, never typing an id, issue 16.1)."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import waitress
from playwright.sync_api import Page
from web_helpers import PASSWORDS, TODAY, tmp_settings

from web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@contextmanager
def serving(template: Path, folder: Path) -> Iterator[str]:
    """A waitress server in a thread on a free port, serving the app on a copy of the template ledger."""
    shutil.copytree(template, folder)
    app = create_app(tmp_settings(folder), today=lambda: TODAY, secure_cookies=False)
    wsgi = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{wsgi.effective_port}"
    finally:
        wsgi.close()
        thread.join(timeout=5)
        app.extensions["credit_ledger"].close()


def shot(page: Page, name: str) -> None:
    """A full-page screenshot into tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page: Page, base: str, username: str) -> None:
    """Log in through the form; the log-out control is visible afterwards (issue 16.6)."""
    page.goto(f"{base}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORDS[username])
    page.click("#login-submit")
    assert page.locator("#logout").count() == 1


def flashed(page: Page) -> str:
    """The id a stored command reports in its flash message (read, never typed)."""
    found = re.search(UUID_RE, page.locator("p.flash").first.inner_text())
    assert found, page.content()[-2000:]
    return found.group(0)


def fill(page: Page, values: dict[str, str], scope: str = "") -> None:
    """Fill fields by name; a select is chosen from, and no value typed may be an id (issue 16.1)."""
    for name, value in values.items():
        assert not re.search(UUID_RE, value), f"an id typed into {name}: ids are chosen, never typed (issue 16.1)"
        selector = f"{scope} #f-{name}".strip()
        if page.locator(f"{scope} select#f-{name}".strip()).count():
            page.select_option(selector, value)
        else:
            page.fill(selector, value)


def pick_subject(page: Page, name: str, term: str) -> None:
    """Search a subject in the picker (name or number, POSTed as JSON) and choose the first answer."""
    assert not re.search(UUID_RE, term), "a subject is searched by name or number, never by a typed id"
    page.fill(f"#p-{name}", term)
    page.click(f"#search-{name}")
    page.locator(f"#results-{name} button.picker-choice").first.click()
    if page.locator(f"#items-{name}").count():  # an item picker's own search: its items are listed next
        _items_listed(page, name)
    else:
        page.wait_for_function(f"document.getElementById('f-{name}').value !== ''")


def _items_listed(page: Page, name: str) -> None:
    """Wait for an item picker's choices; where the reader has not yet stated why they read this subject, state it
    on the page the picker links to, which leads back to the form with the subject chosen (HA-5.2)."""
    page.locator(f"#items-{name} label, #picker-{name} a.picker-purpose").first.wait_for()
    if page.locator(f"#picker-{name} a.picker-purpose").count():
        page.locator(f"#picker-{name} a.picker-purpose").click()
        fill(page, {"purpose": "信用管理", "basis": "NT-PCI-8"})
        page.click("#purpose-submit")
        page.locator(f"#items-{name} label").first.wait_for()


def pick_item(page: Page, name: str, label: str) -> None:
    """Choose the chosen subject's item whose label (name, date, status: never an id) holds `label`."""
    _items_listed(page, name)
    page.locator(f"#items-{name} label", has_text=label).first.locator("input").check()


def guard_typing(page: Page) -> list[str]:
    """Record every value a person puts into an input of any page; the test fails if one is an id (issue 16.1)."""
    typed: list[str] = []
    page.expose_function("__typed", lambda value: typed.append(value))
    page.add_init_script("""document.addEventListener('change', e => {
        const t = e.target; if (t && t.matches && t.matches('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea')) window.__typed(t.value);
    }, true);""")
    return typed
