"""The new steps through the real forms: the provider's verification of a referral (NT-PCI-32), an objection in
the repair publicity and its verification (NT-PCI-35), the bureau's review refused where NT has none (CS-2.7)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask import Flask
from web_helpers import event_count, login, new_person_id, post

from domain.actor import Actor
from web.context import services

TAX, OFFICE = Actor("nt-tax-bureau", "recorder"), Actor("nt-credit-office", "office")
PENALTY = {"type": "administrative_penalty", "number": "通税罚〔2024〕8号", "issuer": "南通市税务局",
           "date": date(2024, 1, 8)}


def _record(app: Flask, seed: int) -> UUID:
    with app.app_context():
        credit = services().credit
        person = credit.register_person(TAX, name="李四", id_number=new_person_id(seed))
        return credit.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                        tier="serious", basis=PENALTY, act_date=date(2023, 12, 1),
                                        determination_date=date(2024, 1, 10))


def test_nt_pci_32_the_provider_verifies_a_referral_on_its_objections_page(app: Flask) -> None:
    record = _record(app, 91)
    with app.app_context():
        credit = services().credit
        objection = credit.file_objection(OFFICE, record_id=record, grounds="wrong_or_incomplete", statement="有误",
                                          filed_on=date(2025, 6, 10))
        credit.refer_objection(OFFICE, objection_id=objection, referred_on=date(2025, 6, 11))
    client = app.test_client()
    login(client, "recorder")
    page = client.get("/recording/objections").get_data(as_text=True)
    assert 'id="verify-form"' in page and "核实转来的异议" in page
    step = {"step": "verify", "objection_id": str(objection), "correct": "yes", "findings": "核实无误",
            "verified_on": "2025-06-16"}
    before = event_count(app)
    blank = post(client, "/recording/objections", {**step, "findings": ""})
    assert blank.status_code == 422 and 'id="error-findings"' in blank.get_data(as_text=True)
    assert event_count(app) == before
    assert post(client, "/recording/objections", step).status_code == 302
    with app.app_context():
        verification = services().credit.objection(objection).referral["verification"]
    assert (verification["correct"], verification["on"]) == (True, date(2025, 6, 16))


def test_nt_pci_35_cs_2_7_repair_publicity_objection_and_review_on_the_repairs_page(app: Flask) -> None:
    record = _record(app, 92)
    with app.app_context():
        credit = services().credit
        repair = credit.apply_for_repair(TAX, record_id=record, applied_on=date(2025, 6, 5),
                                         corrected_on=date(2024, 2, 1),
                                         commitment={"number": "承诺〔2025〕3号", "date": date(2025, 6, 5), "text": "承诺"})
        credit.give_repair_opinion(TAX, repair_id=repair, favourable=True, given_on=date(2025, 6, 6),
                                   opinion={"number": "意见〔2025〕1号", "date": date(2025, 6, 6), "text": "同意"})
    client = app.test_client()
    login(client, "recorder")
    review = post(client, "/recording/repairs", {"step": "review", "repair_id": str(repair), "review_approved": "yes",
                                                 "review_opinion": "通过", "reviewed_on": "2025-06-07"})
    assert review.status_code == 422 and "CS-2.7" in review.get_data(as_text=True)  # NT has no bureau review
    assert post(client, "/recording/repairs", {"step": "publicity_objection", "repair_id": str(repair),
                                               "statement": "仍有欠税", "filed_on": "2025-06-09"}).status_code == 302
    bad = post(client, "/recording/repairs", {"step": "verify_objection", "repair_id": str(repair), "number": "x",
                                              "founded": "no", "verification": "已补缴", "verified_on": "2025-06-13"})
    assert bad.status_code == 422 and 'id="error-number"' in bad.get_data(as_text=True)
    assert post(client, "/recording/repairs", {"step": "verify_objection", "repair_id": str(repair), "number": "1",
                                               "founded": "no", "verification": "已补缴",
                                               "verified_on": "2025-06-13"}).status_code == 302
    with app.app_context():
        [item] = services().credit.repair(repair).publicity_objections
    assert item["verification"]["founded"] is False and item["statement"] == "仍有欠税"
