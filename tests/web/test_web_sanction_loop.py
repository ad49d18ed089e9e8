"""The sanction loop's other ends through the real forms: a department declines with its reason (JY-21), the
credit office's desk of lifts due lifts where applied and withdraws the rest (JY-17, CS-2.7)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask import Flask
from web_helpers import event_count, flashed_id, login, new_person_id, post
from workflow_steps import office_records_and_lists, push

from domain.actor import Actor
from web.context import services


def test_jy_21_a_department_declines_at_its_inbox_and_the_case_closes(app: Flask) -> None:
    client = app.test_client()
    _subject, record_id, _entry = office_records_and_lists(client, seed=71)
    case_id = push(client, record_id)
    login(client, "dept")
    post(client, "/department/inbox", {"sanction_id": case_id, "step": "acknowledge", "acknowledged_on": "2025-06-06"})
    page = client.get("/department/inbox").get_data(as_text=True)
    assert "decline-form" in page and "决定不予实施" in page  # zh first
    before = event_count(app)
    blank = post(client, "/department/inbox", {"sanction_id": case_id, "step": "decline", "decline_reason": "",
                                               "declined_on": "2025-06-07"})
    assert blank.status_code == 422 and 'id="error-decline_reason"' in blank.get_data(as_text=True)
    assert event_count(app) == before
    done = post(client, "/department/inbox", {"sanction_id": case_id, "step": "decline",
                                              "decline_reason": "该主体在本机构无业务", "declined_on": "2025-06-07"})
    assert flashed_id(client, done) == case_id
    with app.app_context():
        assert services().credit.sanction(UUID(case_id)).status == "declined"
    assert case_id not in client.get("/department/inbox").get_data(as_text=True)  # closed: off the inbox


def test_jy_17_cs_2_7_the_office_desk_lifts_where_applied_and_withdraws_the_rest(app: Flask) -> None:
    client, tax = app.test_client(), Actor("nt-tax-bureau", "recorder")
    with app.app_context():  # the tax bureau records
        credit = services().credit
        person = credit.register_person(tax, name="李四", id_number=new_person_id(72))
        record_id = str(credit.record_dishonesty(
            tax, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3", tier="serious",
            basis={"type": "administrative_penalty", "number": "通税罚〔2025〕8号", "issuer": "南通市税务局",
                   "date": date(2025, 6, 2)}, act_date=date(2025, 5, 1), determination_date=date(2025, 6, 2)))
    login(client, "office")
    case_id = push(client, record_id)
    with app.app_context():  # ... and revokes it: the push was never applied, the lift is not the bureau's
        services().credit.revoke_erroneous(tax, target_id=UUID(record_id), reason="认定错误",
                                           revoked_on=date(2025, 6, 10),
                                           apology={"number": "致歉〔2025〕1号", "date": date(2025, 6, 10),
                                                    "text": "特此致歉"})
    login(client, "office")
    dashboard = client.get("/office/").get_data(as_text=True)  # every overdue item, lifts not pushed too
    due = dashboard[dashboard.index('id="lifts-due-count"'):dashboard.index('id="sweep-state"')]
    assert case_id in due and "撤回推送" in due and "/office/sanctions#due-lifts-form" in due
    page = client.get("/office/sanctions").get_data(as_text=True)
    desk = page[page.index('id="lifts-due"'):page.index('id="due-lifts-form"')]
    assert case_id in desk and "撤回推送" in desk  # never applied: withdrawn, not lifted
    done = post(client, "/office/sanctions", {"step": "due_lifts", "due_reason": "记录撤销",
                                              "due_pushed_on": "2025-06-10"})
    assert done.status_code == 302
    with app.app_context():
        assert services().credit.sanction(UUID(case_id)).status == "withdrawn"
    assert 'id="no-lifts-due"' in client.get("/office/sanctions").get_data(as_text=True)
    assert 'id="no-lifts-due"' in client.get("/office/").get_data(as_text=True)


def test_nt_jrp_q_the_office_issues_and_shows_the_quarterly_circular(app: Flask) -> None:
    client = app.test_client()
    login(client, "office")
    assert "季度通报" in client.get("/office/reports/circular").get_data(as_text=True)
    before = event_count(app)
    bad = post(client, "/office/reports/circular", {"step": "issue", "profile_id": "NT", "period": "2025-Q2",
                                                    "issued_on": "2025-06-16"})
    assert bad.status_code == 422 and 'id="error-period"' in bad.get_data(as_text=True)  # Q2 has not ended
    assert event_count(app) == before
    issued = post(client, "/office/reports/circular", {"step": "issue", "profile_id": "NT", "period": "2025-Q1",
                                                       "issued_on": "2025-06-16"})
    assert issued.status_code == 302 and event_count(app) == before + 1
    shown = post(client, "/office/reports/circular", {"step": "show", "profile_id": "NT", "period": "2025-Q1"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="circular-check"' in page and "与已签名通报一致" in page
