"""Case-work screens through the real forms: escalation (LYG-9/12), erroneous revocation with the written apology
(JY-24), CS-2.2 points, responsible persons (NT-PCI-10/29), appeals (NT-PCI-33) and list-entry objections (JY-6.1)."""

from __future__ import annotations

import random
from datetime import date

from casework_support import add_account, basis, basis_form, login_as, refused_at, run, uuid_of
from flask import Flask
from web_helpers import event_count, flashed_id, login, new_person_id, post
from workflow_steps import office_records_and_lists

from domain.identifiers import synthetic_credit_code
from web.context import services

PETITION_ANSWER = basis(date(2025, 2, 25), "连信访复〔2025〕12号", "连云港市信访局", "other_statutory")


def _lyg_general_record(app: Flask) -> str:
    """A LYG-7 general record with a reminder and a missed interview (LYG-8), so LYG-9 (1) may follow."""
    bureau = "lyg-petition-bureau"
    person = run(app, "register_person", bureau, name="陈某", id_number=new_person_id(901))
    record = run(app, "record_dishonesty", bureau, profile_id="LYG", subject_id=person, behaviour_code="LYG-7.4",
                 tier="general", basis=PETITION_ANSWER, act_date=date(2025, 2, 20), determination_date=date(2025, 3, 1))
    run(app, "register_reminder", bureau, record_id=record, on=date(2025, 3, 5), method="书面", content="信用提醒书")
    run(app, "register_interview", bureau, record_id=record, on=date(2025, 3, 20), method="约谈", content="未到场",
        attended=False)
    return str(record)


def test_determining_unit_escalates_a_record_LYG_9_LYG_12(app: Flask) -> None:
    record_id = _lyg_general_record(app)
    add_account(app, "lyg-clerk", "recording_unit", "lyg-petition-bureau")
    client = app.test_client()
    login_as(client, "lyg-clerk")
    assert client.get(f"/casework/escalate?record_id={record_id}").status_code == 200
    form = {"record_id": record_id, "behaviour_code": "LYG-9.1", "determination_date": "2025-04-01",
            **basis_form("2025-02-25", "连信访复〔2025〕12号", "连云港市信访局"), "reason": "约谈未到场"}
    before = event_count(app)
    refused_at(post(client, "/casework/escalate", {**form, "determination_date": "April"}), "determination_date",
               "LYG-12")
    refused = post(client, "/casework/escalate", {**form, "behaviour_code": "LYG-7.4"})  # no more serious
    assert refused.status_code == 422 and 'id="refusal"' in refused.get_data(as_text=True)
    assert event_count(app) == before
    assert flashed_id(client, post(client, "/casework/escalate", form)) == record_id
    with app.app_context():
        record = services().credit.record(uuid_of(record_id))
        assert (record.tier, record.behaviour_code) == ("more_serious", "LYG-9.1")
    login(client, "recorder")  # nt-tax-bureau did not determine it (JY-5)
    refused_at(post(client, "/casework/escalate", {**form, "behaviour_code": "LYG-12.2"}), "actor", "JY-5")


def test_erroneous_record_is_revoked_only_with_the_written_apology_JY_24(any_app: Flask) -> None:
    client = any_app.test_client()
    subject_id, record_id, entry_id = office_records_and_lists(client, seed=21)
    form = {"target_id": record_id, "reason": "认定主体错误", "revoked_on": "2025-06-12"}
    before = event_count(any_app)
    page = refused_at(post(client, "/casework/revoke", form), "apology", "JY-24")
    assert "认定主体错误" in page  # the form keeps what was typed
    refused_at(post(client, "/casework/revoke", {**form, "target_id": "not-an-id"}), "target_id", "JY-24")
    assert event_count(any_app) == before
    apology = {"apology_number": "通信用致〔2025〕1号", "apology_date": "2025-06-12",
               "apology_text": "因认定主体错误，特此书面致歉并恢复名誉"}
    assert flashed_id(client, post(client, "/casework/revoke", {**form, **apology})) == record_id
    with any_app.app_context():
        credit = services().credit
        assert credit.record(uuid_of(record_id)).status == "revoked"
        entry = credit.list_entry(uuid_of(entry_id))  # the listing rested only on it
        assert (entry.status, entry.closing["apology"]["number"]) == ("revoked", "通信用致〔2025〕1号")
    assert subject_id


