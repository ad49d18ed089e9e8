"""NT-PCI-32 (centre reviews after the provider's verification, corrects within 3 working days, publishes in the
original scope; referral with a unit check), NT-PCI-34 (the clean year counted as the Civil Code counts it) and
NT-PCI-35 (objections during the repair publicity) — each number and boundary pinned directly."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from domain_helpers import actor, basis, doc, lyg_serious_black_listing, person_id, refused

from domain.deadlines import DayKind
from domain.policy import load_profile
from domain.service import CreditService

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
CENTRE = actor("nt-credit-centre")


def nt_record(service: CreditService, seed: int) -> Any:
    """An NT serious record determined 2024-01-10 by the tax bureau."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    return service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                     tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                     determination_date=date(2024, 1, 10))




# --- NT-PCI-32 -----------------------------------------------------------------------------------
def test_nt_pci_32_numbers_review_10_verification_5_correction_3_working_days() -> None:
    profile = load_profile("NT")
    assert {n: (profile.deadline(n).days, profile.deadline(n).kind, profile.deadline(n).rule_id)
            for n in ("objection_review", "provider_verification", "correction")} == {
        "objection_review": (10, DayKind.WORKING, "NT-PCI-32"),
        "provider_verification": (5, DayKind.WORKING, "NT-PCI-32"),
        "correction": (3, DayKind.WORKING, "NT-PCI-32")}


def test_nt_pci_32_the_centre_refers_reviews_after_verification_and_corrects_in_the_original_scope(
        service, ledger, clock) -> None:
    clock.day = date(2024, 3, 15)
    record = nt_record(service, 81)
    objection = service.file_objection(CENTRE, record_id=record, grounds="wrong_or_incomplete",
                                       statement="文号有误", filed_on=date(2024, 3, 1))
    # referral: by the centre (or office), never by the provider itself, to the record's provider
    assert refused(ledger, service.refer_objection, actor=TAX, objection_id=objection,
                   referred_on=date(2024, 3, 4)) == ("NT-PCI-32", "actor")
    service.refer_objection(CENTRE, objection_id=objection, referred_on=date(2024, 3, 4))
    referral = service.objection(objection).referral
    assert (referral["provider_unit"], referral["deadline"]["due"]) == ("nt-tax-bureau", date(2024, 3, 11))
    review = dict(objection_id=objection, upheld=True, reasons="文号录入错误", decided_on=date(2024, 3, 12))
    assert refused(ledger, service.decide_objection, actor=CENTRE, **review) == ("NT-PCI-32", "objection_id")
    assert refused(ledger, service.verify_objection, actor=CENTRE, objection_id=objection, correct=False,
                   findings="x", verified_on=date(2024, 3, 12)) == ("NT-PCI-32", "actor")
    service.verify_objection(TAX, objection_id=objection, correct=False, findings="文号录入错误",
                             verified_on=date(2024, 3, 12))
    assert service.objection(objection).referral["verification"]["late"] is True  # 5 working days ended 03-11
    service.decide_objection(CENTRE, **review)  # the centre reviews once the provider fed back
    due = service.objection(objection).decision["correction_deadline"]
    assert (due["due"], due["rule_id"]) == (date(2024, 3, 15), "NT-PCI-32")  # 3 working days: 13, 14, 15
    service.apply_correction(CENTRE, objection_id=objection, applied_on=date(2024, 3, 15),
                             changes={"basis": basis(date(2024, 1, 8), "罚字〔2024〕17号")})
    correction = service.objection(objection).correction
    assert (correction["late"], correction["scope"]) == (False, "public")  # on the due day, in the original scope
    assert service.record(record).basis["number"] == "罚字〔2024〕17号"


def test_nt_pci_32_a_correction_after_the_third_working_day_is_marked_late(service, clock) -> None:
    clock.day = date(2024, 3, 18)
    record = nt_record(service, 82)
    objection = service.file_objection(CENTRE, record_id=record, grounds="wrong_or_incomplete",
                                       statement="文号有误", filed_on=date(2024, 3, 1))
    service.decide_objection(CENTRE, objection_id=objection, upheld=True, reasons="有误", decided_on=date(2024, 3, 12))
    service.apply_correction(CENTRE, objection_id=objection, applied_on=date(2024, 3, 18),
                             changes={"summary": "更正后的摘要"})
    assert service.objection(objection).correction["late"] is True


