"""A clerk's whole day per role in real Chromium, in Chinese and again in English (issue 16, "How it is checked"):
recording unit, credit office, department, auditor and subject finish their work by choosing subjects, records,
entries and cases by name, date and status; no input ever receives an id (issue 16.1). Full-page screenshots go to
tests/artifacts/clerk-day-<lang>-<step>.png."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path
from uuid import UUID

import pytest
from browser_support import CHROMIUM, UUID_RE, fill, flashed, guard_typing, login, pick_item, pick_subject, \
    serving, shot
from playwright.sync_api import Page, sync_playwright
from web_helpers import new_person_id

from domain.identifiers import synthetic_credit_code

WORDS = {  # what a person reads on the pages, per language (the test follows the interface, not ids)
    "zh": {"confirmed": "已认定", "fed_back": "已反馈", "lift": "解除"},
    "en": {"confirmed": "confirmed", "fed_back": "fed back", "lift": "lift"},
}


def _recording_unit(page: Page, base: str, lang: str) -> None:
    """Register a person and an organisation, record dishonesty against a subject (NT-PCI-15, HA-2.2)."""
    login(page, base, "recorder")
    page.goto(f"{base}/recording/subjects/new")
    fill(page, {"kind": "person", "name": "赵六" if lang == "zh" else "钱七", "id_number": new_person_id(81 + len(lang)),
                "address": "南通市"})
    page.click("#register-submit")
    flashed(page)
    page.goto(f"{base}/recording/subjects/new")
    fill(page, {"kind": "organisation", "name": f"南通某商贸有限公司{lang}", "uscc": synthetic_credit_code(random.Random(7 + len(lang))),
                "legal_form": "legal_person"})
    page.click("#register-submit")
    flashed(page)
    shot(page, f"clerk-day-{lang}-1-organisation")
    page.goto(f"{base}/recording/records/new")
    pick_subject(page, "subject_id", "王小明")  # the person whose own account files the objection below
    fill(page, {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious", "act_date": "2025-05-01",
                "determination_date": "2025-06-02", "basis_type": "administrative_penalty",
                "basis_number": "通税罚〔2025〕9号", "basis_issuer": "国家税务总局南通市税务局", "basis_date": "2025-06-02"})
    shot(page, f"clerk-day-{lang}-2-record-form")
    page.click("#record-submit")
    flashed(page)
    page.click("#logout")


def _reminding_unit(page: Page, base: str, lang: str) -> None:
    """Lianyungang's petition bureau records general dishonesty and sends a credit reminder (LYG-7, LYG-8)."""
    login(page, base, "lyg-recorder")
    person = "赵六" if lang == "zh" else "钱七"
    page.goto(f"{base}/recording/records/new")
    pick_subject(page, "subject_id", person)
    fill(page, {"profile_id": "LYG", "behaviour_code": "LYG-7.4", "tier": "general", "act_date": "2025-05-20",
                "determination_date": "2025-06-05", "basis_type": "other_statutory",
                "basis_number": "连信访复〔2025〕12号", "basis_issuer": "连云港市信访局", "basis_date": "2025-06-05"})
    page.click("#record-submit")
    flashed(page)
    page.goto(f"{base}/recording/contacts/new")
    pick_subject(page, "record_id", person)
    pick_item(page, "record_id", "2025-06-05")
    fill(page, {"kind": "reminder", "on": "2025-06-06", "method": "书面", "content": "信用提醒：按期纠正"})
    page.locator("form button[type=submit]").last.click()
    flashed(page)
    shot(page, f"clerk-day-{lang}-2b-reminder")
    page.click("#logout")


