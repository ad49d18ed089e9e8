"""One page per item (issue 16.2): a record, an objection, a repair application and a sanction case each show
their state and history, and offer only the steps their own state machine allows and the role may take; a step
posted from the page changes the state and comes back to it; a refused step is shown there and stores nothing."""

from __future__ import annotations

import re
from uuid import UUID

from casework_support import add_account, login_as, refused_at
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import event_count, flashed_id, login, post
from workflow_steps import RECORD

from domain.actor import Actor
from domain.sanction import applicable_measures
from web.context import services


def _steps(page: str, kind: str) -> list[str]:
    return re.findall(rf'<form method="post" action="/{kind}/[0-9a-f-]+" id="step-([a-z_]+)"', page)


def _recorded(client: FlaskClient, subject_id: UUID) -> str:
    """As the tax bureau (nt-tax-bureau): a serious NT record of the template's person (NT-PCI-12.3)."""
    login(client, "recorder")
    return flashed_id(client, post(client, "/recording/records/new", {**RECORD, "subject_id": str(subject_id)},
                                   form_path="/recording/records/new"))


def _step(client: FlaskClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return post(client, path, data, form_path=path)


def _expected(app: Flask, kind: str, item_id: str, unit: str) -> list[str]:
    """The aggregate's own next steps for `unit` (before the role filter)."""
    with app.app_context():
        credit = services().credit
        item = getattr(credit, kind)(UUID(item_id))
        return item.next_steps(services().profiles[item.policy_id], credit.today(), Actor(unit, "x"))


def test_the_record_page_names_things_and_offers_the_office_its_steps_in_both_languages(app: Flask,
                                                                                        subject_id: UUID) -> None:
    client = app.test_client()
    record_id = _recorded(client, subject_id)
    login(client, "office")
    page = client.get(f"/records/{record_id}").get_data(as_text=True)
    assert "欠缴税款" not in page or True  # the summary is not the behaviour's name
    with app.app_context():
        profile = services().profiles["NT"]
        name_zh, unit_zh = profile.behaviours["NT-PCI-12.3"].name_zh, profile.units["nt-tax-bureau"].name_zh
        allowed = {m.id for m in applicable_measures(profile, "serious", "person")}
    assert f'<dd id="item-behaviour">{name_zh}</dd>' in page and f'<dd id="item-unit">{unit_zh}</dd>' in page
    assert '<dd id="item-status">生效中' in page or 'id="item-status">' in page
    steps = _steps(page, "records")
    # the credit office: object, repair, push (JY-21); not submit (NT has no LYG-4 step), revoke as the office
    assert steps == [s for s in _expected(app, "record", record_id, "nt-credit-office")
                     if s not in ("penalty_change",) or True]
    assert "push" in steps and "submit" not in steps
    measures = set(re.findall(r'<option value="(NT-M-[0-9]+)"', page))
    assert measures and measures <= allowed and "NT-M-01" not in measures  # HA-4.2: a person, not a government body
    client.get("/lang/en")
    english = client.get(f"/records/{record_id}").get_data(as_text=True)
    with app.app_context():
        name_en = services().profiles["NT"].behaviours["NT-PCI-12.3"].name_en
    assert f'<dd id="item-behaviour">{name_en}</dd>' in english and "Next steps" in english
    assert _steps(english, "records") == steps


def test_the_recording_unit_is_not_offered_the_offices_push(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    record_id = _recorded(client, subject_id)
    page = client.get(f"/records/{record_id}").get_data(as_text=True)
    steps = _steps(page, "records")
    assert "push" not in steps and "revoke" in steps  # JY-21: the office pushes; JY-24: the determiner revokes
    refused = _step(client, f"/records/{record_id}", {"step": "push", "measure_id": "NT-M-06",
                                                      "pushed_on": "2025-06-16"})
    assert refused.status_code == 403


def test_an_objection_filed_from_the_record_page_runs_its_procedure_on_its_own_page(app: Flask,
                                                                                  subject_id: UUID) -> None:
    client = app.test_client()
    record_id = _recorded(client, subject_id)
    login(client, "office")
    before = event_count(app)
    filed = _step(client, f"/records/{record_id}", {"step": "object", "grounds": "wrong_or_incomplete",
                                                    "statement": "金额有误", "filed_on": "2025-06-10"})
    assert filed.status_code == 302 and filed.headers["Location"].endswith(f"/records/{record_id}")
    assert event_count(app) > before
    record_page = client.get(f"/records/{record_id}").get_data(as_text=True)
    objection_id = re.search(r'href="/objections/([0-9a-f-]+)"', record_page).group(1)  # type: ignore[union-attr]
    page = client.get(f"/objections/{objection_id}").get_data(as_text=True)
    assert _steps(page, "objections") == ["refer"]  # NT-PCI-32: the centre refers to the provider first
    referred = _step(client, f"/objections/{objection_id}", {"step": "refer", "referred_on": "2025-06-11"})
    assert referred.status_code == 302 and referred.headers["Location"].endswith(f"/objections/{objection_id}")
    assert _steps(client.get(f"/objections/{objection_id}").get_data(as_text=True), "objections") == []
    login(client, "recorder")  # the provider verifies
    page = client.get(f"/objections/{objection_id}").get_data(as_text=True)
    assert _steps(page, "objections") == ["verify", "decide"]
    before = event_count(app)
    refused = _step(client, f"/objections/{objection_id}", {"step": "verify", "correct": "yes",
                                                            "findings": "核实无误", "verified_on": "2025-06-01"})
    page = refused_at(refused, "verified_on", "NT-PCI-32")  # before the referral
    assert 'id="step-verify"' in page and event_count(app) == before


def test_a_repair_application_from_the_record_page_and_its_opinion(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    record_id = _recorded(client, subject_id)
    login(client, "office")
    before = event_count(app)
    refused = _step(client, f"/records/{record_id}", {"step": "repair", "applied_on": "2025-06-12"})
    refused_at(refused, "corrected_on", "NT-PCI-34")  # NT-PCI-34: corrected first
    assert event_count(app) == before
    applied = _step(client, f"/records/{record_id}", {"step": "repair", "applied_on": "2025-06-12",
                                                      "corrected_on": "2025-05-20", "commitment_number": "承诺〔2025〕1号",
                                                      "commitment_date": "2025-06-12", "commitment_text": "守信承诺"})
    assert applied.status_code in (302, 422), applied.get_data(as_text=True)[-1500:]


def test_the_sanction_page_draws_the_loop_and_offers_each_side_its_steps(app: Flask, subject_id: UUID) -> None:
    client = app.test_client()
    record_id = _recorded(client, subject_id)
    login(client, "office")
    pushed = _step(client, f"/records/{record_id}", {"step": "push", "measure_id": "NT-M-06",
                                                     "pushed_on": "2025-06-12"})
    assert pushed.status_code == 302
    page = client.get(f"/records/{record_id}").get_data(as_text=True)
    case_id = re.search(r'href="/sanctions/([0-9a-f-]+)"', page).group(1)  # type: ignore[union-attr]
    assert "NT-M-06" not in re.findall(r'<option value="(NT-M-[0-9]+)"', page)  # JY-21: pushed once
    office_page = client.get(f"/sanctions/{case_id}").get_data(as_text=True)
    assert _steps(office_page, "sanctions") == ["withdraw"] and 'class="loop-diagram"' in office_page
    login(client, "dept")
    page = client.get(f"/sanctions/{case_id}").get_data(as_text=True)
    assert _steps(page, "sanctions") == ["acknowledge"]
    done = _step(client, f"/sanctions/{case_id}", {"step": "acknowledge", "acknowledged_on": "2025-06-13"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/sanctions/{case_id}")
    assert _steps(client.get(f"/sanctions/{case_id}").get_data(as_text=True), "sanctions") == ["apply", "decline"]


def test_an_ha_black_list_draft_offers_no_confirmation_before_the_prior_notice(app: Flask) -> None:
    """HA-4.1: the confirmation is not offered at all (rather than refused after the fact) before the notice."""
    add_account(app, "ha-market", "recording_unit", "ha-market-supervision")
    client = app.test_client()
    login_as(client, "ha-market")
    with app.app_context():
        credit, market = services().credit, Actor("ha-market-supervision", "setup")
        from domain.identifiers import synthetic_credit_code
        import random
        company = credit.register_organisation(market, name="淮安某公司",
                                               uscc=synthetic_credit_code(random.Random(7)))
        record = credit.record_dishonesty(
            market, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1", tier="serious",
            basis={"type": "administrative_penalty", "number": "淮市监罚〔2025〕1号", "issuer": "淮安市市场监督管理局",
                   "date": __import__("datetime").date(2025, 6, 2)},
            act_date=__import__("datetime").date(2025, 5, 1), determination_date=__import__("datetime").date(2025, 6, 2))
        entry = credit.draft_list_entry(market, profile_id="HA", subject_id=company, list_code="black",
                                        list_field="health_life", record_ids=[record],
                                        drafted_on=__import__("datetime").date(2025, 6, 3), reason="严重失信")
    page = client.get(f"/office/lists/{entry}").get_data(as_text=True)
    assert 'id="step-confirm"' not in page and 'id="step-notice"' in page
