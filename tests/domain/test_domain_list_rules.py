"""Red and black list rules: JY-6.1 (a black entry being determined blocks red listing; JY red publicity has a
period; NT's red list excludes black-listed subjects) and NT-JRP-3 (serious dishonesty while on key attention
moves the subject to the black list)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain_helpers import actor, basis, credit_code, doc, person_id, refused

from domain.policy import load_profile
from domain.service import CreditService

MARKET, JY_CREDIT = actor("jy-market-supervision"), actor("jy-credit-office")
TAX, NT_CREDIT = actor("nt-tax-bureau"), actor("nt-credit-office")
CHANNEL = "信用江阴网站"




def jy_company_with_black_draft(service: CreditService, seed: int) -> tuple[Any, Any]:
    company = service.register_organisation(MARKET, name=f"江阴某公司{seed}", uscc=credit_code(seed))
    record = service.record_dishonesty(
        MARKET, profile_id="JY", subject_id=company, behaviour_code="JY-4.1", tier="serious",
        basis=basis(date(2024, 5, 20), "澄市监罚〔2024〕9号"), act_date=date(2024, 4, 2),
        determination_date=date(2024, 5, 20))
    black = service.draft_list_entry(MARKET, profile_id="JY", subject_id=company, list_code="black",
                                     list_field="health_life", record_ids=[record], drafted_on=date(2024, 5, 21),
                                     reason="严重危害人民群众身体健康")
    return company, black


def test_jy_6_1_a_drafted_or_noticed_black_entry_blocks_red_listing(service, ledger, clock) -> None:
    clock.day = date(2024, 6, 3)
    company, black = jy_company_with_black_draft(service, 91)
    red = dict(profile_id="JY", subject_id=company, list_code="red", drafted_on=date(2024, 5, 28), reason="纳税A级")
    assert refused(ledger, service.draft_list_entry, actor=JY_CREDIT, **red) == ("JY-6.1", "subject_id")  # drafted
    service.give_prior_notice(MARKET, list_entry_id=black, notice_on=date(2024, 5, 27), content="事前告知书")
    assert service.list_entry(black).status == "noticed"
    assert refused(ledger, service.draft_list_entry, actor=JY_CREDIT, **red) == ("JY-6.1", "subject_id")  # noticed
    service.exit_list_entry(MARKET, list_entry_id=black, reason="不予认定", exited_on=date(2024, 5, 28))
    assert service.draft_list_entry(JY_CREDIT, **red)  # no black entry any more


def test_jy_6_1_a_black_draft_after_the_red_draft_blocks_its_confirmation(service, ledger, clock) -> None:
    clock.day = date(2024, 6, 3)
    company = service.register_organisation(MARKET, name="江阴某公司92", uscc=credit_code(92))
    red = service.draft_list_entry(JY_CREDIT, profile_id="JY", subject_id=company, list_code="red",
                                   drafted_on=date(2024, 5, 6), reason="纳税A级")
    service.publicise_list_entry(JY_CREDIT, list_entry_id=red, channel=CHANNEL, start=date(2024, 5, 6),
                                 end=date(2024, 5, 12))
    service.record_dishonesty(MARKET, profile_id="JY", subject_id=company, behaviour_code="JY-4.1", tier="serious",
                              basis=basis(date(2024, 5, 20)), act_date=date(2024, 4, 2),
                              determination_date=date(2024, 5, 20))
    [record] = service.records_of(company)
    service.draft_list_entry(MARKET, profile_id="JY", subject_id=company, list_code="black", list_field="health_life",
                             record_ids=[record.id], drafted_on=date(2024, 5, 21), reason="严重危害健康")
    assert refused(ledger, service.confirm_list_entry, actor=JY_CREDIT, list_entry_id=red,
                   confirmed_on=date(2024, 6, 3)) == ("JY-6.1", "subject_id")


def test_jy_6_1_jy_red_publicity_has_a_period_stated_where_the_seed_sets_none(service, ledger, clock) -> None:
    profile = load_profile("JY")
    assert profile.list_rule("red").publicity and profile.find_deadline("list_publicity") is None
    clock.day = date(2024, 5, 20)
    company = service.register_organisation(MARKET, name="江阴某公司93", uscc=credit_code(93))
    red = service.draft_list_entry(JY_CREDIT, profile_id="JY", subject_id=company, list_code="red",
                                   drafted_on=date(2024, 5, 6), reason="纳税A级")
    publicise = dict(list_entry_id=red, channel=CHANNEL, start=date(2024, 5, 6))
    assert refused(ledger, service.publicise_list_entry, actor=JY_CREDIT, **publicise) == ("JY-6.1", "end")
    assert refused(ledger, service.publicise_list_entry, actor=JY_CREDIT, end=date(2024, 5, 6),
                   **publicise) == ("JY-6.1", "end")
    service.publicise_list_entry(JY_CREDIT, end=date(2024, 5, 12), **publicise)
    assert refused(ledger, service.confirm_list_entry, actor=JY_CREDIT, list_entry_id=red,
                   confirmed_on=date(2024, 5, 12)) == ("JY-6.1", "confirmed_on")  # the last day is still publicity
    service.confirm_list_entry(JY_CREDIT, list_entry_id=red, confirmed_on=date(2024, 5, 13))
    assert service.list_entry(red).in_force


def nt_black_listed(service: CreditService, seed: int) -> tuple[Any, Any]:
    """An NT person on the black list confirmed 2024-02-01 (serious: 3 years, NT-PCI-30)."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    black = service.draft_list_entry(TAX, profile_id="NT", subject_id=person, list_code="black", record_ids=[record],
                                     drafted_on=date(2024, 2, 1), reason="严重失信")
    service.confirm_list_entry(NT_CREDIT, list_entry_id=black, confirmed_on=date(2024, 2, 1))
    return person, black