def _office_lists(page: Page, base: str, lang: str) -> None:
    """Draft a black-list entry on the record, take it through the steps its own page offers, confirm (JY-6)."""
    login(page, base, "office")
    page.goto(f"{base}/office/lists")
    pick_subject(page, "subject_id", "王小明")
    pick_item(page, "record_ids", "2025-06-02")
    fill(page, {"list_code": "black", "drafted_on": "2025-06-03", "reason": "严重失信"})
    page.click("#draft-submit")
    entry_id = flashed(page)
    page.click(f'#open-entries a[href="/office/lists/{entry_id}"]')
    offered = [f.get_attribute("id") for f in page.locator("form.step").all()]
    if "step-notice" in offered:  # HA-4.1: a serious list is confirmed only after prior notice
        fill(page, {"notice_on": "2025-06-04", "content": "拟列入严重失信名单的事由、依据和救济途径"}, "#step-notice")
        page.click("#notice-submit")
        offered = [f.get_attribute("id") for f in page.locator("form.step").all()]
    if "step-publicise" in offered:
        fill(page, {"channel": "信用中国（江苏南通）", "start": "2025-06-05"}, "#step-publicise")
        page.click("#publicise-submit")
    fill(page, {"confirmed_on": "2025-06-12", "decision_number": "通信用认〔2025〕9号", "decision_date": "2025-06-12"},
         "#step-confirm")
    page.click("#confirm-submit")
    assert page.locator("#entry-status").inner_text() == WORDS[lang]["confirmed"], page.content()[-1500:]
    shot(page, f"clerk-day-{lang}-3-listed")


def _office_push(page: Page, base: str, lang: str) -> str:
    """From the subject's page, push the measure the department applies (HA-4.2); the case's page address."""
    page.goto(f"{base}/subjects/")
    fill(page, {"q": "王小明"})
    page.click("#subject-search")
    if page.locator("#f-purpose").count():  # HA-5.2: the office states why it reads
        fill(page, {"purpose": "联合惩戒", "basis": "通信用认〔2025〕9号"})
        page.click("#purpose-submit")
    page.click("#subject-actions a[href^='/office/sanctions']")
    pick_item(page, "source_id", "2025-06-02")
    offered = [o.get_attribute("value") for o in page.locator("#f-measure_id option:not([disabled])").all()]
    assert "NT-M-06" in offered and all(m.startswith("NT-") for m in offered)  # HA-4.2: only what applies
    fill(page, {"measure_id": "NT-M-06", "pushed_on": "2025-06-13"})
    page.click("#push-submit")
    case_id = flashed(page)
    shot(page, f"clerk-day-{lang}-4-pushed")
    page.click(f'a.item-link[href="/sanctions/{case_id}"]')  # the case's own page: its loop drawn
    page.locator("#item-target").wait_for()
    assert page.locator("#item-target").count() == 1 and page.locator("svg").count() >= 1
    shot(page, f"clerk-day-{lang}-4b-sanction-case")
    page.click("#item-target")  # the record it rests on: state, history, the steps it allows
    page.locator("form.step, #next-steps").first.wait_for()
    shot(page, f"clerk-day-{lang}-4c-record-page")
    page.click("#logout")
    return case_id


def _department(page: Page, base: str, lang: str, case_id: str) -> None:
    """Work the inbox: acknowledge, apply, feed back (CS-2.6, JY-21)."""
    login(page, base, "dept")
    assert page.url.endswith("/department/inbox")  # a department lands on its inbox (issue 16.6)
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=acknowledged_on]").fill("2025-06-13")
    case.locator("button.acknowledge").click()
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=case_number]").fill("贷审〔2025〕9号")
    case.locator("input[name=case_date]").fill("2025-06-14")
    case.locator("input[name=case_description]").fill("个人经营贷款申请提高利率")
    case.locator("button.apply").click()
    case = page.locator(f"#case-{case_id}")
    case.locator("input[name=report]").fill("已实施 1 例")
    case.locator("input[name=fed_back_on]").fill("2025-06-15")
    case.locator("button.feed-back").click()
    assert WORDS[lang]["fed_back"] in page.locator(f"#case-{case_id} legend").inner_text().lower()
    shot(page, f"clerk-day-{lang}-5-department")
    page.click("#logout")