def test_points_are_added_by_the_bureaus_and_graded_by_the_urban_management_office_CS_2_2(any_app: Flask) -> None:
    add_account(any_app, "cs-bureau", "recording_unit", "cs-enforcement-bureaus")
    add_account(any_app, "cs-umo", "recording_unit", "cs-urban-management-office")
    company = run(any_app, "register_organisation", "cs-enforcement-bureaus", name="常熟某建筑工程有限公司",
                  uscc=synthetic_credit_code(random.Random(7)))
    client = any_app.test_client()
    login_as(client, "cs-bureau")
    add = {"step": "add", "profile_id": "CS", "subject_id": str(company), "reason": "建筑垃圾违规倾倒",
           "act_date": "2025-03-01", **basis_form("2025-03-05", "常综执罚〔2025〕31号")}
    before = event_count(any_app)
    refused_at(post(client, "/casework/points", {**add, "points": "-3"}), "points", "CS-2.2")
    refused_at(post(client, "/casework/points", {**add, "points": "6", "basis_date": ""}), "basis_date", "HA-2.2")
    assert event_count(any_app) == before
    account = flashed_id(client, post(client, "/casework/points", {**add, "points": "6"}))
    flashed_id(client, post(client, "/casework/points", {**add, "points": "8", "act_date": "2025-03-20",
                                                         "basis_number": "常综执罚〔2025〕47号"}))
    grade = {"step": "grade", "profile_id": "CS", "subject_id": str(company), "grade": "serious",
             "graded_on": "2025-04-01", **basis_form("2025-04-01", "常城办定〔2025〕2号", "常熟市城管办")}
    before = event_count(any_app)
    refused_at(post(client, "/casework/points", grade), "actor", "CS-2.2")  # the bureaus do not grade
    login_as(client, "cs-umo")
    page = refused_at(post(client, "/casework/points", {**grade, "grade": "platinum"}), "grade", "CS-2.2")
    assert 'id="grade-form"' in page and event_count(any_app) == before
    assert flashed_id(client, post(client, "/casework/points", grade)) == account
    with any_app.app_context():
        credit = services().credit
        account = credit.points_account(company, "CS")
        assert (account.total, account.grade) == (14, "serious")
        [record] = credit.records_of(company)  # a sanctioning grade records the determination (CS-2.2)
        assert (record.tier, record.behaviour_code) == ("serious", "CS-2.1")


def test_responsible_person_is_linked_to_an_organisation_NT_PCI_10_29(app: Flask, subject_id) -> None:
    add_account(app, "cs-bureau", "recording_unit", "cs-enforcement-bureaus")
    company = run(app, "register_organisation", "cs-enforcement-bureaus", name="常熟某物业公司",
                  uscc=synthetic_credit_code(random.Random(8)))
    boss = run(app, "register_person", "cs-enforcement-bureaus", name="孙七", id_number=new_person_id(902))
    client = app.test_client()
    login_as(client, "cs-bureau")
    form = {"organisation_id": str(company), "person_id": str(boss), "role": "legal_representative"}
    before = event_count(app)
    refused_at(post(client, "/casework/responsible", {**form, "role": "friend"}), "role", "NT-PCI-10")
    refused = post(client, "/casework/responsible", {**form, "organisation_id": str(subject_id)})  # a person
    assert refused.status_code == 422 and event_count(app) == before
    assert flashed_id(client, post(client, "/casework/responsible", form)) == str(company)
    with app.app_context():
        assert services().credit.subject(company).responsible_persons() == [(boss, "legal_representative")]


