"""The court bundle download on the auditor's pages (issue 6), and HA-5.2: every staff read states its purpose."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID

from casework_support import refused_at
from flask import Flask
from web_helpers import event_count, login, post
from workflow_steps import full_loop

from ledger.bundle.verify import verify_bundle
from web.access_log_view import reads_of
from web.context import services
from web.worklists import current_views


def _reads(app: Flask, subject_id: str) -> list:  # type: ignore[type-arg]
    with app.app_context():
        with current_views() as conn:
            return reads_of(conn, UUID(subject_id))


def test_auditor_downloads_a_court_bundle_that_verifies_offline(any_app: Flask, tmp_path: Path) -> None:
    client = any_app.test_client()
    loop = full_loop(client, seed=41)
    login(client, "auditor")
    bundle_url = f"/audit/bundle/{loop.subject_id}"
    before = event_count(any_app)
    assert client.post(bundle_url, data={}).status_code == 400  # CSRF on the download form too
    page = client.get(bundle_url)
    assert page.status_code == 302 and "/purpose" in page.headers["Location"]  # HA-5.2 first
    post(client, f"/subjects/{loop.subject_id}/purpose", {"purpose": "法院调查取证", "basis": "（2025）苏06民初9号"})
    subject_page = client.get(f"/subjects/{loop.subject_id}").get_data(as_text=True)
    assert 'id="bundle-form"' in subject_page
    refused_at(post(client, bundle_url, {"as_of": "", "valid_at": "June"}), "valid_at", "NT-PCI-30")
    refused_at(post(client, bundle_url, {"as_of": "2000-01-01", "valid_at": ""}), "as_of", "NT-PCI-36")
    assert event_count(any_app) == before + 1  # only the subject page read
    # the ledger's transaction time is the real clock, and an as-of day ends at midnight China time
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    response = post(client, bundle_url, {"as_of": today, "valid_at": "2025-06-10"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.get_data())
    report = verify_bundle(path)
    assert report.ok, report.text()
    exported = [r for r in _reads(any_app, loop.subject_id) if r.channel == "export"]
    assert [(r.purpose, r.basis, r.user) for r in exported] == [("法院调查取证", "（2025）苏06民初9号", "auditor")]


def test_time_travel_answer_offers_its_bundle_with_the_pages_dates(app: Flask) -> None:
    client = app.test_client()
    loop = full_loop(client, seed=42)
    login(client, "auditor")
    post(client, f"/subjects/{loop.subject_id}/purpose", {"purpose": "复核", "basis": "督查〔2025〕3号"})
    page = client.get(f"/audit/timetravel?subject_id={loop.subject_id}&valid_at=2025-06-10", follow_redirects=True).get_data(as_text=True)
    form = page[page.index(f'action="/audit/bundle/{loop.subject_id}" id="bundle-form"'):]
    assert 'name="valid_at" value="2025-06-10"' in form[:form.index("</form>")]


def test_every_staff_read_states_purpose_and_basis_HA_5_2(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    for user in ("recorder", "office", "auditor"):  # a department reads only subjects with its cases (scope tests)
        login(client, user)
        before = event_count(app)
        response = client.get(f"/subjects/{subject_id}")
        assert response.status_code == 302 and "/purpose" in response.headers["Location"], user
        assert event_count(app) == before, user  # nothing read, nothing registered
        refused = post(client, f"/subjects/{subject_id}/purpose", {"purpose": "核查", "basis": ""})
        refused_at(refused, "basis", "HA-5.2")
        post(client, f"/subjects/{subject_id}/purpose", {"purpose": f"{user} 核查", "basis": "工作职责"})
        assert client.get(f"/subjects/{subject_id}").status_code == 200
        assert event_count(app) == before + 1
    reads = [(r.user, r.purpose) for r in _reads(app, str(subject_id))]
    assert sorted(reads) == [("auditor", "auditor 核查"), ("office", "office 核查"), ("recorder", "recorder 核查")]
    assert not any("official duty" in r.purpose for r in _reads(app, str(subject_id)))


def test_department_inbox_shows_masked_names_without_a_form_HA_3_2(app: Flask) -> None:
    client = app.test_client()
    loop = full_loop(client, seed=43)
    login(client, "dept")
    before = event_count(app)
    inbox = client.get("/department/inbox")
    page = inbox.get_data(as_text=True)
    assert inbox.status_code == 200 and loop.case_id in page and "李*" in page and "李四" not in page
    assert event_count(app) == before and 'name="purpose"' not in page