def _office_review_and_lift(page: Page, base: str, lang: str) -> None:
    """Review the feedback on the dashboard, then push the lift of the applied measure (CS-2.6, JY-17)."""
    login(page, base, "office")
    assert "已实施 1 例" in page.content()  # the dashboard lists the feedback to review
    page.goto(f"{base}/office/sanctions")
    pick_subject(page, "sanction_id", "王小明")
    page.locator("#items-sanction_id input").first.check()
    fill(page, {"reason": "信用修复完成", "lift_pushed_on": "2025-06-16"})
    page.locator("form:has(#f-lift_pushed_on) button[type=submit]").click()
    assert page.locator("p.flash").count() == 1, page.content()[-1500:]
    shot(page, f"clerk-day-{lang}-6-lift")
    page.click("#logout")


def _auditor(page: Page, base: str, lang: str, tmp: Path) -> None:
    """Find the subject by name, time-travel to a log position, replay the loop, download and open the bundle."""
    login(page, base, "auditor")
    page.goto(f"{base}/subjects/")
    fill(page, {"q": "小明"})
    page.click("#subject-search")
    fill(page, {"purpose": "纪律审查", "basis": "审查〔2025〕9号"})  # HA-5.2: asked before the data
    page.click("#purpose-submit")
    page.click("#subject-actions a[href^='/audit/timetravel']")
    page.click("#timetravel-submit")
    position = int(re.search(r"position=(\d+)", page.url).group(1))
    fill(page, {"position": str(position - 3)})  # a position entered directly (issue 16.4)
    page.click("#timetravel-submit")
    assert f"position={position - 3}" in page.url and page.locator("#answer-items").count() == 1
    shot(page, f"clerk-day-{lang}-7-time-travel")
    page.locator("#answer-items a[href*='/audit/replay']").last.click()
    page.locator("#replay-steps tr[data-event]").first.wait_for()  # the replay page has loaded its steps
    shot(page, f"clerk-day-{lang}-8-replay")
    page.go_back()
    with page.expect_download() as download:
        page.click("#bundle-submit")
    saved = tmp / f"bundle-{lang}.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as bundle:
        report = bundle.read(next(n for n in bundle.namelist() if n.endswith("report.html"))).decode()
    page.set_content(report)  # the court report opened as a judge would, offline
    assert "None" not in page.inner_text("body") and "王" in page.inner_text("body")
    shot(page, f"clerk-day-{lang}-9-court-report")
    page.goto(f"{base}/")
    page.click("#logout")


def _subject(page: Page, base: str, lang: str) -> None:
    """The subject sees its own record and objects online (NT-PCI-31)."""
    login(page, base, "subject")
    assert "2025-06-02" in page.locator("body").inner_text()
    page.locator(".object-link").first.click()
    fill(page, {"grounds": "wrong_or_incomplete", "statement": "处罚决定已被撤销，附撤销决定书。"})
    page.click("#file-objection")
    assert page.locator("p.flash").count() == 1, page.content()[-1500:]
    shot(page, f"clerk-day-{lang}-10-objection")
    page.click("#logout")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_clerks_day_per_role_without_a_single_id_typed(
        web_template: tuple[Path, UUID], tmp_path: Path, lang: str) -> None:
    with serving(web_template[0], tmp_path / "ledger") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(locale="zh-CN" if lang == "zh" else "en-US", accept_downloads=True)
            typed = guard_typing(page)
            page.goto(f"{base}/lang/{lang}")
            _recording_unit(page, base, lang)
            _reminding_unit(page, base, lang)
            _office_lists(page, base, lang)
            case_id = _office_push(page, base, lang)
            _department(page, base, lang, case_id)
            _office_review_and_lift(page, base, lang)
            _auditor(page, base, lang, tmp_path)
            _subject(page, base, lang)
        finally:
            browser.close()
    assert typed, "nothing was typed: the check below would prove nothing"
    assert not [t for t in typed if re.search(UUID_RE, t)], "an input received an id (issue 16.1)"