def test_nt_pci_32_a_profile_without_provider_referral_refuses_it(service, ledger, clock) -> None:
    clock.day = date(2020, 3, 2)
    credit, _person, record, _entry = lyg_serious_black_listing(service, 83)
    objection = service.file_objection(actor("lyg-petition-bureau"), record_id=record, grounds="wrong_or_incomplete",
                                       statement="有误", filed_on=date(2020, 3, 2))
    assert refused(ledger, service.refer_objection, actor=credit, objection_id=objection,
                   referred_on=date(2020, 3, 2)) == ("NT-PCI-32", "objection_id")  # LYG-14: the provider answers


# --- NT-PCI-34 -----------------------------------------------------------------------------------
@pytest.mark.parametrize("corrected_on,last_day_inside", [
    (date(2024, 2, 1), date(2025, 2, 1)),
    (date(2024, 2, 29), date(2025, 2, 28)),  # Civil Code art. 202: no corresponding day → the month's last day
])
def test_nt_pci_34_the_clean_year_ends_on_the_anniversary_which_is_still_inside(
        service, ledger, clock, corrected_on: date, last_day_inside: date) -> None:
    assert load_profile("NT").repair.clean_period_years == 1
    clock.day = date(2025, 3, 10)
    record = nt_record(service, 84 if corrected_on.day == 1 else 85)
    application = dict(record_id=record, corrected_on=corrected_on,
                       commitment=doc(date(2025, 1, 20), "承诺〔2025〕1号", "承诺不再失信"))
    assert refused(ledger, service.apply_for_repair, actor=TAX, applied_on=last_day_inside,
                   **application) == ("NT-PCI-34", "applied_on")
    day_after = date.fromordinal(last_day_inside.toordinal() + 1)
    assert service.repair(service.apply_for_repair(TAX, applied_on=day_after, **application)).applied_on == day_after


# --- NT-PCI-35 -----------------------------------------------------------------------------------
def publicised_repair(service: CreditService, seed: int) -> Any:
    """A repair applied 2025-02-05, favourable opinion 2025-02-06, publicised until 2025-02-12."""
    record = nt_record(service, seed)
    repair = service.apply_for_repair(TAX, record_id=record, applied_on=date(2025, 2, 5), corrected_on=date(2024, 2, 1),
                                      commitment=doc(date(2025, 2, 5), "承诺〔2025〕3号", "承诺不再失信"))
    service.give_repair_opinion(TAX, repair_id=repair, favourable=True, given_on=date(2025, 2, 6),
                                opinion=doc(date(2025, 2, 6), "修复意见〔2025〕1号", "同意修复"))
    assert service.repair(repair).opinion["publicity_deadline"]["due"] == date(2025, 2, 12)  # 5 working days
    return repair


def test_nt_pci_35_an_objection_in_the_publicity_period_holds_the_repair_until_verified(service, ledger, clock) -> None:
    assert load_profile("NT").deadline("repair_publicity").days == 5
    clock.day = date(2025, 2, 14)
    repair = publicised_repair(service, 86)
    late = dict(repair_id=repair, statement="该企业仍拖欠税款", filed_on=date(2025, 2, 13))
    assert refused(ledger, service.object_in_repair_publicity, actor=CENTRE, **late) == ("NT-PCI-35", "filed_on")
    assert refused(ledger, service.object_in_repair_publicity, actor=actor("nt-hrss"),
                   **{**late, "filed_on": date(2025, 2, 12)}) == ("NT-PCI-35", "actor")
    service.object_in_repair_publicity(CENTRE, **{**late, "filed_on": date(2025, 2, 12)})  # the last day counts
    approve = dict(repair_id=repair, approved=True, reasons="公示期满", decided_on=date(2025, 2, 13))
    assert refused(ledger, service.decide_repair, actor=TAX, **approve) == ("NT-PCI-35", "publicity_objections")
    assert refused(ledger, service.verify_repair_objection, actor=CENTRE, repair_id=repair, number=1, founded=False,
                   opinion="x", verified_on=date(2025, 2, 13)) == ("NT-PCI-35", "actor")
    service.verify_repair_objection(TAX, repair_id=repair, number=1, founded=False, opinion="税款已补缴，异议不成立",
                                    verified_on=date(2025, 2, 13))
    service.decide_repair(TAX, **approve)
    assert service.repair(repair).status == "approved"


