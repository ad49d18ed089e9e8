"""Objections to list entries: in publicity (JY-6.1), after a prior notice (HA-4.1), once listed (NT-PCI-31,
JY-24). Flagged while pending, never suspended (NT-PCI-32, LYG-17); no confirmation until settled (JY-6.2)."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.objection import AGENT, CORRECTED, LIST_ENTRY, REJECTED
from domain.service import CreditService

JY_MARKET = actor("jy-market-supervision")
JY_CREDIT = actor("jy-credit-office")
HA_MARKET = actor("ha-market-supervision")
HA_NDRC = actor("ha-ndrc")
NT_TAX = actor("nt-tax-bureau")
NT_CREDIT = actor("nt-credit-office")
NT_CENTRE = actor("nt-credit-centre")


def refused(ledger, command) -> RuleViolation:  # type: ignore[no-untyped-def]
    """Run a command that must be refused; nothing may be stored."""
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as error:
        command()
    assert ledger.event_count() == before
    return error.value


def test_jy_6_1_objection_in_red_list_publicity_blocks_confirmation_until_answered(service, ledger, clock) -> None:
    clock.day = date(2025, 4, 1)
    company = service.register_organisation(JY_MARKET, name="江阴某守信公司", uscc=credit_code(61))
    entry = service.draft_list_entry(JY_MARKET, profile_id="JY", subject_id=company, list_code="red",
                                     drafted_on=date(2025, 3, 3), reason="纳税信用A级")
    service.publicise_list_entry(JY_CREDIT, list_entry_id=entry, channel="信用江阴", start=date(2025, 3, 4),
                                 end=date(2025, 3, 11))
    authorisation = doc(date(2025, 3, 5), "委托〔2025〕1号", "委托律师代为提出异议")
    objection = service.file_list_entry_objection(
        JY_CREDIT, list_entry_id=entry, grounds="wrong_or_incomplete", statement="名单信息不完整",
        filed_on=date(2025, 3, 6), filed_by=AGENT, authorisation=authorisation)
    filed = service.objection(objection)
    assert (filed.target_kind, filed.list_entry_id, filed.record_id, filed.handler_unit) == (
        LIST_ENTRY, entry, None, "jy-market-supervision")
    assert (filed.filed_by, filed.authorisation["number"]) == (AGENT, "委托〔2025〕1号")
    listed = service.list_entry(entry)
    assert listed.flags == [str(objection)] and listed.status == "publicised"  # flagged, not suspended
    assert service.objections_of(company)[0].id == objection

    blocked = refused(ledger, lambda: service.confirm_list_entry(JY_CREDIT, list_entry_id=entry,
                                                                 confirmed_on=date(2025, 3, 20)))
    assert (blocked.rule_id, blocked.field) == ("JY-6.1", "list_entry_id")
    wrong_unit = refused(ledger, lambda: service.decide_objection(
        JY_CREDIT, objection_id=objection, upheld=False, reasons="x", decided_on=date(2025, 3, 10)))
    assert (wrong_unit.rule_id, wrong_unit.field) == ("NT-PCI-4", "actor")  # the determining unit verifies

    service.decide_objection(JY_MARKET, objection_id=objection, upheld=False, reasons="信息无误",
                             decided_on=date(2025, 3, 10))
    assert service.objection(objection).status == REJECTED and service.list_entry(entry).flags == []
    service.confirm_list_entry(JY_CREDIT, list_entry_id=entry, confirmed_on=date(2025, 3, 20))
    assert service.list_entry(entry).status == "confirmed"


def ha_draft(service: CreditService, seed: int) -> tuple[object, object]:
    """An HA company with a serious record, drafted for the black list (HA-4.1)."""
    company = service.register_organisation(HA_MARKET, name="淮安某公司", uscc=credit_code(seed))
    record = service.record_dishonesty(HA_MARKET, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1",
                                       tier="serious", basis=basis(date(2025, 3, 3)), act_date=date(2025, 2, 1),
                                       determination_date=date(2025, 3, 3))
    entry = service.draft_list_entry(HA_MARKET, profile_id="HA", subject_id=company, list_code="black",
                                     list_field="health_life", record_ids=[record], drafted_on=date(2025, 3, 4),
                                     reason="严重失信")
    return company, entry


def ha_noticed_draft(service: CreditService, seed: int) -> tuple[object, object]:
    """An HA company with a serious record, drafted for the black list and given prior notice (HA-4.1)."""
    company, entry = ha_draft(service, seed)
    service.give_prior_notice(HA_MARKET, list_entry_id=entry, notice_on=date(2025, 3, 5), content="事前告知")
    return company, entry


def test_ha_4_1_objection_after_prior_notice_is_answered_in_10_working_days_and_withdraws_the_draft(
        service, ledger, clock) -> None:
    clock.day = date(2025, 4, 30)
    company, entry = ha_noticed_draft(service, 62)
    objection = service.file_list_entry_objection(HA_NDRC, list_entry_id=entry, grounds="wrong_or_incomplete",
                                                  statement="行为不属于严重失信", filed_on=date(2025, 3, 6))
    deadline = service.objection(objection).answer_deadline
    assert (deadline["rule_id"], deadline["kind"], deadline["due"]) == ("HA-4.1", "working", date(2025, 3, 20))
    assert service.overdue(date(2025, 3, 20)) == []
    [late] = service.overdue(date(2025, 3, 21))
    assert (late["kind"], late["step"], late["unit"], late["days_late"]) == ("Objection", "decision",
                                                                            "ha-market-supervision", 1)
    service.decide_objection(HA_MARKET, objection_id=objection, upheld=True, reasons="核实有误",
                             decided_on=date(2025, 3, 18))
    edit = refused(ledger, lambda: service.apply_correction(
        HA_MARKET, objection_id=objection, changes={"reason": "x", "list_field": "tax"}, applied_on=date(2025, 3, 19)))
    assert (edit.rule_id, edit.field) == ("NT-PCI-32", "changes")
    service.apply_correction(HA_MARKET, objection_id=objection, changes={"reason": "异议成立，不予认定"},
                             applied_on=date(2025, 3, 19))
    withdrawn = service.list_entry(entry)
    assert (withdrawn.status, withdrawn.flags) == ("exited", [])
    assert withdrawn.closing["reason"] == "objection upheld: 异议成立，不予认定"
    assert service.objection(objection).status == CORRECTED and service.overdue(date(2025, 4, 30)) == []


def test_jy_24_upheld_objection_to_a_confirmed_black_entry_revokes_it_with_a_written_apology(
        service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    person = service.register_person(NT_TAX, name="孙八", id_number=person_id(date(1975, 5, 5), 63))
    record = service.record_dishonesty(NT_TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2025, 5, 8)), act_date=date(2025, 5, 1),
                                       determination_date=date(2025, 5, 10))
    entry = service.draft_list_entry(NT_TAX, profile_id="NT", subject_id=person, list_code="black",
                                     record_ids=[record], drafted_on=date(2025, 5, 12), reason="严重失信")
    service.confirm_list_entry(NT_CREDIT, list_entry_id=entry, confirmed_on=date(2025, 5, 12))
    objection = service.file_list_entry_objection(NT_CREDIT, list_entry_id=entry, grounds="wrong_or_incomplete",
                                                  statement="认定主体错误", filed_on=date(2025, 6, 2))
    assert service.list_entry(entry).in_force  # NT-PCI-32: still published and used
    service.decide_objection(NT_TAX, objection_id=objection, upheld=True, reasons="主体错误",
                             decided_on=date(2025, 6, 9))
    by_provider = refused(ledger, lambda: service.apply_correction(NT_TAX, objection_id=objection, changes={
        "reason": "主体错误", "apology": doc(date(2025, 6, 10), "通税歉〔2025〕1号", "误列黑名单")},
        applied_on=date(2025, 6, 10)))
    assert (by_provider.rule_id, by_provider.field) == ("NT-PCI-32", "actor")  # the centre corrects
    no_apology = refused(ledger, lambda: service.apply_correction(
        NT_CENTRE, objection_id=objection, changes={"reason": "主体错误"}, applied_on=date(2025, 6, 10)))
    assert (no_apology.rule_id, no_apology.field) == ("JY-24", "changes.apology")
    service.apply_correction(NT_CENTRE, objection_id=objection, applied_on=date(2025, 6, 10), changes={
        "reason": "主体错误", "apology": doc(date(2025, 6, 10), "通税歉〔2025〕1号", "误列黑名单，书面道歉")})
    revoked = service.list_entry(entry)
    assert revoked.status == "revoked" and revoked.closing["apology"]["number"] == "通税歉〔2025〕1号"
    assert service.record(record).in_force  # the record path is separate: only the listing was wrong
    assert service.objection(objection).correction["fields"] == ["apology", "reason"]


def test_nt_pci_31_no_objection_to_an_entry_that_has_ended(service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    person = service.register_person(NT_TAX, name="周九", id_number=person_id(date(1977, 7, 7), 64))
    entry = service.draft_list_entry(NT_TAX, profile_id="NT", subject_id=person, list_code="key_attention",
                                     list_field="tax", drafted_on=date(2025, 6, 1), reason="重点关注")
    service.confirm_list_entry(NT_CREDIT, list_entry_id=entry, confirmed_on=date(2025, 6, 1))
    service.exit_list_entry(NT_CREDIT, list_entry_id=entry, reason="整改", exited_on=date(2025, 6, 2))
    ended = refused(ledger, lambda: service.file_list_entry_objection(
        NT_CREDIT, list_entry_id=entry, grounds="beyond_validity", statement="已退出", filed_on=date(2025, 6, 3)))
    assert (ended.rule_id, ended.field) == ("NT-PCI-31", "list_entry_id")
    active = service.draft_list_entry(NT_TAX, profile_id="NT", subject_id=person, list_code="key_attention",
                                      list_field="environment", drafted_on=date(2025, 6, 3), reason="重点关注")
    outsider = refused(ledger, lambda: service.file_list_entry_objection(
        actor("nt-hrss"), list_entry_id=active, grounds="wrong_or_incomplete", statement="x",
        filed_on=date(2025, 6, 4)))
    assert (outsider.rule_id, outsider.field) == ("NT-PCI-32", "actor")


def test_ha_4_1_next_steps_never_offer_a_confirmation_before_the_prior_notice(service, clock) -> None:
    """Issue 16.2: the steps a page offers come from the entry's own guards; an HA black-list draft offers the
    prior notice and no confirmation; once noticed it offers the confirmation and no second notice."""
    clock.day = date(2025, 4, 30)
    _company, entry = ha_draft(service, 63)
    profile = service.profiles["HA"]
    assert service.list_entry(entry).next_steps(profile, clock.day) == ["notice", "exit"]
    service.give_prior_notice(HA_MARKET, list_entry_id=entry, notice_on=date(2025, 3, 5), content="事前告知")
    assert service.list_entry(entry).next_steps(profile, clock.day) == ["confirm", "exit"]
    service.exit_list_entry(HA_NDRC, list_entry_id=entry, reason="不予认定", exited_on=date(2025, 3, 6))
    assert service.list_entry(entry).next_steps(profile, clock.day) == ["announce"]
