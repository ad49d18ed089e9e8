"""Expiry sweep (NT-PCI-30, LYG-18), objections that suspend nothing (NT-PCI-32, LYG-17), repair that archives
and lifts everything (NT-PCI-35, HA-5.1), and overdue work (NT-PCI-32, JY-21)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from domain_helpers import (ADMIN, SECRET, actor, basis, correct_determination_date, doc, lyg_serious_black_listing,
                            person_id)

from domain.errors import RuleViolation
from domain.policy import PolicyProfile, load_profile
from domain.record import EXPIRED, IN_FORCE, REPAIRED
from domain.sanction import ACKNOWLEDGED, APPLIED, LIFT_PUSHED, WITHDRAWN
from domain.service import CreditService

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
BANKS = actor("nt-financial-institutions")
PENALTY = basis(date(2024, 1, 8), "通税罚〔2024〕7号", "国家税务总局南通市税务局")


def listed_person(service: CreditService, seed: int) -> tuple[Any, Any, Any]:
    """An NT person with a serious record (2024-01-10) on the confirmed black list (2024-02-01)."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=PENALTY, act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=person, list_code="black", record_ids=[record],
                                     drafted_on=date(2024, 2, 1), reason="严重失信")
    service.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))
    return person, record, entry


def test_nt_pci_30_sweep_expires_each_item_at_its_own_validity_and_is_idempotent(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 12)
    person, record, entry = listed_person(service, 31)
    general = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.9",
                                        tier="general", basis=basis(date(2024, 3, 1), "通税罚〔2024〕9号"),
                                        act_date=date(2024, 2, 20), determination_date=date(2024, 3, 1))
    on_record = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 2, 2))
    on_general = service.push_sanction(CREDIT, source_id=general, measure_id="NT-M-06", pushed_on=date(2024, 3, 2))
    # a correction moves the determination date: the record now outlives the black-list entry
    correct_determination_date(service, record, date(2024, 3, 1), PENALTY)
    assert service.record(record).valid_until == date(2027, 3, 1)

    def sweep_twice(day: date) -> list[Any]:
        clock.day = day
        first = service.sweep(CREDIT)
        count = ledger.event_count()
        assert service.sweep(CREDIT) == [] and ledger.event_count() == count  # idempotent
        return first

    assert sweep_twice(date(2025, 3, 1)) == []  # the last day is still in force
    assert sweep_twice(date(2025, 3, 2)) == [general]
    # JY-17: the swept case was never applied, so the credit office's sweep withdraws it (no lift to confirm)
    assert (service.record(general).status, service.sanction(on_general).status) == (EXPIRED, WITHDRAWN)
    assert service.record(general).closing == {"automatic_repair": False}
    assert sweep_twice(date(2027, 2, 2)) == [entry]
    assert service.list_entry(entry).status == "expired" and service.record(record).in_force
    assert sweep_twice(date(2027, 3, 2)) == [record]
    assert service.sanction(on_record).status == WITHDRAWN and not service.record(record).published


def test_nt_pci_32_lyg_17_objection_flags_but_suspends_neither_publication_nor_sanctions(service, clock) -> None:
    clock.day = date(2024, 3, 20)
    person, record, entry = listed_person(service, 32)
    case = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 2, 2))
    objection = service.file_objection(CREDIT, record_id=record, grounds="forbidden_information",
                                       statement="记录含有不应采集的信息", filed_on=date(2024, 3, 1))
    flagged = service.record(record)
    assert flagged.flags == [str(objection)] and flagged.published and flagged.in_force
    assert service.list_entry(entry).in_force
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 3, 5))
    service.apply_sanction(BANKS, sanction_id=case, case={"number": "贷〔2024〕3号", "date": date(2024, 3, 6),
                                                           "description": "提高贷款利率"})
    assert service.sanction(case).status == APPLIED  # the department goes on while the objection is pending
    service.decide_objection(TAX, objection_id=objection, upheld=False, reasons="无禁止信息", decided_on=date(2024, 3, 8))
    kept = service.record(record)
    assert kept.flags == [] and kept.basis == flagged.basis and kept.published