def test_nt_pci_35_a_founded_publicity_objection_allows_only_a_refusal(service, ledger, clock) -> None:
    clock.day = date(2025, 2, 14)
    repair = publicised_repair(service, 87)
    service.object_in_repair_publicity(TAX, repair_id=repair, statement="又有同类失信", filed_on=date(2025, 2, 7))
    service.verify_repair_objection(TAX, repair_id=repair, number=1, founded=True, opinion="异议成立",
                                    verified_on=date(2025, 2, 10))
    assert refused(ledger, service.decide_repair, actor=TAX, repair_id=repair, approved=True, reasons="x",
                   decided_on=date(2025, 2, 13)) == ("NT-PCI-35", "approved")
    service.decide_repair(TAX, repair_id=repair, approved=False, reasons="公示期间异议成立", decided_on=date(2025, 2, 13))
    assert service.repair(repair).status == "refused"


# --- CS-2.7 ------------------------------------------------------------------------------------
def test_cs_2_7_a_negative_bureau_review_refuses_the_repair(service, ledger, clock) -> None:
    assert load_profile("CS").repair.review_role == "collector"
    assert load_profile("NT").repair.review_role is None  # NT-PCI-35: the provider gives the opinion directly
    clock.day = date(2024, 6, 3)
    bureau, umo = actor("cs-enforcement-bureaus"), actor("cs-urban-management-office")
    person = service.register_person(bureau, name="钱七", id_number=person_id(date(1979, 4, 4), 88))
    service.add_points(bureau, profile_id="CS", subject_id=person, points=12, reason="违规倾倒",
                       act_date=date(2024, 3, 1), basis=basis(date(2024, 3, 5), "常综执罚〔2024〕88号", "常熟市综合行政执法局"))
    service.grade_points(umo, profile_id="CS", subject_id=person, grade="serious", graded_on=date(2024, 4, 1),
                         basis=basis(date(2024, 4, 1), "常城办定〔2024〕8号", "常熟市城管办", "other_statutory"))
    [record] = service.records_of(person)
    repair = service.apply_for_repair(bureau, record_id=record.id, applied_on=date(2024, 5, 20))
    assert refused(ledger, service.review_repair, actor=bureau, repair_id=repair, approved=False, opinion=" ",
                   reviewed_on=date(2024, 5, 24)) == ("CS-2.7", "opinion")
    service.review_repair(bureau, repair_id=repair, approved=False, opinion="未整改到位", reviewed_on=date(2024, 5, 24))
    assert (service.repair(repair).status, service.repair(repair).open) == ("refused", False)
    assert refused(ledger, service.give_repair_opinion, actor=umo, repair_id=repair, favourable=True,
                   given_on=date(2024, 5, 27), opinion=doc(date(2024, 5, 27), "意见", "同意")) == ("NT-PCI-35",
                                                                                                  "repair_id")
    assert service.record(record.id).in_force


def test_cs_2_7_a_profile_without_the_review_step_refuses_it(service, ledger, clock) -> None:
    clock.day = date(2025, 2, 13)
    record = nt_record(service, 89)
    repair = service.apply_for_repair(TAX, record_id=record, applied_on=date(2025, 2, 5), corrected_on=date(2024, 2, 1),
                                      commitment=doc(date(2025, 2, 5), "承诺〔2025〕3号", "承诺不再失信"))
    assert refused(ledger, service.review_repair, actor=CENTRE, repair_id=repair, approved=True, opinion="x",
                   reviewed_on=date(2025, 2, 6)) == ("CS-2.7", "repair_id")
