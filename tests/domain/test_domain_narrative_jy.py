"""JY narrative: red list (JY-6.1), black list removes it (JY-6.2), sanctions reach the legal representative,
repair exits the black list, exit announced through the original channel (JY-17); JY-24 revocation."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.record import REPAIRED, REVOKED
from domain.sanction import FED_BACK, LIFT_PUSHED, LIFTED, PUSHED, WITHDRAWN

MARKET = actor("jy-market-supervision", "he")
CREDIT = actor("jy-credit-office", "lv")
DEPTS = actor("jy-relevant-departments", "shi")
CHANNEL = "信用江阴网站"
PENALTY = basis(date(2024, 5, 20), "澄市监罚〔2024〕9号", "江阴市市场监督管理局")


def company_with_boss(service, seed: int) -> tuple:
    company = service.register_organisation(MARKET, name=f"江阴某化工有限公司{seed}", uscc=credit_code(seed))
    boss = service.register_person(MARKET, name="赵六", id_number=person_id(date(1968, 3, 3), seed))
    service.link_responsible_person(MARKET, organisation_id=company, person_id=boss, role="legal_representative")
    return company, boss


def black_list(service, company, record_id) -> object:
    entry_id = service.draft_list_entry(MARKET, profile_id="JY", subject_id=company, list_code="black",
                                        list_field="health_life", record_ids=[record_id], drafted_on=date(2024, 5, 21),
                                        reason="严重危害人民群众身体健康")
    service.publicise_list_entry(CREDIT, list_entry_id=entry_id, channel=CHANNEL, start=date(2024, 5, 22))
    service.give_prior_notice(MARKET, list_entry_id=entry_id, notice_on=date(2024, 5, 27), content="事前告知书")
    service.confirm_list_entry(CREDIT, list_entry_id=entry_id, confirmed_on=date(2024, 6, 3),
                               decision=doc(date(2024, 6, 3), "澄信认〔2024〕4号"))
    return entry_id


def record(service, company) -> object:
    return service.record_dishonesty(
        MARKET, profile_id="JY", subject_id=company, behaviour_code="JY-4.1", tier="serious", basis=PENALTY,
        act_date=date(2024, 4, 2), determination_date=date(2024, 5, 20),
    )


def test_jy_6_to_23_red_then_black_then_repaired(service, ledger, clock) -> None:
    clock.day = date(2024, 5, 13)
    company, boss = company_with_boss(service, 3)
    red_id = service.draft_list_entry(CREDIT, profile_id="JY", subject_id=company, list_code="red",
                                      drafted_on=date(2024, 5, 6), reason="纳税信用A级")
    with pytest.raises(RuleViolation) as unpublicised:
        service.confirm_list_entry(CREDIT, list_entry_id=red_id, confirmed_on=date(2024, 5, 13))
    assert (unpublicised.value.rule_id, unpublicised.value.field) == ("JY-6.1", "publicity")
    service.publicise_list_entry(CREDIT, list_entry_id=red_id, channel=CHANNEL, start=date(2024, 5, 6),
                                 end=date(2024, 5, 12))
    service.confirm_list_entry(CREDIT, list_entry_id=red_id, confirmed_on=date(2024, 5, 13))
    assert service.list_entry(red_id).in_force

    clock.day = date(2024, 6, 3)
    record_id = record(service, company)
    entry_id = black_list(service, company, record_id)
    red = service.list_entry(red_id)
    assert (red.status, red.closing["reason"].startswith("black list confirmed")) == ("exited", True)  # JY-6.2

    # JY-16 measures; JY-M-11.9 also reaches the legal representative (CS-2.1, NT-PCI-29)
    bid_ban = service.push_sanction(CREDIT, source_id=entry_id, measure_id="JY-M-11.9", pushed_on=date(2024, 6, 3))
    [boss_case] = service.sanctions_of(boss)
    assert (boss_case.origin_case_id, boss_case.target, boss_case.source_id) == (bid_ban, "legal_representative", entry_id)
    clock.day = date(2024, 7, 1)
    service.acknowledge_sanction(DEPTS, sanction_id=bid_ban, acknowledged_on=date(2024, 6, 4))
    service.apply_sanction(DEPTS, sanction_id=bid_ban, case={"number": "澄采〔2024〕33号", "date": date(2024, 6, 20),
                                                              "description": "政府采购投标资格不予通过"})
    service.feed_back_sanction(DEPTS, sanction_id=bid_ban, report="已限制 1 次投标", fed_back_on=date(2024, 7, 1))

    # objection rejected by the determining unit; publication and sanctions went on
    objection_id = service.file_objection(CREDIT, record_id=record_id, grounds="beyond_validity",
                                          statement="已整改", filed_on=date(2024, 6, 10))
    service.decide_objection(MARKET, objection_id=objection_id, upheld=False, reasons="仍在有效期内",
                             decided_on=date(2024, 6, 20))
    assert service.sanction(bid_ban).in_force and service.record(record_id).published

    # JY-23 repair with public service; the black entry exits, every case lifted, exit announced
    clock.day = date(2024, 9, 2)
    repair_id = service.apply_for_repair(MARKET, record_id=record_id, applied_on=date(2024, 8, 20),
                                         corrected_on=date(2024, 8, 1), public_service=["志愿服务 40 小时"])
    service.give_repair_opinion(MARKET, repair_id=repair_id, favourable=True, given_on=date(2024, 8, 26),
                                opinion=doc(date(2024, 8, 26), "澄市监修〔2024〕1号", "同意修复"))
    service.decide_repair(MARKET, repair_id=repair_id, approved=True, reasons="整改到位", decided_on=date(2024, 9, 2))
    assert {r.status for r in service.records_of(company) + service.records_of(boss)} == {REPAIRED}
    entry = service.list_entry(entry_id)
    assert (entry.status, entry.closing["monitoring_after_exit"]) == ("exited", True)  # JY-17 key monitoring
    # JY-23: the repair, public service included, is the exit's reference
    assert entry.closing["repairs"] == [{"repair_id": str(repair_id), "record_id": str(record_id),
                                         "public_service": ["志愿服务 40 小时"], "approved_on": date(2024, 9, 2)}]
    cases = service.sanctions_of(company) + service.sanctions_of(boss)
    # JY-17: the credit office pushes lifts only to departments that applied a measure; the rest are withdrawn
    assert {service.sanction(c.id).status for c in cases} == {FED_BACK, PUSHED}
    service.push_due_lifts(CREDIT, reason="信用修复，退出黑名单", pushed_on=date(2024, 9, 2))
    lifted = [c for c in cases if c.applied]
    assert lifted and {service.sanction(c.id).status for c in lifted} == {LIFT_PUSHED}
    assert {service.sanction(c.id).status for c in cases if not c.applied} == {WITHDRAWN}
    for case in lifted:
        service.confirm_lift(DEPTS, sanction_id=case.id, confirmed_on=date(2024, 9, 2))
    assert {service.sanction(c.id).status for c in cases} == {LIFTED, WITHDRAWN}
    with pytest.raises(RuleViolation) as other_channel:
        service.announce_exit(CREDIT, list_entry_id=entry_id, channel="江阴日报", announced_on=date(2024, 9, 2))
    assert (other_channel.value.rule_id, other_channel.value.field) == ("JY-17", "channel")
    service.announce_exit(CREDIT, list_entry_id=entry_id, channel=CHANNEL, announced_on=date(2024, 9, 2))
    assert service.list_entry(entry_id).exit_announcement == {"channel": CHANNEL, "on": date(2024, 9, 2)}


def test_jy_24_wrongly_black_listed_revoked_with_written_apology(service, ledger, clock) -> None:
    clock.day = date(2024, 6, 10)
    company, boss = company_with_boss(service, 4)
    record_id = record(service, company)
    entry_id = black_list(service, company, record_id)
    case_id = service.push_sanction(CREDIT, source_id=entry_id, measure_id="JY-M-11.1", pushed_on=date(2024, 6, 3))
    count = ledger.event_count()
    with pytest.raises(RuleViolation) as no_apology:
        service.revoke_erroneous(MARKET, target_id=record_id, reason="认定主体错误", revoked_on=date(2024, 6, 10))
    assert (no_apology.value.rule_id, no_apology.value.field, ledger.event_count()) == ("JY-24", "apology", count)
    apology = doc(date(2024, 6, 10), "澄市监致〔2024〕1号", "因认定主体错误，特此书面致歉并恢复名誉")
    service.revoke_erroneous(MARKET, target_id=record_id, reason="认定主体错误", revoked_on=date(2024, 6, 10),
                             apology=apology)
    assert {r.status for r in service.records_of(company) + service.records_of(boss)} == {REVOKED}
    entry = service.list_entry(entry_id)
    assert (entry.status, entry.closing["apology"]["number"]) == ("revoked", "澄市监致〔2024〕1号")
    # JY-17: never applied, so the credit office withdraws the push instead of sending a lift
    assert service.sanction(case_id).status == PUSHED
    with pytest.raises(RuleViolation) as no_lift:
        service.push_lift(CREDIT, sanction_id=case_id, reason="撤销", pushed_on=date(2024, 6, 10))
    assert (no_lift.value.rule_id, no_lift.value.field) == ("JY-17", "sanction_id")
    service.withdraw_sanction(CREDIT, sanction_id=case_id, reason="错误列入已撤销", withdrawn_on=date(2024, 6, 10))
    assert service.sanction(case_id).status == WITHDRAWN and not service.sanction(case_id).open
    assert service.record(record_id).closing["apology"]["text"].startswith("因认定主体错误")
