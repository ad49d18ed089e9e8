"""NT-GOV through the real pages: the government-affairs credit file page (zh and en), its read registered."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from flask import Flask
from gov_support import (
    CREDIT, DISCIPLINE, HR, body_code, judged_record, person_id, register_body, register_servant,
)
from web_helpers import csrf_token, event_count, login, post

from web.context import services

PURPOSE = {"purpose": "年度评优资格审查", "basis": "NT-GOV-2.4b 评优审查"}


def test_nt_gov_file_page_shows_entries_records_overdue_and_award_bar(app: Flask) -> None:
    with app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某局", 21, unit="nt-statistics-bureau")
        servant = register_servant(credit, dept, 22, "冯一")
        credit.record_file_entry(HR, profile_id="NT", subject_id=servant, category="annual_assessment",
                                 polarity="positive", document={"number": "考核〔2025〕1号", "date": date(2025, 1, 20)},
                                 summary="年度考核", year=2024, result="优秀")
        record = judged_record(credit, dept)
        credit.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 5), deadline=date(2025, 4, 30),
                                   requirements="兑现承诺")
        credit.determine_fault_tolerance(DISCIPLINE, profile_id="NT", subject_id=servant, case_number="通纪〔2025〕7号",
                                         document={"number": "通容〔2025〕2号", "date": date(2025, 5, 1)}, reason="改革探索")
    client = app.test_client()
    login(client, "office")
    first = client.get(f"/subjects/{dept}/government")
    assert first.status_code == 302 and "/purpose" in first.headers["Location"]  # HA-5.2: purpose first
    post(client, f"/subjects/{dept}/purpose", PURPOSE)
    before = event_count(app)
    page = client.get(f"/subjects/{dept}/government").get_data(as_text=True)
    assert event_count(app) == before + 1  # the read is registered
    assert "南通市某局" in page and "政务失信记录" in page  # Chinese by default: codes only as option values
    assert not re.search(r">[^<]*court_judgment", page)
    assert 'id="award-eligibility" class="alert"' in page and "2025-04-30" in page
    post(client, f"/subjects/{servant}/purpose", PURPOSE)
    client.get("/lang/en?next=/")
    english = client.get(f"/subjects/{servant}/government").get_data(as_text=True)
    assert "annual assessment result 2024: 优秀" in english and "Government-affairs credit file" in english
    assert "通容〔2025〕2号" in english and 'id="award-eligibility" class="muted"' in english
    show = client.get(f"/subjects/{servant}").get_data(as_text=True)
    assert 'id="government-file-link"' in show


def test_nt_gov_2_4a_the_case_steps_are_offered_by_the_case_and_taken_on_the_page(app: Flask) -> None:
    """Issue 16.2 for a government record: the credit office orders rectification and publishes the criticism from
    the file page; each form carries the record (nothing typed); a step already taken is no longer offered."""
    with app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某局", 23, unit="nt-statistics-bureau")
        record = judged_record(credit, dept)
    client = app.test_client()
    login(client, "office")
    post(client, f"/subjects/{dept}/purpose", PURPOSE)
    page = client.get(f"/subjects/{dept}/government").get_data(as_text=True)
    offered = re.findall(r'name="step" value="([a-z_]+)"', page)
    assert offered == ["explain", "order", "criticise", "accountable", "self_correct"]  # nothing to complete yet
    before = event_count(app)
    ordered = post(client, f"/subjects/{dept}/government/case", {
        "record_id": str(record), "step": "order", "requirements": "兑现招商承诺", "ordered_on": "2025-06-01",
        "deadline": "2025-06-30"}, form_path=f"/subjects/{dept}/government")
    assert ordered.status_code == 302 and event_count(app) > before
    with app.app_context():
        assert services().credit.government_case(record).rectification["deadline"] == date(2025, 6, 30)
    page = client.get(f"/subjects/{dept}/government").get_data(as_text=True)
    assert re.findall(r'name="step" value="([a-z_]+)"', page) == ["explain", "complete", "criticise", "accountable",
                                                                   "self_correct"]
    refused = post(client, f"/subjects/{dept}/government/case", {
        "record_id": str(record), "step": "criticise", "notice_number": "通信用〔2025〕1号", "notice_date": "2025-06-02",
        "notice_text": "通报批评", "published_on": "2025-02-01"}, form_path=f"/subjects/{dept}/government")
    assert refused.status_code == 422 and 'data-field="published_on" data-rule="NT-GOV-2.4a"' in refused.get_data(
        as_text=True)


def test_nt_gov_2_2a_2_2b_bodies_servants_and_records_through_the_forms(app: Flask) -> None:
    """The organisation department registers a body and a civil servant, choosing the employing body from the
    registered ones; the credit office records a government dishonesty record; a registrar the profile does not
    name is refused at the actor and nothing is stored."""
    with app.app_context():
        services().accounts.add_user("orgdept", "orgdept-password", "recording_unit", unit="nt-organisation-department")
    client = app.test_client()
    assert client.post("/login", data={"username": "orgdept", "password": "orgdept-password",
                                       "csrf_token": csrf_token(client)}).status_code == 302
    body = post(client, "/government/", {"step": "body", "name": "南通市某委", "uscc": body_code(41), "level": "city",
                                         "superior_id": ""})
    assert body.status_code == 302, body.get_data(as_text=True)[-1500:]
    page = client.get("/government/").get_data(as_text=True)
    [(body_id, name)] = re.findall(r'<option value="([0-9a-f-]{36})"[^>]*>(南通市某委)</option>', page)[:1]
    servant = post(client, "/government/", {"step": "civil_servant", "name": "褚二",
                                            "id_number": person_id(date(1980, 1, 1), 41), "employer_id": body_id,
                                            "post": "科员"})
    assert servant.status_code == 302
    login(client, "recorder")
    before = event_count(app)
    refused = post(client, "/government/", {"step": "body", "name": "南通市另一委", "uscc": body_code(42),
                                            "level": "city", "superior_id": ""})
    assert refused.status_code == 422 and 'data-rule="NT-GOV-2.2a"' in refused.get_data(as_text=True)
    assert event_count(app) == before
    login(client, "office")
    recorded = post(client, "/government/", {
        "step": "record", "subject_id": body_id, "source_kind": "administrative_penalty",
        "document_number": "苏财罚〔2025〕3号", "document_issuer": "江苏省财政厅", "document_date": "2025-05-10",
        "behaviour_code": "NT-GOV-3.1", "tier": "general", "act_date": "2025-03-01",
        "determination_date": "2025-05-12", "summary": "采购验收违规"})
    assert recorded.status_code == 302 and recorded.headers["Location"].endswith(f"/subjects/{body_id}/government")
    with app.app_context():
        [record] = services().credit.government_file(UUID(body_id))["records"]
    assert record.government["source_kind"] == "administrative_penalty" and record.behaviour_code == "NT-GOV-3.1"


def test_nt_gov_2_4a_an_overdue_rectification_is_on_the_office_dashboard_by_day(app: Flask) -> None:
    """Decided by the day, not by a sweep: the template's business day is past the deadline the order stated."""
    with app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某办", 24)
        record = judged_record(credit, dept)
        credit.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 5), deadline=date(2025, 4, 30),
                                   requirements="兑现招商承诺")
        days_late = (credit.today() - date(2025, 4, 30)).days
    assert days_late > 0
    client = app.test_client()
    login(client, "office")
    page = client.get("/office/").get_data(as_text=True)
    table = page[page.index('id="rectifications-overdue"'):]
    assert "南通市某办" in table and "2025-04-30" in table and f"<td>{days_late}</td>" in table
