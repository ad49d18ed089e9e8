"""NT narrative: tax arrears → key attention → big-data warning → black list → sanctions → objection and
correction in working days → repair after a clean year and 5 working days of publicity."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, doc, person_id

from domain.errors import RuleViolation
from domain.record import IN_FORCE, REPAIRED
from domain.sanction import FED_BACK, LIFT_PUSHED, LIFTED

TAX = actor("nt-tax-bureau", "qian")
CREDIT = actor("nt-credit-office", "sun")
CENTRE = actor("nt-credit-centre", "zhou")
BANKS = actor("nt-financial-institutions", "wu")
PENALTY = basis(date(2024, 1, 8), "通税罚〔2024〕7号", "国家税务总局南通市税务局")


def test_nt_pci_15_to_35_tax_arrears_from_record_to_repair(service, ledger, clock) -> None:
    clock.day = date(2024, 1, 10)
    subject_id = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), 1))
    record_id = service.record_dishonesty(
        TAX, profile_id="NT", subject_id=subject_id, behaviour_code="NT-PCI-12.3", tier="serious", basis=PENALTY,
        act_date=date(2023, 12, 1), determination_date=date(2024, 1, 10), summary="欠缴税款逾期未缴",
    )
    record = service.record(record_id)
    assert (record.valid_until, record.published, record.policy_id) == (date(2027, 1, 10), True, "NT")  # NT-PCI-30

    # NT-JRP-3: key attention in three key fields → big-data warning; then moved to the black list
    clock.day = date(2024, 2, 1)
    for field in ("tax", "social_insurance", "environment"):
        entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=subject_id, list_code="key_attention",
                                         list_field=field, drafted_on=date(2024, 1, 20), reason=f"{field} 重点关注")
        service.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))
    kinds = {e.list_code: e.status for e in service.list_entries_of(subject_id)}
    assert kinds == {"key_attention": "confirmed", "big_data_warning": "confirmed"}
    black_id = service.draft_list_entry(TAX, profile_id="NT", subject_id=subject_id, list_code="black",
                                        record_ids=[record_id], drafted_on=date(2024, 2, 1), reason="严重失信")
    service.confirm_list_entry(CREDIT, list_entry_id=black_id, confirmed_on=date(2024, 2, 1),
                               decision=doc(date(2024, 2, 1), "通信用认〔2024〕2号"))
    statuses = sorted((e.list_code, e.status) for e in service.list_entries_of(subject_id))
    # NT-JRP-3: moved to the black list, no key-attention field is left, so the big-data warning is withdrawn
    assert statuses == [("big_data_warning", "exited"), ("black", "confirmed")] + [("key_attention", "exited")] * 3
    [warning] = [e for e in service.list_entries_of(subject_id) if e.list_code == "big_data_warning"]
    assert warning.closing["reason"].startswith("NT-JRP-3 withdrawn: key_attention in 0 key fields")
    assert service.list_entry(black_id).valid_until == date(2027, 2, 1)

    # NT-PCI-26 market measure, closed loop with the financial institutions
    case_id = service.push_sanction(CREDIT, source_id=record_id, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
    clock.day = date(2024, 2, 29)
    service.acknowledge_sanction(BANKS, sanction_id=case_id, acknowledged_on=date(2024, 2, 2))
    service.apply_sanction(BANKS, sanction_id=case_id, case={"number": "贷审〔2024〕19号", "date": date(2024, 2, 20),
                                                              "description": "个人经营贷款申请提高利率"})
    service.feed_back_sanction(BANKS, sanction_id=case_id, report="2 月实施 1 例", fed_back_on=date(2024, 2, 29))
    assert service.sanction(case_id).status == FED_BACK

    # NT-PCI-31/32 objection: flagged but still published and used; provider 5, review 10, correction 3 working days
    clock.day = date(2024, 3, 12)
    objection_id = service.file_objection(CENTRE, record_id=record_id, grounds="wrong_or_incomplete",
                                          statement="处罚决定书文号有误", filed_on=date(2024, 3, 1))
    service.refer_objection(CENTRE, objection_id=objection_id, referred_on=date(2024, 3, 4))
    objection = service.objection(objection_id)
    assert objection.answer_deadline["due"] == date(2024, 3, 15)
    assert objection.referral["deadline"]["due"] == date(2024, 3, 11)
    assert objection.answer_deadline["calendar_version"].startswith("chinesecalendar")
    record = service.record(record_id)
    assert record.flags and record.published and service.sanction(case_id).in_force  # LYG-17, NT-PCI-32
    service.decide_objection(TAX, objection_id=objection_id, upheld=True, reasons="文号录入错误",
                             decided_on=date(2024, 3, 8))
    assert service.objection(objection_id).decision["correction_deadline"]["due"] == date(2024, 3, 13)
    corrected = dict(PENALTY, number="通税罚〔2024〕17号")
    with pytest.raises(RuleViolation) as by_provider:  # NT-PCI-32: the centre corrects, not the provider
        service.apply_correction(TAX, objection_id=objection_id, changes={"basis": corrected},
                                 applied_on=date(2024, 3, 12))
    assert (by_provider.value.rule_id, by_provider.value.field) == ("NT-PCI-32", "actor")
    service.apply_correction(CENTRE, objection_id=objection_id, changes={"basis": corrected},
                             applied_on=date(2024, 3, 12))
    record = service.record(record_id)
    assert record.basis["number"] == "通税罚〔2024〕17号" and record.flags == []
    assert record.corrections[0]["changes"]["basis"]["old"]["number"] == "通税罚〔2024〕7号"
    assert service.as_of(record_id, 1).basis["number"] == "通税罚〔2024〕7号"  # the original is kept
    assert service.objection(objection_id).correction["late"] is False
    service.appeal_objection(CENTRE, objection_id=objection_id, body="credit_authority", appealed_on=date(2024, 3, 12),
                             statement="要求说明更正范围")
    assert service.overdue(date(2024, 3, 12)) == []

    # NT-PCI-34/35 repair: corrected 2024-02-01, a clean year, commitment; publicity of 5 working days
    clock.day = date(2025, 2, 13)
    repair_id = service.apply_for_repair(
        CENTRE, record_id=record_id, applied_on=date(2025, 2, 5), corrected_on=date(2024, 2, 1),
        commitment=doc(date(2025, 2, 5), "承诺〔2025〕3号", "本人承诺依法纳税，不再失信"),
    )
    service.give_repair_opinion(TAX, repair_id=repair_id, favourable=True, given_on=date(2025, 2, 6),
                                opinion=doc(date(2025, 2, 6), "修复意见〔2025〕1号", "已补缴税款及滞纳金，同意修复"))
    deadline = service.repair(repair_id).opinion["publicity_deadline"]
    assert deadline["due"] == date(2025, 2, 12)  # Saturday 2025-02-08 is a make-up working day
    with pytest.raises(RuleViolation) as early:
        service.decide_repair(TAX, repair_id=repair_id, approved=True, reasons="公示无异议", decided_on=date(2025, 2, 12))
    assert (early.value.rule_id, early.value.field) == ("NT-PCI-35", "decided_on")
    service.decide_repair(TAX, repair_id=repair_id, approved=True, reasons="公示无异议", decided_on=date(2025, 2, 13))

    record = service.record(record_id)
    assert (record.status, record.published, record.archived) == (REPAIRED, False, True)
    assert service.as_of(record_id, 1).status == IN_FORCE
    assert service.list_entry(black_id).status == "exited"
    # CS-2.7, JY-17: the tax bureau repaired; the credit office, not the bureau, pushes the lift
    assert service.sanction(case_id).status == FED_BACK
    assert [(d["sanction_id"], d["action"]) for d in service.lifts_due()] == [(case_id, "lift")]
    assert service.push_due_lifts(CREDIT, reason="信用修复", pushed_on=date(2025, 2, 13)) == [case_id]
    assert service.sanction(case_id).status == LIFT_PUSHED and service.lifts_due() == []
    service.confirm_lift(BANKS, sanction_id=case_id, confirmed_on=date(2025, 2, 13))
    assert service.sanction(case_id).status == LIFTED

    clock.day = date(2026, 6, 1)
    count = ledger.event_count()
    assert service.sweep(CREDIT) == [] and ledger.event_count() == count  # nothing left to expire
