"""The joint-sanction loop as the seeds say (JY-21, JY-17, CS-2.7): a department may decline with its reason,
lifts go only to departments that applied a measure, and only the credit office pushes them."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain_helpers import actor, basis, doc, person_id, refused

from domain.sanction import ACKNOWLEDGED, DECLINED, LIFT_PUSHED, LIFTED, WITHDRAWN
from domain.service import CreditService

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
CENTRE = actor("nt-credit-centre")
BANKS = actor("nt-financial-institutions")
CASE = {"number": "贷审〔2024〕3号", "date": date(2024, 2, 20), "description": "提高贷款利率"}


def pushed(service: CreditService, seed: int, tier: str = "serious") -> tuple[Any, Any]:
    """An NT record (determined 2024-01-10) with NT-M-06 pushed to the financial institutions on 2024-02-01."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier=tier, basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    return record, service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))




def test_jy_21_a_department_declines_with_its_reason_and_the_case_closes(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 1)
    _, case = pushed(service, 61)
    decline = dict(sanction_id=case, reason="该主体在本机构无业务往来", declined_on=date(2024, 2, 5))
    assert refused(ledger, service.decline_sanction, actor=BANKS, **decline) == ("JY-21", "sanction_id")  # ack first
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    assert refused(ledger, service.feed_back_sanction, actor=BANKS, sanction_id=case, report="未实施",
                   fed_back_on=date(2024, 2, 5)) == ("JY-21", "sanction_id")  # feedback reports applied cases
    assert refused(ledger, service.decline_sanction, actor=BANKS, **{**decline, "reason": " "}) == ("JY-21", "reason")
    assert refused(ledger, service.decline_sanction, actor=TAX, **decline) == ("JY-21", "actor")
    assert refused(ledger, service.decline_sanction, actor=BANKS,
                   **{**decline, "declined_on": date(2024, 2, 1)}) == ("JY-21", "declined_on")
    assert service.sanction(case).status == ACKNOWLEDGED
    service.decline_sanction(BANKS, **decline)
    closed = service.sanction(case)
    assert (closed.status, closed.open, closed.in_force) == (DECLINED, False, False)
    assert closed.closing == {"kind": DECLINED, "reason": "该主体在本机构无业务往来", "on": date(2024, 2, 5)}
    assert service.sanctions_of(department="nt-financial-institutions") == []  # off the inbox: the loop closed
    assert refused(ledger, service.apply_sanction, actor=BANKS, sanction_id=case, case=CASE) == ("JY-21", "sanction_id")


def test_jy_17_a_lift_goes_only_to_a_department_that_applied_the_measure(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 1)
    _, never = pushed(service, 62)
    _, applied = pushed(service, 63)
    for case in (never, applied):
        service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    service.apply_sanction(BANKS, sanction_id=applied, case=CASE)
    lift = dict(reason="异议更正", pushed_on=date(2024, 3, 1))
    assert refused(ledger, service.push_lift, actor=CREDIT, sanction_id=never, **lift) == ("JY-17", "sanction_id")
    assert refused(ledger, service.withdraw_sanction, actor=CREDIT, sanction_id=applied, reason="异议更正",
                   withdrawn_on=date(2024, 3, 1)) == ("JY-17", "sanction_id")
    service.withdraw_sanction(CREDIT, sanction_id=never, reason="异议更正", withdrawn_on=date(2024, 3, 1))
    service.push_lift(CREDIT, sanction_id=applied, **lift)
    assert (service.sanction(never).status, service.sanction(never).open) == (WITHDRAWN, False)
    assert service.sanction(applied).status == LIFT_PUSHED
    inbox = service.sanctions_of(department="nt-financial-institutions")
    assert [c.id for c in inbox] == [applied]  # only the applier confirms a lift
    service.confirm_lift(BANKS, sanction_id=applied, confirmed_on=date(2024, 3, 1))
    assert service.sanction(applied).status == LIFTED


def test_cs_2_7_only_the_credit_office_pushes_lifts(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 1)
    _, case = pushed(service, 64)
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    service.apply_sanction(BANKS, sanction_id=case, case=CASE)
    for unit in (CENTRE, TAX, BANKS):
        assert refused(ledger, service.push_lift, actor=unit, sanction_id=case, reason="修复",
                       pushed_on=date(2024, 3, 1)) == ("CS-2.7", "actor")
    assert refused(ledger, service.push_due_lifts, actor=CENTRE, reason="修复",
                   pushed_on=date(2024, 3, 1)) == ("CS-2.7", "actor")


def test_cs_2_7_repair_by_the_provider_leaves_the_lift_to_the_credit_office(service, ledger, clock) -> None:
    clock.day = date(2025, 2, 13)
    record, case = pushed(service, 65)
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    service.apply_sanction(BANKS, sanction_id=case, case=CASE)
    repair = service.apply_for_repair(TAX, record_id=record, applied_on=date(2025, 2, 5),
                                      corrected_on=date(2024, 2, 1),
                                      commitment=doc(date(2025, 2, 5), "承诺〔2025〕3号", "承诺不再失信"))
    service.give_repair_opinion(TAX, repair_id=repair, favourable=True, given_on=date(2025, 2, 6),
                                opinion=doc(date(2025, 2, 6), "修复意见〔2025〕1号", "同意修复"))
    service.decide_repair(TAX, repair_id=repair, approved=True, reasons="公示无异议", decided_on=date(2025, 2, 13))
    assert service.sanction(case).in_force  # the tax bureau pushed nothing: the lift is the credit office's
    assert [(d["sanction_id"], d["department"], d["action"], d["rule_id"]) for d in service.lifts_due()] == [
        (case, "nt-financial-institutions", "lift", "JY-17")]
    assert service.lifts_due(office="jy-credit-office") == []  # another profile's credit office sees none
    assert [d["sanction_id"] for d in service.lifts_due(office="nt-credit-office")] == [case]
    assert service.push_due_lifts(actor("jy-credit-office"), reason="修复", pushed_on=date(2025, 2, 13)) == []
    assert refused(ledger, service.push_due_lifts, actor=TAX, reason="修复",
                   pushed_on=date(2025, 2, 13)) == ("CS-2.7", "actor")
    assert refused(ledger, service.push_due_lifts, actor=CREDIT, reason="修复",
                   pushed_on=date(2025, 2, 14)) == ("JY-17", "pushed_on")  # in the future
    assert refused(ledger, service.push_due_lifts, actor=CREDIT, reason=" ",
                   pushed_on=date(2025, 2, 13)) == ("JY-17", "reason")
    assert service.push_due_lifts(CREDIT, reason="信用修复", pushed_on=date(2025, 2, 13)) == [case]
    assert service.sanction(case).status == LIFT_PUSHED and service.lifts_due() == []


def test_jy_17_a_basis_past_its_last_day_is_due_for_a_lift_before_any_sweep(service, clock) -> None:
    clock.day = date(2024, 3, 1)
    record, case = pushed(service, 66, tier="general")
    assert service.record(record).valid_until == date(2025, 1, 10)  # NT-PCI-30: one year from determination
    assert service.lifts_due(date(2025, 1, 10)) == []  # the last day is in force
    [due] = service.lifts_due(date(2025, 1, 11))
    assert (due["sanction_id"], due["action"]) == (case, "withdraw")
