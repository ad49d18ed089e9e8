"""CS narrative: urban-management points graded serious (CS-2.2) → sanctions reaching the legal representative
and the directly responsible person (CS-2.1) → closed loop (CS-2.6) → repair and lifts (CS-2.7)."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.policy import PolicyProfile, load_all
from domain.record import REPAIRED
from domain.sanction import FED_BACK, LIFT_PUSHED, LIFTED, WITHDRAWN
from domain.service import CreditService

BUREAU = actor("cs-enforcement-bureaus", "gu")
UMO = actor("cs-urban-management-office", "lu")
CREDIT = actor("cs-credit-office", "shen")
HOUSING = actor("cs-housing-construction", "yao")


def penalty(day: date, n: int) -> dict:
    return basis(day, f"常综执罚〔2024〕{n}号", "常熟市综合行政执法局")


def test_cs_2_1_to_2_7_points_to_joint_sanctions_and_lift(service, ledger, clock) -> None:
    clock.day = date(2024, 4, 1)
    company = service.register_organisation(BUREAU, name="常熟某建筑工程有限公司", uscc=credit_code(5))
    boss = service.register_person(BUREAU, name="孙七", id_number=person_id(date(1972, 8, 8), 5))
    foreman = service.register_person(BUREAU, name="周八", id_number=person_id(date(1980, 2, 2), 6))
    service.link_responsible_person(BUREAU, organisation_id=company, person_id=boss, role="legal_representative")
    service.link_responsible_person(BUREAU, organisation_id=company, person_id=foreman,
                                    role="directly_responsible_person")

    # CS-2.2: the bureaus collect points; the profile holds no ranges, so the office grades
    account = service.add_points(BUREAU, profile_id="CS", subject_id=company, points=6, reason="建筑垃圾违规倾倒",
                                 act_date=date(2024, 3, 1), basis=penalty(date(2024, 3, 5), 31))
    service.add_points(BUREAU, profile_id="CS", subject_id=company, points=8, reason="夜间违规施工",
                       act_date=date(2024, 3, 20),
                       basis=penalty(date(2024, 3, 25), 47))
    assert (service.points_account(company, "CS").total, service.points_account(company, "CS").grade) == (14, None)
    assert service.records_of(company) == []
    service.grade_points(UMO, profile_id="CS", subject_id=company, grade="serious", graded_on=date(2024, 4, 1),
                         basis=basis(date(2024, 4, 1), "常城办定〔2024〕2号", "常熟市城管办", "other_statutory"))
    [record] = service.records_of(company)
    assert (record.tier, record.behaviour_code, record.act_date) == ("serious", "CS-2.1", date(2024, 3, 20))
    assert [r.role for r in service.records_of(boss) + service.records_of(foreman)] == [
        "legal_representative", "directly_responsible_person"]

    # CS-2.4/2.5: the credit office pushes; CS-M-03 also reaches both persons, CS-M-07 fits no legal person
    clock.day = date(2024, 4, 30)
    case_id = service.push_sanction(CREDIT, source_id=record.id, measure_id="CS-M-03", pushed_on=date(2024, 4, 2))
    assert len(service.sanctions_of(boss)) == len(service.sanctions_of(foreman)) == 1
    with pytest.raises(RuleViolation) as not_for_company:
        service.push_sanction(CREDIT, source_id=record.id, measure_id="CS-M-07", pushed_on=date(2024, 4, 2))
    assert (not_for_company.value.rule_id, not_for_company.value.field) == ("HA-4.2", "measure_id")
    with pytest.raises(RuleViolation) as wrong_department:
        service.acknowledge_sanction(BUREAU, sanction_id=case_id, acknowledged_on=date(2024, 4, 3))
    assert (wrong_department.value.rule_id, wrong_department.value.field) == ("JY-21", "actor")
    service.acknowledge_sanction(HOUSING, sanction_id=case_id, acknowledged_on=date(2024, 4, 3))
    service.apply_sanction(HOUSING, sanction_id=case_id, case={"number": "常住建评〔2024〕5号",
                                                                "date": date(2024, 4, 15),
                                                                "description": "取消年度优质工程评选资格"})
    service.feed_back_sanction(HOUSING, sanction_id=case_id, report="台账：1 例", fed_back_on=date(2024, 4, 30))
    assert service.sanction(case_id).status == FED_BACK
    inbox = service.sanctions_of(department="cs-housing-construction")
    assert {c.subject_id for c in inbox} == {company, boss, foreman}

    # objection does not suspend anything (LYG-17); CS-2.7 repair lifts every case, persons' too (HA-5.1)
    clock.day = date(2024, 6, 3)
    objection_id = service.file_objection(BUREAU, record_id=record.id, grounds="wrong_or_incomplete",
                                          statement="积分计算有误", filed_on=date(2024, 5, 6))
    assert service.sanction(case_id).in_force and service.record(record.id).published
    assert record.determining_unit == "cs-urban-management-office"  # CS-2.2: the office grades, so it answers
    service.decide_objection(UMO, objection_id=objection_id, upheld=False, reasons="积分无误",
                             decided_on=date(2024, 5, 10))
    repair_id = service.apply_for_repair(BUREAU, record_id=record.id, applied_on=date(2024, 5, 20))
    # CS-2.7: the enforcement bureau reviews, then the urban-management office adjusts
    opinion = dict(repair_id=repair_id, favourable=True, given_on=date(2024, 5, 27),
                   opinion=doc(date(2024, 5, 27), "常综执修〔2024〕1号", "整改到位，同意修复"))
    with pytest.raises(RuleViolation) as unreviewed:
        service.give_repair_opinion(UMO, **opinion)
    assert (unreviewed.value.rule_id, unreviewed.value.field) == ("CS-2.7", "repair_id")
    with pytest.raises(RuleViolation) as not_the_bureau:
        service.review_repair(UMO, repair_id=repair_id, approved=True, opinion="审核通过", reviewed_on=date(2024, 5, 24))
    assert (not_the_bureau.value.rule_id, not_the_bureau.value.field) == ("CS-2.7", "actor")
    service.review_repair(BUREAU, repair_id=repair_id, approved=True, opinion="整改到位，审核通过",
                          reviewed_on=date(2024, 5, 24))
    service.give_repair_opinion(UMO, repair_id=repair_id, favourable=True, given_on=date(2024, 5, 27),
                                opinion=doc(date(2024, 5, 27), "常综执修〔2024〕1号", "整改到位，同意修复"))
    service.decide_repair(UMO, repair_id=repair_id, approved=True, reasons="同意", decided_on=date(2024, 6, 3))
    people = service.records_of(company) + service.records_of(boss) + service.records_of(foreman)
    assert {r.status for r in people} == {REPAIRED}
    cases = service.sanctions_of(company) + service.sanctions_of(boss) + service.sanctions_of(foreman)
    # CS-2.7: the office adjusted; the credit office pushes the lift, only where the measure was applied (JY-17)
    assert len(cases) == 3 and service.sanction(case_id).status == FED_BACK
    assert {(d["sanction_id"], d["action"]) for d in service.lifts_due()} == {
        (c.id, "lift" if c.id == case_id else "withdraw") for c in cases}
    with pytest.raises(RuleViolation) as aggregator:  # the urban-management office adjusts, it does not lift
        service.push_lift(UMO, sanction_id=case_id, reason="信用修复", pushed_on=date(2024, 6, 3))
    assert (aggregator.value.rule_id, aggregator.value.field) == ("CS-2.7", "actor")
    service.push_due_lifts(CREDIT, reason="信用修复，解除惩戒", pushed_on=date(2024, 6, 3))
    assert {c.id: service.sanction(c.id).status for c in cases} == {
        c.id: LIFT_PUSHED if c.id == case_id else WITHDRAWN for c in cases}
    service.confirm_lift(HOUSING, sanction_id=case_id, confirmed_on=date(2024, 6, 3))
    assert {service.sanction(c.id).status for c in cases} == {LIFTED, WITHDRAWN}
    assert service.sanctions_of(department="cs-housing-construction") == []
    assert account == service.points_account(company, "CS").id


def cs_with_ranges() -> PolicyProfile:
    """CS v2 as a later profile version could carry point ranges (test data, not a real scale)."""
    content = load_all()["CS"].to_content()
    content["version"] = 2
    grades = content["points"]["grades"]
    grades["serious"]["min_points"] = 12
    grades["watch"] = {"name_zh": "关注", "name_en": "watch", "triggers_sanctions": False,
                       "min_points": 1, "max_points": 11}
    return PolicyProfile.from_content(content)


def test_cs_2_2_points_graded_by_a_later_profile_version(ledger, clock) -> None:
    service = CreditService(ledger, {"CS": cs_with_ranges()}, SECRET, today=clock)
    service.publish_profile(ADMIN, profile_id="CS")
    assert service.published_profile("CS", 2).content_hash == cs_with_ranges().content_hash()
    clock.day = date(2024, 4, 1)
    person = service.register_person(BUREAU, name="吴九", id_number=person_id(date(1990, 5, 5), 7))
    service.add_points(BUREAU, profile_id="CS", subject_id=person, points=6, reason="违规设置户外广告",
                       act_date=date(2024, 3, 1),
                       basis=penalty(date(2024, 3, 5), 61))
    assert service.points_account(person, "CS").grade == "watch" and service.records_of(person) == []
    with pytest.raises(RuleViolation) as by_hand:
        service.grade_points(UMO, profile_id="CS", subject_id=person, grade="serious", graded_on=date(2024, 4, 1),
                             basis=penalty(date(2024, 4, 1), 62))
    assert (by_hand.value.rule_id, by_hand.value.field) == ("CS-2.2", "grade")
    service.add_points(BUREAU, profile_id="CS", subject_id=person, points=6, reason="占道经营", act_date=date(2024, 3, 25),
                       basis=penalty(date(2024, 3, 28), 63))
    [record] = service.records_of(person)
    assert (service.points_account(person, "CS").grade, record.tier, record.policy_id) == ("serious", "serious", "CS")
    assert service.record(record.id).determination_date == date(2024, 3, 28)  # the deciding penalty