def test_nt_pci_35_ha_5_1_repair_archives_with_full_history_and_lifts_every_sanction(service, clock) -> None:
    clock.day = date(2020, 3, 2)
    credit, person, record, entry = lyg_serious_black_listing(service, 35)
    bureau = actor("lyg-petition-bureau")
    cases = [service.push_sanction(credit, source_id=source, measure_id=measure, pushed_on=date(2019, 9, 10))
             for source, measure in ((record, "LYG-M-13a.9"), (entry, "LYG-M-13a.4"), (entry, "LYG-M-13a.7"))]
    service.acknowledge_sanction(actor("lyg-hrss"), sanction_id=cases[1], acknowledged_on=date(2019, 9, 11))
    service.apply_sanction(actor("lyg-hrss"), sanction_id=cases[1], case={
        "number": "连人社〔2019〕8号", "date": date(2019, 9, 12), "description": "不予报名公务员考试"})
    repair = service.apply_for_repair(bureau, record_id=record, applied_on=date(2020, 2, 3),
                                      corrected_on=date(2019, 12, 30))
    service.give_repair_opinion(bureau, repair_id=repair, favourable=True, given_on=date(2020, 2, 10),
                                opinion=doc(date(2020, 2, 10), "连信访修〔2020〕1号", "已整改到位，同意修复"))
    with pytest.raises(RuleViolation) as no_decision:  # LYG-16: the decision document goes to the credit office
        service.decide_repair(bureau, repair_id=repair, approved=True, reasons="同意修复", decided_on=date(2020, 3, 2))
    assert (no_decision.value.rule_id, no_decision.value.field) == ("LYG-16", "decision")
    decision = doc(date(2020, 3, 2), "连信访修决〔2020〕1号")
    service.decide_repair(bureau, repair_id=repair, approved=True, reasons="LYG-16 同意修复", decided_on=date(2020, 3, 2),
                          decision=decision)

    repaired = service.record(record)
    assert (repaired.status, repaired.archived, repaired.published) == (REPAIRED, True, False)
    assert repaired.closing == {"repair_id": str(repair), "decision": decision, "decision_sent_to": "lyg-credit-office"}
    history = [service.as_of(record, v) for v in range(1, repaired.version + 1)]
    assert history[0].status == IN_FORCE and history[-1].status == REPAIRED
    assert all(h.basis == repaired.basis for h in history)  # nothing deleted or rewritten
    # CS-2.7: the bureau repaired; the credit office lifts where applied and withdraws the rest (JY-17)
    assert {d["sanction_id"]: d["action"] for d in service.lifts_due()} == {
        cases[0]: "withdraw", cases[1]: "lift", cases[2]: "withdraw"}
    service.push_due_lifts(credit, reason="信用修复", pushed_on=date(2020, 3, 2))
    assert [service.sanction(c).status for c in cases] == [WITHDRAWN, LIFT_PUSHED, WITHDRAWN]  # everywhere
    assert service.sanction(cases[1]).lift["reason"] == "信用修复"
    assert service.list_entry(entry).status == "exited"
    assert service.repair(repair).status == "approved"
    assert service.records_of(person) == [repaired]


def nt_with_response_deadlines() -> PolicyProfile:
    """NT v2 as a later version could set department response limits (test data)."""
    content = load_profile("NT").to_content()
    content["version"] = 2
    content["deadlines"]["sanction_response"] = {"days": 5, "kind": "working", "rule_id": "JY-21"}
    content["deadlines"]["lift_confirmation"] = {"days": 3, "kind": "working", "rule_id": "CS-2.7"}
    return PolicyProfile.from_content(content)


@pytest.mark.parametrize("profile", ["NT v1", "NT v2"])
def test_nt_pci_32_jy_21_overdue_steps_are_visible(ledger, clock, profile: str) -> None:
    nt = load_profile("NT") if profile == "NT v1" else nt_with_response_deadlines()
    service = CreditService(ledger, {"NT": nt}, SECRET, today=clock)
    service.publish_profile(ADMIN, profile_id="NT")
    clock.day = date(2024, 3, 1)
    person, record, entry = listed_person(service, 34)
    case = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 3, 1))
    objection = service.file_objection(CREDIT, record_id=record, grounds="wrong_or_incomplete", statement="有误",
                                       filed_on=date(2024, 3, 1))
    service.refer_objection(CREDIT, objection_id=objection, referred_on=date(2024, 3, 1))
    assert service.overdue(date(2024, 3, 8)) == []
    steps = {(s["kind"], s["step"], s["due"]) for s in service.overdue(date(2024, 3, 18))}
    expected = {("Objection", "decision", date(2024, 3, 15)), ("Objection", "provider_verification", date(2024, 3, 8))}
    if profile == "NT v2":
        expected.add(("SanctionCase", "acknowledge", date(2024, 3, 8)))
        assert service.sanction(case).response_deadline["rule_id"] == "JY-21"
    assert steps == expected
    clock.day = date(2024, 3, 18)
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 3, 18))
    assert service.sanction(case).status == ACKNOWLEDGED
    assert all(s["kind"] == "Objection" for s in service.overdue(date(2024, 3, 18)))
