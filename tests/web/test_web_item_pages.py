"""One page per item (issue 16.2): a record, an objection, a repair application and a sanction case each show
their state and history, and offer only the steps their own state machine allows and the role may take; a step
posted from the page changes the state and comes back to it; a refused step is shown there and stores nothing."""

from __future__ import annotations

import random
import re
from datetime import date
from uuid import UUID

from casework_support import add_account, login_as, refused_at
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import event_count, login, new_person_id, post, read_page

from domain.actor import Actor
from domain.identifiers import synthetic_credit_code
from domain.sanction import applicable_measures
from web.context import services
from web.item_steps import OBJECTION_STEPS, RECORD_STEPS, offered

TAX, OFFICE = Actor("nt-tax-bureau", "recorder"), Actor("nt-credit-office", "office")
PENALTY = {"type": "administrative_penalty", "number": "通税罚〔2024〕8号", "issuer": "南通市税务局",
           "date": date(2024, 1, 8)}


def _record(app: Flask, seed: int) -> str:
    """A serious NT-PCI-12.3 record of the tax bureau (determined 2024-01-10) on a new person."""
    with app.app_context():
        credit = services().credit
        person = credit.register_person(TAX, name="李四", id_number=new_person_id(seed))
        return str(credit.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                            tier="serious", basis=PENALTY, act_date=date(2023, 12, 1),
                                            determination_date=date(2024, 1, 10)))


def _steps(page: str, kind: str) -> list[str]:
    return re.findall(rf'<form method="post" action="/{kind}/[0-9a-f-]+" id="step-([a-z_]+)"', page)


