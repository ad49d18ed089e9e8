"""End to end in a real headless Chromium against a real waitress server over a real signed ledger:
the credit office records a case, lists it and pushes a sanction; the department feeds back; the
auditor replays the loop. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import logging
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
import waitress
from playwright.sync_api import Page, sync_playwright
from web_helpers import PASSWORDS, TODAY, new_person_id, tmp_settings

from web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def server(web_template: tuple[Path, UUID], tmp_path: Path) -> Iterator[str]:
    """A waitress server in a thread on a free port, serving the app on a copy of the template ledger."""
    folder = tmp_path / "ledger"
    shutil.copytree(web_template[0], folder)
    app = create_app(tmp_settings(folder), today=lambda: TODAY, secure_cookies=False)
    wsgi = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=wsgi.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{wsgi.effective_port}"
    wsgi.close()
    thread.join(timeout=5)
    app.extensions["credit_ledger"].close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"e2e-{name}.png"), full_page=True)


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORDS[username])
    page.click("#login-submit")
    assert page.locator("#logout").count() == 1


def _flashed(page: Page) -> str:
    found = re.search(UUID_RE, page.locator("p.flash").first.inner_text())
    assert found, page.content()[-2000:]
    return found.group(0)


def _fill(page: Page, values: dict[str, str]) -> None:
    for name, value in values.items():
        assert not re.search(UUID_RE, value), f"an id typed into {name}: ids are chosen, never typed (issue 16.1)"
        if page.locator(f"select#f-{name}").count():
            page.select_option(f"#f-{name}", value)
        else:
            page.fill(f"#f-{name}", value)


def _pick_subject(page: Page, name: str, term: str) -> None:
    """Search a subject in the picker (name or number, POSTed as JSON) and choose the one answer."""
    assert not re.search(UUID_RE, term), "a subject is searched by name or number, never by a typed id"
    page.fill(f"#p-{name}", term)
    page.click(f"#search-{name}")
    page.locator(f"#results-{name} button.picker-choice").first.click()
    page.wait_for_function(f"document.getElementById('f-{name}').value !== ''")


def _pick_item(page: Page, name: str, label: str) -> None:
    """Choose the chosen subject's item whose label (name, date, status: never an id) holds `label`."""
    page.locator(f"#items-{name} label", has_text=label).first.locator("input").check()


def _office(page: Page, base: str) -> tuple[str, str]:
    _login(page, base, "office")
    page.goto(f"{base}/recording/subjects/new")
    _fill(page, {"kind": "person", "name": "赵六", "id_number": new_person_id(77), "address": "南通市"})
    page.click("#register-submit")
    subject_id = _flashed(page)
    page.goto(f"{base}/recording/records/new")
    _pick_subject(page, "subject_id", new_person_id(77))  # the full number goes by POST, never in a URL or log
    assert page.locator("#f-subject_id").input_value() == subject_id
    assert "赵*" in page.locator("#chosen-subject_id").inner_text()  # masked (HA-3.2)
    _fill(page, {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious", "act_date": "2025-05-01",
                 "determination_date": "2025-06-02", "basis_type": "administrative_penalty",
                 "basis_number": "通税罚〔2025〕9号", "basis_issuer": "国家税务总局南通市税务局", "basis_date": "2025-06-02"})
    _shot(page, "1-record-form")
    page.click("#record-submit")
    record_id = _flashed(page)
    _fill(page, {"purpose": "案件办理", "basis": "通税罚〔2025〕9号"})  # HA-5.2: the office states why it reads
    page.click("#purpose-submit")
    assert page.locator("#stated-purpose").count() == 1
    _shot(page, "2-subject-page")
    page.goto(f"{base}/office/lists")
    _pick_subject(page, "subject_id", "赵六")
    _pick_item(page, "record_ids", "2025-06-02")  # the record by its behaviour and date, ticked
    assert page.locator("#f-record_ids").input_value() == record_id
    _fill(page, {"list_code": "black", "drafted_on": "2025-06-03", "reason": "严重失信"})
    page.click("#draft-submit")
    entry_id = _flashed(page)
    page.click(f'#open-entries a[href="/office/lists/{entry_id}"]')  # the entry's own page: nothing to paste
    page.locator("#step-confirm #f-confirmed_on").fill("2025-06-04")
    page.locator("#step-confirm #f-decision_number").fill("通信用认〔2025〕9号")
    page.locator("#step-confirm #f-decision_date").fill("2025-06-04")
    page.click("#confirm-submit")
    assert page.locator("#entry-status").inner_text() in ("已认定", "confirmed")
    assert page.locator("form.step").count() == 1 and page.locator("#step-exit").count() == 1
    _shot(page, "3-listed")
    page.goto(f"{base}/subjects/{subject_id}")
    page.click("#subject-actions a[href^='/office/sanctions']")  # from the subject's page: the subject is chosen
    _pick_item(page, "source_id", "2025-06-02")
    assert page.locator("#f-source_id").input_value() == record_id
    _fill(page, {"measure_id": "NT-M-06", "pushed_on": "2025-06-05"})
    page.click("#push-submit")
    case_id = _flashed(page)
    _shot(page, "4-pushed")
    page.click("#logout")
    return subject_id, case_id


def _department(page: Page, base: str, case_id: str) -> None:
    _login(page, base, "dept")
    page.goto(f"{base}/department/inbox")
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=acknowledged_on]").fill("2025-06-06")
    case.locator("button.acknowledge").click()
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=case_number]").fill("贷审〔2025〕9号")
    case.locator("input[name=case_date]").fill("2025-06-09")
    case.locator("input[name=case_description]").fill("个人经营贷款申请提高利率")
    case.locator("button.apply").click()
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=report]").fill("已实施 1 例")
    case.locator("input[name=fed_back_on]").fill("2025-06-10")
    case.locator("button.feed-back").click()
    assert "fed_back" in page.locator(f"#case-{case_id} legend").inner_text() or \
        "已反馈" in page.locator(f"#case-{case_id} legend").inner_text()
    _shot(page, "5-department-fed-back")
    page.click("#logout")


def test_office_lists_and_pushes_department_feeds_back_auditor_replays_in_chromium(
        server: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # issue 17.8: every log line of the server while a clerk types personal data
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(locale="zh-CN")
            subject_id, case_id = _office(page, server)
            _department(page, server, case_id)
            _login(page, server, "auditor")
            page.goto(f"{server}/audit/replay?id={case_id}")
            _fill(page, {"purpose": "纪律审查", "basis": "审查〔2025〕9号"})  # HA-5.2: asked before the data
            page.click("#purpose-submit")
            steps = page.locator("#replay-steps").inner_text()
            _shot(page, "6-auditor-replay")
            events = [row.get_attribute("data-event") for row in page.locator("#replay-steps tr[data-event]").all()]
            assert events == ["Pushed", "Acknowledged", "Applied", "FedBack"]  # bookkeeping hidden (issue 16.4)
            assert "推送惩戒措施" in steps and "金融机构" in steps and "dept" in steps  # names, in Chinese
            page.click("#lang-switch")
            assert page.locator("#replay-steps th").nth(1).inner_text() == "Step" and "Measure pushed" in page.content()
            _shot(page, "7-auditor-replay-en")
            assert subject_id
        finally:
            browser.close()
    assert caplog.records, "the server logged nothing: the check below would prove nothing"
    for record in caplog.records:
        text = record.getMessage()
        assert "赵六" not in text and new_person_id(77) not in text, f"personal data in a log line of {record.name}"