def test_jy_6_1_nt_red_list_excludes_black_listed_subjects(service, ledger, clock) -> None:
    assert load_profile("NT").list_rule("red").excludes == ("black",)
    clock.day = date(2024, 3, 1)
    person, black = nt_black_listed(service, 94)
    red = dict(profile_id="NT", subject_id=person, list_code="red", drafted_on=date(2024, 3, 1), reason="守信")
    assert refused(ledger, service.draft_list_entry, actor=NT_CREDIT, **red) == ("JY-6.1", "subject_id")
    valid_until = service.list_entry(black).valid_until
    clock.day = date.fromordinal(valid_until.toordinal() + 1)  # past its last day, before any sweep
    assert service.draft_list_entry(NT_CREDIT, **{**red, "drafted_on": clock.day})


def key_attention(service: CreditService, seed: int) -> tuple[Any, Any]:
    """An NT person on the key attention list (tax field), confirmed 2024-02-01."""
    person = service.register_person(TAX, name="王五", id_number=person_id(date(1980, 1, 2), seed))
    entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=person, list_code="key_attention",
                                     list_field="tax", drafted_on=date(2024, 1, 20), reason="tax 重点关注")
    service.confirm_list_entry(NT_CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))
    return person, entry


def nt_record(service: CreditService, person: Any, tier: str, act: date, determined: date) -> Any:
    return service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3", tier=tier,
                                     basis=basis(determined), act_date=act, determination_date=determined)


def test_nt_jrp_3_serious_dishonesty_while_on_key_attention_moves_to_the_black_list(service, clock) -> None:
    assert load_profile("NT").list_rule("key_attention").escalates_to == "black"
    clock.day = date(2024, 4, 1)
    person, attention = key_attention(service, 95)
    nt_record(service, person, "general", date(2024, 2, 10), date(2024, 3, 1))
    assert [e.list_code for e in service.list_entries_of(person)] == ["key_attention"]  # general: not moved
    record = nt_record(service, person, "serious", date(2024, 2, 10), date(2024, 3, 5))
    black = [e for e in service.list_entries_of(person) if e.list_code == "black"]
    assert len(black) == 1 and (black[0].status, black[0].record_ids) == ("drafted", [str(record)])
    assert black[0].reason.startswith("NT-JRP-3") and black[0].determining_unit == "nt-tax-bureau"
    service.confirm_list_entry(NT_CREDIT, list_entry_id=black[0].id, confirmed_on=date(2024, 4, 1))
    assert service.list_entry(attention).status == "exited"  # moved: off key attention, on the black list
    assert service.list_entry(black[0].id).in_force


def test_nt_jrp_3_an_act_before_the_listing_does_not_move_the_subject(service, clock) -> None:
    clock.day = date(2024, 4, 1)
    person, _ = key_attention(service, 96)
    nt_record(service, person, "serious", date(2024, 1, 31), date(2024, 3, 5))  # the day before confirmation
    assert [e.list_code for e in service.list_entries_of(person)] == ["key_attention"]
    nt_record(service, person, "serious", date(2024, 2, 1), date(2024, 3, 6))  # the confirmation day counts
    assert sorted(e.list_code for e in service.list_entries_of(person)) == ["black", "key_attention"]