def test_objection_to_a_list_entry_and_appeal_against_a_result_JY_6_1_NT_PCI_33(app: Flask) -> None:
    client = app.test_client()
    _subject, record_id, entry_id = office_records_and_lists(client, seed=23)
    entry_form = {"step": "entry", "list_entry_id": entry_id, "grounds": "wrong_or_incomplete",
                  "statement": "并非本人", "filed_on": "2025-06-10"}
    before = event_count(app)
    page = refused_at(post(client, "/casework/objections", {**entry_form, "grounds": "dislike"}), "grounds",
                      "NT-PCI-31")
    assert 'id="entry-form"' in page and event_count(app) == before
    objection_id = flashed_id(client, post(client, "/casework/objections", entry_form))
    with app.app_context():
        credit = services().credit
        assert credit.list_entry(uuid_of(entry_id)).flags == [objection_id]  # flagged, not suspended
        assert credit.list_entry(uuid_of(entry_id)).in_force
    decided = run(app, "file_objection", "nt-credit-office", record_id=uuid_of(record_id),
                  grounds="wrong_or_incomplete", statement="金额有误", filed_on=date(2025, 6, 11))
    run(app, "decide_objection", "nt-credit-office", objection_id=decided, upheld=False, reasons="核实无误",
        decided_on=date(2025, 6, 12))
    appeal = {"step": "appeal", "objection_id": str(decided), "body": "litigation", "appealed_on": "2025-06-13",
              "statement": "不服异议结果"}
    before = event_count(app)
    refused_at(post(client, "/casework/objections", appeal), "body", "NT-PCI-33")  # the credit authority first
    assert event_count(app) == before
    flashed_id(client, post(client, "/casework/objections", {**appeal, "body": "credit_authority"}))
    with app.app_context():
        assert [a["body"] for a in services().credit.objection(decided).appeals] == ["credit_authority"]


def test_lyg_4_the_dashboard_shows_unsubmitted_records_and_the_bureau_submits_them_by_form(app: Flask) -> None:
    record_id = _lyg_general_record(app)
    client = app.test_client()
    login(client, "office")
    dashboard = client.get("/office/").get_data(as_text=True)
    waiting = dashboard[dashboard.index('id="to-submit-count"'):dashboard.index('id="sweep-state"')]
    assert record_id in waiting and "/recording/submissions" in waiting
    add_account(app, "lyg-submitter", "recording_unit", "lyg-petition-bureau")
    login(client, "recorder")  # nt-tax-bureau is not LYG's collecting department
    before = event_count(app)
    refused_at(post(client, "/recording/submissions", {"record_ids": record_id, "submitted_on": "2025-06-01"}),
               "actor", "LYG-4")
    login_as(client, "lyg-submitter")
    assert record_id in client.get("/recording/submissions").get_data(as_text=True)
    refused_at(post(client, "/recording/submissions", {"record_ids": record_id, "submitted_on": "June"}),
               "submitted_on", "LYG-4")
    assert event_count(app) == before
    done = post(client, "/recording/submissions", {"record_ids": record_id, "submitted_on": "2025-06-01"})
    assert done.status_code == 302
    with app.app_context():
        assert services().credit.record(uuid_of(record_id)).submitted is not None
    login(client, "office")
    assert 'id="no-to-submit"' in client.get("/office/").get_data(as_text=True)


def test_lyg_9_1_the_contact_form_registers_interview_terms_not_carried_out(app: Flask) -> None:
    bureau = "lyg-petition-bureau"
    person = run(app, "register_person", bureau, name="孙某", id_number=new_person_id(903))
    record = str(run(app, "record_dishonesty", bureau, profile_id="LYG", subject_id=person,
                     behaviour_code="LYG-7.4", tier="general", basis=PETITION_ANSWER, act_date=date(2025, 2, 20),
                     determination_date=date(2025, 3, 1)))
    run(app, "register_interview", bureau, record_id=uuid_of(record), on=date(2025, 3, 20), method="约谈",
        content="承诺撤回重复信访", attended=True)
    add_account(app, "lyg-contact", "recording_unit", bureau)
    client = app.test_client()
    login_as(client, "lyg-contact")
    assert "约谈事项不落实" in client.get("/recording/contacts/new").get_data(as_text=True)  # zh first
    form = {"kind": "terms", "record_id": record, "interview_on": "2025-03-20", "on": "2025-04-05",
            "content": "未撤回重复信访"}
    before = event_count(app)
    refused_at(post(client, "/recording/contacts/new", {**form, "interview_on": "2025-03-21"}), "interview_on",
               "LYG-9")
    assert event_count(app) == before
    assert flashed_id(client, post(client, "/recording/contacts/new", form)) == record
    with app.app_context():
        kinds = [c["kind"] for c in services().credit.record(uuid_of(record)).contacts]
    assert kinds == ["interview", "interview_terms_not_carried_out"]
