"""End to end in a real headless Chromium against a real waitress server over a real signed ledger:
the credit office records a case, lists it and pushes a sanction; the department feeds back; the
auditor replays the loop. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from browser_support import CHROMIUM, fill, flashed, login, pick_item, pick_subject, serving, shot
from playwright.sync_api import Page, sync_playwright
from web_helpers import new_person_id


@pytest.fixture
def server(web_template: tuple[Path, UUID], tmp_path: Path) -> Iterator[str]:
    """A waitress server in a thread on a free port, serving the app on a copy of the template ledger."""
    with serving(web_template[0], tmp_path / "ledger") as base:
        yield base


def _shot(page: Page, name: str) -> None:
    shot(page, f"e2e-{name}")


def _office(page: Page, base: str) -> tuple[str, str]:
    login(page, base, "office")
    page.goto(f"{base}/recording/subjects/new")
    fill(page, {"kind": "person", "name": "赵六", "id_number": new_person_id(77), "address": "南通市"})
    page.click("#register-submit")
    subject_id = flashed(page)
    page.goto(f"{base}/recording/records/new")
    pick_subject(page, "subject_id", new_person_id(77))  # the full number goes by POST, never in a URL or log
    assert page.locator("#f-subject_id").input_value() == subject_id
    assert "赵*" in page.locator("#chosen-subject_id").inner_text()  # masked (HA-3.2)
    fill(page, {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious", "act_date": "2025-05-01",
                 "determination_date": "2025-06-02", "basis_type": "administrative_penalty",
                 "basis_number": "通税罚〔2025〕9号", "basis_issuer": "国家税务总局南通市税务局", "basis_date": "2025-06-02"})
    _shot(page, "1-record-form")
    page.click("#record-submit")
    record_id = flashed(page)
    fill(page, {"purpose": "案件办理", "basis": "通税罚〔2025〕9号"})  # HA-5.2: the office states why it reads
    page.click("#purpose-submit")
    assert page.locator("#stated-purpose").count() == 1
    _shot(page, "2-subject-page")
    page.goto(f"{base}/office/lists")
    pick_subject(page, "subject_id", "赵六")
    pick_item(page, "record_ids", "2025-06-02")  # the record by its behaviour and date, ticked
    assert page.locator("#f-record_ids").input_value() == record_id
    fill(page, {"list_code": "black", "drafted_on": "2025-06-03", "reason": "严重失信"})
    page.click("#draft-submit")
    entry_id = flashed(page)
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
    pick_item(page, "source_id", "2025-06-02")
    assert page.locator("#f-source_id").input_value() == record_id
    fill(page, {"measure_id": "NT-M-06", "pushed_on": "2025-06-05"})
    page.click("#push-submit")
    case_id = flashed(page)
    _shot(page, "4-pushed")
    page.click("#logout")
    return subject_id, case_id


def _department(page: Page, base: str, case_id: str) -> None:
    login(page, base, "dept")
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
            login(page, server, "auditor")
            page.goto(f"{server}/audit/replay?id={case_id}")
            fill(page, {"purpose": "纪律审查", "basis": "审查〔2025〕9号"})  # HA-5.2: asked before the data
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
