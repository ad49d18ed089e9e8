"""Department response deadlines of the joint-sanction loop (JY-21, CS-2.4..2.7, NT-JRP-4) and what
`CreditService.overdue` shows for them: department, sanction id, deadline with calendar version, days late."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, person_id

from domain.deadlines import DayKind, calendar_version
from domain.policy import PROFILE_IDS, PolicyProfile, load_all, load_profile
from domain.sanction import FED_BACK, LIFTED
from domain.service import CreditService

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
BANKS = actor("nt-financial-institutions")
SANCTION_DEADLINES = ("sanction_response", "sanction_feedback", "lift_confirmation")
# What the seeds set (see the comments in the profiles): only NT-PCI 第二十八条 has a cadence, monthly case
# reports; no seed sets a number of days for the response or the lift confirmation.
SEEDED = {"NT": {"sanction_feedback"}}


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_jy_21_cs_2_6_profiles_carry_exactly_the_seeded_sanction_deadlines(profile_id: str) -> None:
    profile = load_all()[profile_id]
    assert {n for n in SANCTION_DEADLINES if profile.find_deadline(n)} == SEEDED.get(profile_id, set())


def test_nt_jrp_4_feedback_is_due_by_the_end_of_the_following_month() -> None:
    rule = load_profile("NT").deadline("sanction_feedback")
    assert (rule.days, rule.kind, rule.rule_id) == (1, DayKind.MONTH_END, "NT-JRP-4")
    assert rule.compute(date(2024, 1, 31)).due == date(2024, 2, 29)
    assert rule.compute(date(2024, 12, 1)).due == date(2025, 1, 31)


def pushed_case(service: CreditService, seed: int, pushed_on: date = date(2024, 2, 1)) -> object:
    """An NT serious record with measure NT-M-06 pushed to the financial institutions."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    return service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=pushed_on)


def test_nt_jrp_4_late_feedback_is_overdue_with_department_deadline_and_days_late(service, clock) -> None:
    clock.day = date(2024, 4, 10)
    case = pushed_case(service, 41)
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    service.apply_sanction(BANKS, sanction_id=case, case={"number": "贷审〔2024〕3号", "date": date(2024, 2, 20),
                                                           "description": "提高贷款利率"})
    deadline = service.sanction(case).feedback_deadline
    assert (deadline["due"], deadline["kind"], deadline["rule_id"]) == (date(2024, 3, 31), "month_end", "NT-JRP-4")
    assert deadline["calendar_version"] == calendar_version()
    assert service.overdue(date(2024, 3, 31)) == []  # the due day itself is in time
    [late] = service.overdue(date(2024, 4, 3))
    assert (late["kind"], late["step"], late["department"], late["sanction_id"]) == (
        "SanctionCase", "feed_back", "nt-financial-institutions", case)
    assert (late["due"], late["days_late"], late["deadline"]) == (date(2024, 3, 31), 3, deadline)
    service.feed_back_sanction(BANKS, sanction_id=case, report="3 月实施 1 例", fed_back_on=date(2024, 4, 3))
    assert service.sanction(case).status == FED_BACK
    assert service.overdue(date(2024, 4, 10)) == []


def nt_with_department_limits() -> PolicyProfile:
    """NT v2 as a later version could set response and lift limits (test data, not in the seed)."""
    content = load_profile("NT").to_content()
    content["version"] = 2
    content["deadlines"]["sanction_response"] = {"days": 5, "kind": "working", "rule_id": "JY-21"}
    content["deadlines"]["lift_confirmation"] = {"days": 3, "kind": "working", "rule_id": "CS-2.7"}
    return PolicyProfile.from_content(content)


def test_jy_21_cs_2_7_overdue_acknowledgement_and_lift_confirmation(ledger, clock) -> None:
    service = CreditService(ledger, {"NT": nt_with_department_limits()}, SECRET, today=clock)
    service.publish_profile(ADMIN, profile_id="NT")
    clock.day = date(2024, 2, 22)
    case = pushed_case(service, 42, pushed_on=date(2024, 2, 8))
    # 5 working days from Thursday 8 February 2024: the 9th, Sunday the 18th (make-up workday), 19, 20, 21;
    # the Spring Festival holiday (10..17) does not count
    assert service.overdue(date(2024, 2, 21)) == []
    [ack] = service.overdue(date(2024, 2, 22))
    assert (ack["step"], ack["department"], ack["sanction_id"], ack["due"], ack["days_late"]) == (
        "acknowledge", "nt-financial-institutions", case, date(2024, 2, 21), 1)
    assert (ack["deadline"]["kind"], ack["deadline"]["rule_id"]) == ("working", "JY-21")
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 22))
    service.apply_sanction(BANKS, sanction_id=case, case={"number": "贷审〔2024〕5号", "date": date(2024, 2, 22),
                                                           "description": "提高贷款利率"})
    service.push_lift(CREDIT, sanction_id=case, reason="异议更正", pushed_on=date(2024, 2, 22))
    lift_due = service.sanction(case).lift["deadline"]["due"]
    assert lift_due == date(2024, 2, 27)  # 23 (Fri), 26, 27
    clock.day = date(2024, 2, 28)
    [lift] = service.overdue()
    assert (lift["step"], lift["sanction_id"], lift["due"], lift["days_late"]) == ("confirm_lift", case, lift_due, 1)
    service.confirm_lift(BANKS, sanction_id=case, confirmed_on=date(2024, 2, 28))
    assert service.sanction(case).status == LIFTED and service.overdue() == []