def _step(client: FlaskClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """POST a step from the item's own page (any page's CSRF token: the item page is read by the test itself)."""
    return post(client, path, data, form_path="/")


def _link(page: str, kind: str) -> str:
    found = re.search(rf'href="/{kind}/([0-9a-f-]+)"', page)
    assert found, page[-2000:]
    return found.group(1)


def test_the_record_page_names_things_and_offers_the_office_its_steps_in_both_languages(app: Flask) -> None:
    record_id = _record(app, 201)
    client = app.test_client()
    login(client, "office")
    page = read_page(client, f"/records/{record_id}").get_data(as_text=True)
    with app.app_context(), app.test_request_context():
        profile = services().profiles["NT"]
        behaviour, unit = profile.behaviours["NT-PCI-12.3"], profile.units["nt-tax-bureau"]
        allowed = {m.id for m in applicable_measures(profile, "serious", "person")}
        record = services().credit.record(UUID(record_id))
        own = record.next_steps(profile, services().credit.today(), OFFICE)
    assert f'<dd id="item-behaviour">{behaviour.name_zh}</dd>' in page and "NT-PCI-12.3" not in page
    assert f'<dd id="item-unit">{unit.name_zh}</dd>' in page and "2024-01-10 – 2027-01-10" in page
    assert "<td>已记录</td>" in page  # the history names each signed step in the page's language
    assert _steps(page, "records") == own == ["object", "repair", "push", "revoke"]  # JY-21, JY-24 as the office
    measures = set(re.findall(r'<option value="(NT-M-[0-9]+)"', page))
    assert measures and measures <= allowed and "NT-M-01" not in measures  # HA-4.2: a person, no government body
    client.get("/lang/en")
    english = read_page(client, f"/records/{record_id}").get_data(as_text=True)
    assert f'<dd id="item-behaviour">{behaviour.name_en}</dd>' in english and "Next steps" in english
    assert _steps(english, "records") == own and "Effective period" in english


def test_the_recording_unit_is_not_offered_the_push_and_may_not_post_it(app: Flask) -> None:
    record_id = _record(app, 202)
    client = app.test_client()
    login(client, "recorder")
    assert f'href="/records/{record_id}"' in client.get("/recording/").get_data(as_text=True)  # the desk links it
    steps = _steps(read_page(client, f"/records/{record_id}").get_data(as_text=True), "records")
    assert "push" not in steps and "revoke" in steps  # JY-21: the office pushes; JY-24: the determiner revokes
    before = event_count(app)
    refused = _step(client, f"/records/{record_id}", {"step": "push", "measure_id": "NT-M-06",
                                                      "pushed_on": "2025-06-16"})
    assert refused.status_code == 403 and event_count(app) == before
    login(client, "auditor")
    page = read_page(client, f"/records/{record_id}").get_data(as_text=True)
    assert _steps(page, "records") == [] and 'id="no-steps"' in page  # read-only


def test_an_objection_filed_from_the_record_page_runs_its_procedure_on_its_own_page(app: Flask) -> None:
    record_id = _record(app, 203)
    client = app.test_client()
    login(client, "office")
    before = event_count(app)
    filed = _step(client, f"/records/{record_id}", {"step": "object", "grounds": "wrong_or_incomplete",
                                                    "statement": "金额有误", "filed_on": "2025-06-10"})
    assert filed.status_code == 302 and filed.headers["Location"].endswith(f"/records/{record_id}")
    assert event_count(app) > before
    objection_id = _link(read_page(client, f"/records/{record_id}").get_data(as_text=True), "objections")
    listed = client.get("/office/objections").get_data(as_text=True)
    assert f'href="/objections/{objection_id}"' in listed and f'href="/records/{record_id}"' in listed
    page = read_page(client, f"/objections/{objection_id}").get_data(as_text=True)
    # NT-PCI-32: the centre (or the office) refers to the provider first; the grounds by name, not code
    assert _steps(page, "objections") == ["refer"] and 'id="item-grounds">信息错误、遗漏' in page
    referred = _step(client, f"/objections/{objection_id}", {"step": "refer", "referred_on": "2025-06-11"})
    assert referred.status_code == 302 and referred.headers["Location"].endswith(f"/objections/{objection_id}")
    assert _steps(read_page(client, f"/objections/{objection_id}").get_data(as_text=True), "objections") == []
    login(client, "recorder")  # the tax bureau provided the record: it verifies
    page = read_page(client, f"/objections/{objection_id}").get_data(as_text=True)
    with app.test_request_context():
        objection = services().credit.objection(UUID(objection_id))
        expected = objection.next_steps(services().profiles["NT"], services().credit.today(), TAX)
    assert _steps(page, "objections") == expected == ["verify", "decide"]
    before = event_count(app)
    refused = _step(client, f"/objections/{objection_id}", {"step": "verify", "correct": "yes",
                                                            "findings": "核实无误", "verified_on": "2025-06-01"})
    page = refused_at(refused, "verified_on", "NT-PCI-32")  # before the referral
    assert 'id="step-verify"' in page and event_count(app) == before
    verified = _step(client, f"/objections/{objection_id}", {"step": "verify", "correct": "yes",
                                                             "findings": "核实无误", "verified_on": "2025-06-12"})
    assert verified.status_code == 302
    assert _steps(read_page(client, f"/objections/{objection_id}").get_data(as_text=True), "objections") == ["decide"]


def test_a_repair_application_from_the_record_page_runs_to_its_publicity(app: Flask) -> None:
    record_id = _record(app, 204)
    client = app.test_client()
    login(client, "office")
    read_page(client, f"/records/{record_id}")  # the office reads the record first (HA-5.2)
    before = event_count(app)
    refused_at(_step(client, f"/records/{record_id}", {"step": "repair", "applied_on": "2025-06-12"}),
               "corrected_on", "NT-PCI-34")  # NT-PCI-34: corrected first
    assert event_count(app) == before
    applied = _step(client, f"/records/{record_id}", {
        "step": "repair", "applied_on": "2025-06-12", "corrected_on": "2024-02-01",
        "commitment_number": "承诺〔2025〕1号", "commitment_date": "2025-06-12", "commitment_text": "守信承诺"})
    assert applied.status_code == 302 and applied.headers["Location"].endswith(f"/records/{record_id}")
    repair_id = _link(read_page(client, f"/records/{record_id}").get_data(as_text=True), "repairs")
    assert f'href="/repairs/{repair_id}"' in client.get("/office/repairs").get_data(as_text=True)
    assert _steps(read_page(client, f"/repairs/{repair_id}").get_data(as_text=True), "repairs") == []  # NT-PCI-4
    login(client, "recorder")  # 谁处罚、谁修复: the tax bureau gives the opinion and decides
    assert _steps(read_page(client, f"/repairs/{repair_id}").get_data(as_text=True), "repairs") == ["opinion"]
    given = _step(client, f"/repairs/{repair_id}", {
        "step": "opinion", "favourable": "yes", "opinion_number": "意见〔2025〕2号", "opinion_date": "2025-06-13",
        "opinion_text": "同意修复", "given_on": "2025-06-13"})
    assert given.status_code == 302
    page = read_page(client, f"/repairs/{repair_id}").get_data(as_text=True)
    # NT-PCI-35: in the publicity an objection may come and a refusal is possible; an approval is not offered yet
    assert _steps(page, "repairs") == ["publicity_objection", "refuse"] and "approve" not in _steps(page, "repairs")
    before = event_count(app)
    forced = _step(client, f"/repairs/{repair_id}", {"step": "approve", "reasons": "符合条件",
                                                     "decided_on": "2025-06-16"})
    banner = 'id="refusal" data-field="decided_on" data-rule="NT-PCI-35"'  # forced anyway: the publicity runs
    assert forced.status_code == 422 and banner in forced.get_data(as_text=True) and event_count(app) == before


def test_the_sanction_page_draws_the_loop_and_offers_each_side_its_steps(app: Flask) -> None:
    record_id = _record(app, 205)
    client = app.test_client()
    login(client, "office")
    pushed = _step(client, f"/records/{record_id}", {"step": "push", "measure_id": "NT-M-06",
                                                     "pushed_on": "2025-06-12"})
    assert pushed.status_code == 302
    page = read_page(client, f"/records/{record_id}").get_data(as_text=True)
    case_id = _link(page, "sanctions")
    assert "NT-M-06" not in re.findall(r'<option value="(NT-M-[0-9]+)"', page)  # JY-21: pushed once
    office_page = read_page(client, f"/sanctions/{case_id}").get_data(as_text=True)
    assert _steps(office_page, "sanctions") == ["withdraw"] and 'class="loop-diagram"' in office_page  # JY-17
    assert f'href="/sanctions/{case_id}' in client.get("/office/sanctions").get_data(as_text=True)
    login(client, "dept")
    assert f'href="/sanctions/{case_id}"' in client.get("/department/inbox").get_data(as_text=True)
    page = read_page(client, f"/sanctions/{case_id}").get_data(as_text=True)
    assert _steps(page, "sanctions") == ["acknowledge"] and "<svg" in page and "<td>已推送</td>" in page
    before = event_count(app)
    refused = _step(client, f"/sanctions/{case_id}", {"step": "acknowledge", "acknowledged_on": "2025-06-11"})
    assert refused_at(refused, "acknowledged_on", "JY-21") and event_count(app) == before  # before the push
    done = _step(client, f"/sanctions/{case_id}", {"step": "acknowledge", "acknowledged_on": "2025-06-13"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/sanctions/{case_id}")
    assert _steps(read_page(client, f"/sanctions/{case_id}").get_data(as_text=True), "sanctions") == ["apply", "decline"]


def test_an_ha_black_list_draft_offers_no_confirmation_before_the_prior_notice(app: Flask) -> None:
    """HA-4.1: the confirmation of a serious (black) list entry is not offered at all before the prior notice,
    rather than refused after the fact; once noticed, it is."""
    add_account(app, "ha-market", "recording_unit", "ha-market-supervision")
    market = Actor("ha-market-supervision", "setup")
    with app.app_context():
        credit = services().credit
        company = credit.register_organisation(market, name="淮安某公司", uscc=synthetic_credit_code(random.Random(7)))
        record = credit.record_dishonesty(
            market, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1", tier="serious",
            basis={**PENALTY, "issuer": "淮安市市场监督管理局", "date": date(2025, 6, 2)},
            act_date=date(2025, 5, 1), determination_date=date(2025, 6, 2))
        entry = credit.draft_list_entry(market, profile_id="HA", subject_id=company, list_code="black",
                                        list_field="health_life", record_ids=[record], drafted_on=date(2025, 6, 3),
                                        reason="严重失信")
    client = app.test_client()
    login_as(client, "ha-market")
    page = read_page(client, f"/office/lists/{entry}").get_data(as_text=True)
    assert 'id="step-confirm"' not in page and 'id="step-notice"' in page
    noticed = post(client, "/office/lists/step", {"list_entry_id": str(entry), "step": "notice", "back": "entry",
                                                  "notice_on": "2025-06-04", "content": "事前告知：理由、依据、权利"},
                   form_path="/")
    assert noticed.status_code == 302
    assert 'id="step-confirm"' in read_page(client, f"/office/lists/{entry}").get_data(as_text=True)


def test_the_role_filter_follows_the_permission_table(app: Flask) -> None:
    """Each step is offered to the roles of the page that takes it (web/permissions.py, one table)."""
    with app.test_request_context():
        from flask import g

        from web.principal import Principal

        g.principal = Principal(None, "department")
        assert offered(RECORD_STEPS, RECORD_STEPS) == [] and offered(OBJECTION_STEPS, OBJECTION_STEPS) == []
        g.principal = Principal(None, "credit_office")
        assert offered(["push", "submit"], RECORD_STEPS) == ["push", "submit"]


def test_an_item_page_works_on_both_backends(any_app: Flask) -> None:
    record_id = _record(any_app, 206)
    client = any_app.test_client()
    login(client, "office")
    assert _steps(read_page(client, f"/records/{record_id}").get_data(as_text=True), "records")[:1] == ["object"]
    filed = _step(client, f"/records/{record_id}", {"step": "object", "grounds": "beyond_validity",
                                                    "statement": "已过期", "filed_on": "2025-06-10"})
    assert filed.status_code == 302
    objection_id = _link(read_page(client, f"/records/{record_id}").get_data(as_text=True), "objections")
    page = read_page(client, f"/objections/{objection_id}").get_data(as_text=True)
    assert _steps(page, "objections") == ["refer"] and 'id="item-status">已受理' in page


def test_an_item_page_asks_the_purpose_first_and_registers_the_read_HA_5_2(app: Flask) -> None:
    record_id = _record(app, 207)
    client = app.test_client()
    login(client, "office")
    asked = client.get(f"/records/{record_id}")
    assert asked.status_code == 302 and "/purpose" in asked.headers["Location"]  # nothing shown before the purpose
    before = event_count(app)
    assert read_page(client, f"/records/{record_id}").status_code == 200
    assert event_count(app) == before + 1  # the read, signed in the ledger
    assert client.get(f"/records/{record_id}").status_code == 200 and event_count(app) == before + 2  # every read


def test_the_subject_page_links_items_only_for_roles_that_may_open_them(app: Flask) -> None:
    record_id = _record(app, 208)
    with app.app_context():
        subject_id = services().credit.record(UUID(record_id)).subject_id
        services().credit.push_sanction(OFFICE, source_id=UUID(record_id), measure_id="NT-M-06",
                                        pushed_on=date(2025, 6, 10))  # the department now has a case of it
    office, dept = app.test_client(), app.test_client()
    login(office, "office")
    login(dept, "dept")
    assert f'href="/records/{record_id}"' in read_page(office, f"/subjects/{subject_id}").get_data(as_text=True)
    shown = read_page(dept, f"/subjects/{subject_id}")
    assert shown.status_code == 200 and 'href="/records/' not in shown.get_data(as_text=True)
    assert dept.get(f"/records/{record_id}").status_code == 403  # the link it is not shown would be refused
