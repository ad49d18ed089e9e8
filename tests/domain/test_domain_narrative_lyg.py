"""LYG narrative: a petitioner from reminder to black list, sanctions, objection and LYG-18 automatic repair."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, doc, person_id

from domain.errors import RuleViolation
from domain.record import EXPIRED, IN_FORCE
from domain.sanction import FED_BACK, LIFT_PUSHED, LIFTED, WITHDRAWN

BUREAU = actor("lyg-petition-bureau", "wang")
CREDIT = actor("lyg-credit-office", "li")
HRSS = actor("lyg-hrss", "zhao")
PETITION_ANSWER = basis(date(2019, 2, 25), "连信访复〔2019〕12号", "连云港市信访局", "other_statutory")


def test_lyg_4_to_18_petitioner_from_reminder_to_automatic_repair(service, ledger, clock) -> None:
    clock.day = date(2019, 3, 1)
    subject_id = service.register_person(BUREAU, name="张三丰", id_number=person_id(date(1970, 4, 2)),
                                         address="连云港市海州区", telephone="13800000000")
    subject = service.subject(subject_id)
    assert subject.age_on(date(2019, 3, 1)) == 48 and subject.masked()["name"] == "张**"

    # LYG-7 general dishonesty, LYG-8 reminder and interview
    record_id = service.record_dishonesty(
        BUREAU, profile_id="LYG", subject_id=subject_id, behaviour_code="LYG-7.4", tier="general",
        basis=PETITION_ANSWER, act_date=date(2019, 2, 20), determination_date=date(2019, 3, 1),
    )
    record = service.record(record_id)
    assert (record.tier, record.valid_until, record.disclosure, record.published) == (
        "general", None, "government_shared", False)
    clock.day = date(2019, 3, 20)
    service.register_reminder(BUREAU, record_id=record_id, on=date(2019, 3, 5), method="书面", content="信用提醒书")
    service.register_interview(BUREAU, record_id=record_id, on=date(2019, 3, 20), method="约谈",
                               content="诚信约谈，未到场", attended=False)
    assert [c["kind"] for c in service.record(record_id).contacts] == ["reminder", "interview"]

    # LYG-9 (1) more serious after the missed interview, LYG-12 serious: 5-year validity (LYG-13b)
    clock.day = date(2019, 5, 10)
    service.escalate(BUREAU, record_id=record_id, behaviour_code="LYG-9.1", determination_date=date(2019, 4, 1),
                     basis=PETITION_ANSWER, reason="约谈未到场")
    service.escalate(BUREAU, record_id=record_id, behaviour_code="LYG-12.2", determination_date=date(2019, 5, 10),
                     basis=basis(date(2019, 5, 8), "京公训〔2019〕3号", "北京市公安局", "other_statutory"),
                     reason="进京非正常上访被训诫")
    record = service.record(record_id)
    assert (record.tier, record.valid_until, record.published) == ("serious", date(2024, 5, 10), True)
    assert service.as_of(record_id, 1).tier == "general"  # the history keeps every step

    # LYG-13b black list, confirmed by the credit office
    clock.day = date(2019, 6, 1)
    entry_id = service.draft_list_entry(BUREAU, profile_id="LYG", subject_id=subject_id, list_code="black",
                                        record_ids=[record_id], drafted_on=date(2019, 5, 20), reason="严重信访失信")
    service.confirm_list_entry(CREDIT, list_entry_id=entry_id, confirmed_on=date(2019, 6, 1),
                               decision=doc(date(2019, 6, 1), "连信用认〔2019〕1号"))
    entry = service.list_entry(entry_id)
    assert (entry.status, entry.valid_until) == ("confirmed", date(2024, 6, 1))

    # LYG-13a sanctions: pushed, acknowledged, applied, fed back; a LYG-10 measure does not fit (HA-4.2)
    exam_ban = service.push_sanction(CREDIT, source_id=entry_id, measure_id="LYG-M-13a.4", pushed_on=date(2019, 6, 1))
    no_accept = service.push_sanction(CREDIT, source_id=record_id, measure_id="LYG-M-13a.9",
                                      pushed_on=date(2019, 6, 1))
    with pytest.raises(RuleViolation) as refused:
        service.push_sanction(CREDIT, source_id=record_id, measure_id="LYG-M-10.1", pushed_on=date(2019, 6, 1))
    assert (refused.value.rule_id, refused.value.field) == ("HA-4.2", "measure_id")
    clock.day = date(2019, 6, 20)
    service.acknowledge_sanction(HRSS, sanction_id=exam_ban, acknowledged_on=date(2019, 6, 3))
    service.apply_sanction(HRSS, sanction_id=exam_ban, case={
        "number": "人社考〔2019〕88号", "date": date(2019, 6, 15), "description": "公务员考试报名不予通过"})
    service.feed_back_sanction(HRSS, sanction_id=exam_ban, report="已实施 1 例", fed_back_on=date(2019, 6, 20))
    case = service.sanction(exam_ban)
    assert (case.status, case.department, len(case.cases)) == (FED_BACK, "lyg-hrss", 1)

    # LYG-14/15 objection to the determining unit, 30 days; LYG-17 no suspension
    clock.day = date(2019, 7, 20)
    objection_id = service.file_objection(BUREAU, record_id=record_id, grounds="wrong_or_incomplete",
                                          statement="本人未被训诫", filed_on=date(2019, 7, 1))
    objection = service.objection(objection_id)
    assert objection.answer_deadline["due"] == date(2019, 7, 31)
    assert objection.answer_deadline["kind"] == "natural"
    record = service.record(record_id)
    assert record.flags == [str(objection_id)] and record.published and record.in_force
    assert service.sanction(no_accept).in_force
    with pytest.raises(RuleViolation) as wrong_unit:
        service.decide_objection(CREDIT, objection_id=objection_id, upheld=False, reasons="核实无误",
                                 decided_on=date(2019, 7, 20))
    assert (wrong_unit.value.rule_id, wrong_unit.value.field) == ("NT-PCI-4", "actor")
    service.decide_objection(BUREAU, objection_id=objection_id, upheld=False, reasons="训诫书在案，核实无误",
                             decided_on=date(2019, 7, 20))
    assert service.record(record_id).flags == [] and service.objection(objection_id).status == "rejected"

    # LYG-18: the validity ends, the system repairs automatically; sanctions lifted; run twice
    clock.day = date(2024, 5, 11)
    assert service.sweep(CREDIT) == [record_id]
    record = service.record(record_id)
    assert (record.status, record.closing["automatic_repair"], record.published) == (EXPIRED, True, False)
    assert service.list_entry(entry_id).status == "exited"
    # JY-17: the lift goes to the department that applied; the push never applied is withdrawn
    assert [service.sanction(i).status for i in (exam_ban, no_accept)] == [LIFT_PUSHED, WITHDRAWN]
    count = ledger.event_count()
    assert service.sweep(CREDIT) == [] and ledger.event_count() == count
    service.confirm_lift(HRSS, sanction_id=exam_ban, confirmed_on=date(2024, 5, 11))
    assert service.sanction(exam_ban).status == LIFTED
    assert service.as_of(record_id, 1).status == IN_FORCE  # archived, never deleted (NT-PCI-35)
