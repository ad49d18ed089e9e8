"""HA narrative: a food company's serious dishonesty, its legal representative (NT-PCI-29), prior notice and
decision document (HA-4.1), an empty measure list (HA-4.2), correction and free repair everywhere (HA-5.1)."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.record import IN_FORCE, REPAIRED

MARKET = actor("ha-market-supervision", "chen")
NDRC = actor("ha-ndrc", "xu")
PENALTY = basis(date(2023, 2, 20), "淮市监罚〔2023〕21号", "淮安市市场监督管理局")


def test_ha_2_2_to_5_1_food_company_listed_and_repaired(service, ledger, clock) -> None:
    clock.day = date(2023, 3, 1)
    company = service.register_organisation(MARKET, name="淮安某食品有限公司", uscc=credit_code(2))
    boss = service.register_person(MARKET, name="王五", id_number=person_id(date(1975, 1, 30), 2))
    service.link_responsible_person(MARKET, organisation_id=company, person_id=boss, role="legal_representative")
    assert service.subject(company).responsible_persons() == [(boss, "legal_representative")]

    record_id = service.record_dishonesty(
        MARKET, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1", tier="serious", basis=PENALTY,
        act_date=date(2023, 1, 15), determination_date=date(2023, 2, 20), summary="生产销售不符合食品安全标准的食品",
    )
    record = service.record(record_id)
    assert (record.valid_until, record.published, record.determining_unit) == (None, True, "ha-market-supervision")
    # The HA plan does not extend a legal person's record to its legal representative (NT-PCI-29 is Nantong's)
    assert service.records_of(boss) == []

    # HA-4.1: prior notice (10 working days to answer), decision document, credit office confirms
    entry_id = service.draft_list_entry(MARKET, profile_id="HA", subject_id=company, list_code="black",
                                        list_field="health_life", record_ids=[record_id], drafted_on=date(2023, 3, 1),
                                        reason="严重危害人民群众身体健康")
    with pytest.raises(RuleViolation) as no_notice:
        service.confirm_list_entry(NDRC, list_entry_id=entry_id, confirmed_on=date(2023, 3, 1),
                                   decision=doc(date(2023, 3, 1)))
    assert (no_notice.value.rule_id, no_notice.value.field) == ("HA-4.1", "prior_notice")
    clock.day = date(2023, 3, 27)
    service.give_prior_notice(MARKET, list_entry_id=entry_id, notice_on=date(2023, 3, 10),
                              content="拟列入严重失信主体名单的事由、依据和陈述申辩权利")
    assert service.list_entry(entry_id).notice["answer_deadline"]["due"] == date(2023, 3, 24)
    service.confirm_list_entry(NDRC, list_entry_id=entry_id, confirmed_on=date(2023, 3, 27),
                               decision=doc(date(2023, 3, 27), "淮信认〔2023〕5号"))
    entry = service.list_entry(entry_id)
    assert (entry.status, entry.valid_until, entry.decision["document"]["number"]) == (
        "confirmed", None, "淮信认〔2023〕5号")

    # HA-4.2: the HA profile carries no measure list of its own: every push is refused
    count = ledger.event_count()
    with pytest.raises(RuleViolation) as no_list:
        service.push_sanction(NDRC, source_id=entry_id, measure_id="CS-M-01", pushed_on=date(2023, 3, 27))
    assert (no_list.value.rule_id, no_list.value.field, ledger.event_count()) == ("HA-4.2", "measure_id", count)

    # objection upheld without a profile deadline; the correction keeps the original in history
    objection_id = service.file_objection(MARKET, record_id=record_id, grounds="wrong_or_incomplete",
                                          statement="处罚机关名称不完整", filed_on=date(2023, 3, 20))
    assert service.objection(objection_id).answer_deadline is None
    service.decide_objection(MARKET, objection_id=objection_id, upheld=True, reasons="名称不完整",
                             decided_on=date(2023, 3, 24))
    full = dict(PENALTY, issuer="淮安市市场监督管理局（食品安全处）")
    service.apply_correction(MARKET, objection_id=objection_id, changes={"basis": full}, applied_on=date(2023, 3, 27))
    assert service.record(record_id).basis["issuer"].endswith("（食品安全处）")
    assert service.as_of(record_id, 1).basis["issuer"] == "淮安市市场监督管理局"

    # HA-5.1: free repair, one application repairs the company's and the representative's records
    clock.day = date(2023, 4, 20)
    repair_id = service.apply_for_repair(MARKET, record_id=record_id, applied_on=date(2023, 4, 10),
                                         corrected_on=date(2023, 4, 1))
    service.give_repair_opinion(MARKET, repair_id=repair_id, favourable=True, given_on=date(2023, 4, 12),
                                opinion=doc(date(2023, 4, 12), "淮市监修〔2023〕2号", "已整改到位"))
    service.decide_repair(MARKET, repair_id=repair_id, approved=True, reasons="整改到位", decided_on=date(2023, 4, 20))
    assert {r.status for r in service.records_of(company)} == {REPAIRED}
    assert service.list_entry(entry_id).status == "exited"
    assert service.as_of(record_id, 1).status == IN_FORCE
    service.announce_exit(NDRC, list_entry_id=entry_id, channel="信用淮安网站", announced_on=date(2023, 4, 20))
    assert service.list_entry(entry_id).exit_announcement["channel"] == "信用淮安网站"
