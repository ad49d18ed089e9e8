"""Rule fidelity B (issue 14): LYG-9 (1) after an unanswered reminder, HA-4.1 level when recording, unit scope
(JY-5), NT-PCI-29 derivation only where the profile says so, the confirmation step's own rule id, JY-20."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from domain_helpers import actor, basis, credit_code, lyg_serious_black_listing, person_id

from domain.errors import RuleViolation
from domain.policy import UnitInfo

BUREAU = actor("lyg-petition-bureau")
PETITION_ANSWER = basis(date(2025, 2, 25), "连信访复〔2025〕12号", "连云港市信访局", "other_statutory")


def _general(service, seed: int):  # type: ignore[no-untyped-def]
    person = service.register_person(BUREAU, name="钱某", id_number=person_id(date(1970, 4, 2), seed))
    return service.record_dishonesty(BUREAU, profile_id="LYG", subject_id=person, behaviour_code="LYG-7.4",
                                     tier="general", basis=PETITION_ANSWER, act_date=date(2025, 2, 20),
                                     determination_date=date(2025, 3, 1))


def _escalate(service, record_id, on: date = date(2025, 4, 1)):  # type: ignore[no-untyped-def]
    return service.escalate(BUREAU, record_id=record_id, behaviour_code="LYG-9.1", determination_date=on,
                            basis=PETITION_ANSWER, reason="提醒后未纠正")


def test_lyg_9_1_an_attended_interview_alone_is_not_enough(service, ledger, clock) -> None:
    record_id = _general(service, 301)
    service.register_interview(BUREAU, record_id=record_id, on=date(2025, 3, 10), method="约谈", content="已到场",
                               attended=True)
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        _escalate(service, record_id)
    assert (refused.value.rule_id, refused.value.field) == ("LYG-9", "behaviour_code")
    assert ledger.event_count() == before


def test_lyg_9_1_a_reminder_registered_after_the_escalation_date_does_not_count(service, clock) -> None:
    record_id = _general(service, 302)
    service.register_reminder(BUREAU, record_id=record_id, on=date(2025, 4, 2), method="书面", content="提醒书")
    with pytest.raises(RuleViolation) as refused:
        _escalate(service, record_id, date(2025, 4, 1))
    assert refused.value.rule_id == "LYG-9"
    _escalate(service, record_id, date(2025, 4, 2))  # on the reminder's day it counts
    assert service.record(record_id).tier == "more_serious"


def test_lyg_9_1_after_a_missed_interview(service, clock) -> None:
    record_id = _general(service, 303)
    service.register_interview(BUREAU, record_id=record_id, on=date(2025, 3, 10), method="约谈", content="未到场",
                               attended=False)
    _escalate(service, record_id)
    assert service.record(record_id).behaviour_code == "LYG-9.1"


def test_lyg_9_1_is_not_recorded_directly_only_by_escalation(service, ledger, clock) -> None:
    person = service.register_person(BUREAU, name="孙某", id_number=person_id(date(1970, 4, 2), 304))
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.record_dishonesty(BUREAU, profile_id="LYG", subject_id=person, behaviour_code="LYG-9.1",
                                  tier="more_serious", basis=PETITION_ANSWER, act_date=date(2025, 2, 20),
                                  determination_date=date(2025, 3, 1))
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("LYG-9", "behaviour_code", before)


def test_ha_4_1_a_serious_record_is_refused_below_county_level(service, ledger, clock) -> None:
    """The HA profile with the justice bureau as a township unit (in memory only: the published content is unchanged):
    serious needs county level or above, general does not."""
    ha = service.profiles["HA"]
    town = UnitInfo("ha-justice", "某乡镇司法所", "A township justice office", level="township")
    service.profiles["HA"] = dataclasses.replace(ha, units=dict(ha.units) | {"ha-justice": town})
    company = service.register_organisation(actor("ha-justice"), name="淮安某公司", uscc=credit_code(305))
    fields = {"profile_id": "HA", "subject_id": company, "basis": basis(date(2025, 5, 2)),
              "act_date": date(2025, 5, 1), "determination_date": date(2025, 5, 2)}
    serious = {"behaviour_code": "HA-2.3.1", "tier": "serious", **fields}
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.record_dishonesty(actor("ha-justice"), **serious)
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("HA-4.1", "actor", before)
    assert service.record_dishonesty(actor("ha-justice"), behaviour_code="HA-2.2", tier="general", **fields)
    assert service.record_dishonesty(actor("ha-relevant-departments"), **serious)


def test_jy_5_unit_scope_a_unit_the_profile_does_not_know_cannot_record(service, ledger, clock) -> None:
    person = service.register_person(BUREAU, name="李某", id_number=person_id(date(1970, 4, 2), 306))
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.record_dishonesty(actor("nt-tax-bureau"), profile_id="LYG", subject_id=person,
                                  behaviour_code="LYG-7.4", tier="general", basis=PETITION_ANSWER,
                                  act_date=date(2025, 2, 20), determination_date=date(2025, 3, 1))
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("JY-5", "actor", before)


def test_nt_pci_29_derived_records_only_where_the_profile_says_so(service, clock) -> None:
    tax = actor("nt-tax-bureau")
    company = service.register_organisation(tax, name="南通某公司", uscc=credit_code(307))
    boss = service.register_person(tax, name="冯某", id_number=person_id(date(1970, 4, 2), 307))
    manager = service.register_person(tax, name="陈某", id_number=person_id(date(1971, 4, 2), 308))
    service.link_responsible_person(tax, organisation_id=company, person_id=boss, role="legal_representative")
    service.link_responsible_person(tax, organisation_id=company, person_id=manager, role="senior_manager")
    fields = {"profile_id": "NT", "subject_id": company, "behaviour_code": "NT-PCI-12.3",
              "basis": basis(date(2025, 5, 2)), "act_date": date(2025, 5, 1), "determination_date": date(2025, 5, 2)}
    service.record_dishonesty(tax, tier="general", **fields)
    assert service.records_of(boss) == []  # NT-PCI-29: serious only
    serious = service.record_dishonesty(tax, tier="serious", **fields)
    [derived] = service.records_of(boss)
    assert (derived.origin_record_id, derived.role) == (serious, "legal_representative")
    assert service.records_of(manager) == []  # NT-PCI-10: a senior manager is basic information only


def test_jy_6_2_a_future_confirmation_date_cites_the_list_procedure(service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    tax, office = actor("nt-tax-bureau"), actor("nt-credit-office")
    person = service.register_person(tax, name="褚某", id_number=person_id(date(1970, 4, 2), 309))
    record = service.record_dishonesty(tax, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2025, 5, 2)), act_date=date(2025, 5, 1),
                                       determination_date=date(2025, 5, 2))
    entry = service.draft_list_entry(tax, profile_id="NT", subject_id=person, list_code="black", record_ids=[record],
                                     drafted_on=date(2025, 6, 1), reason="严重失信")
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.confirm_list_entry(office, list_entry_id=entry, confirmed_on=date(2025, 6, 17))
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("JY-6.2", "confirmed_on", before)
    assert service.profiles["CS"].list_rule("black").procedure_rule_id == "JY-6.2"  # not CS-2.2
    assert service.profiles["NT"].list_rule("red").procedure_rule_id == "JY-6.1"


def test_jy_20_publication_lasts_exactly_as_long_as_the_entry_is_valid(service, clock) -> None:
    clock.day = date(2019, 9, 11)  # listed while its basis is in force (NT-PCI-30)
    credit, _, _, entry_id = lyg_serious_black_listing(service, 310)
    clock.day = date(2024, 9, 11)
    entry = service.list_entry(entry_id)
    assert entry.valid_until == date(2024, 9, 10)  # LYG-13b: five years from the confirmation 2019-09-10
    assert not entry.is_due_to_expire(date(2024, 9, 10)) and entry.is_due_to_expire(date(2024, 9, 11))
    service.sweep(credit, today=date(2024, 9, 11))
    assert not service.list_entry(entry_id).in_force


def test_ha_4_2_a_minors_act_is_recorded_only_with_the_leniency_stated(service, ledger, clock) -> None:
    market = actor("ha-market-supervision")
    minor = service.register_person(market, name="韩某", id_number=person_id(date(2008, 5, 2), 311))
    fields = {"profile_id": "HA", "subject_id": minor, "behaviour_code": "HA-2.2", "tier": "general",
              "basis": basis(date(2025, 5, 3)), "act_date": date(2025, 5, 1), "determination_date": date(2025, 5, 3)}
    before = ledger.event_count()
    refusals = ((None, "leniency"), ({"grounds": ["first_offence"], "statement": "初犯"}, "leniency.grounds"),
                ({"grounds": ["minor"], "statement": " "}, "leniency.statement"))
    for leniency, field in refusals:
        with pytest.raises(RuleViolation) as refused:
            service.record_dishonesty(market, leniency=leniency, **fields)
        assert (refused.value.rule_id, refused.value.field) == ("HA-4.2", field)
    assert ledger.event_count() == before
    lenient = {"grounds": ["minor", "unintentional"], "statement": "未成年且非主观故意，从轻记录，不予公开"}
    record_id = service.record_dishonesty(market, leniency=lenient, disclosure="authorised_query", **fields)
    record = service.record(record_id)
    assert record.leniency == {**lenient, "rule_id": "HA-4.2"} and not record.published
    # one day past the 18th birthday (2026-05-02) no leniency statement is required
    adult_act = {**fields, "act_date": date(2026, 5, 2), "determination_date": date(2026, 5, 3),
                 "basis": basis(date(2026, 5, 3))}
    clock.day = date(2026, 5, 4)
    assert service.record(service.record_dishonesty(market, **adult_act)).leniency is None


def test_ha_4_2_a_profile_without_leniency_grounds_refuses_them(service, clock) -> None:
    tax = actor("nt-tax-bureau")
    person = service.register_person(tax, name="杨某", id_number=person_id(date(1980, 5, 2), 312))
    with pytest.raises(RuleViolation) as refused:
        service.record_dishonesty(tax, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                  tier="general", basis=basis(date(2025, 5, 2)), act_date=date(2025, 5, 1),
                                  determination_date=date(2025, 5, 2),
                                  leniency={"grounds": ["force_majeure"], "statement": "疫情"})
    assert (refused.value.rule_id, refused.value.field) == ("HA-4.2", "leniency")


def test_ha_4_1_prior_notice_and_publicity_only_by_the_determining_unit_or_credit_office(service, ledger,
                                                                                         clock) -> None:
    market, justice, office = actor("ha-market-supervision"), actor("ha-justice"), actor("ha-ndrc")
    company = service.register_organisation(market, name="淮安某食品公司", uscc=credit_code(313))
    record = service.record_dishonesty(market, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1",
                                       tier="serious", basis=basis(date(2025, 5, 2)), act_date=date(2025, 5, 1),
                                       determination_date=date(2025, 5, 2))
    entry = service.draft_list_entry(market, profile_id="HA", subject_id=company, list_code="black",
                                     list_field="health_life", record_ids=[record], drafted_on=date(2025, 6, 2),
                                     reason="严重危害食品安全")
    before = ledger.event_count()
    steps = ((service.give_prior_notice, {"notice_on": date(2025, 6, 3), "content": "拟列入严重失信主体名单"}, "HA-4.1"),
             (service.publicise_list_entry, {"channel": "信用淮安", "start": date(2025, 6, 3)}, "JY-6.1"))
    for step, fields, rule_id in steps:
        with pytest.raises(RuleViolation) as refused:
            step(justice, list_entry_id=entry, **fields)
        assert (refused.value.rule_id, refused.value.field) == (rule_id, "actor")
    assert ledger.event_count() == before
    service.give_prior_notice(office, list_entry_id=entry, notice_on=date(2025, 6, 3), content="拟列入名单告知")
    assert service.list_entry(entry).status == "noticed"


def test_lyg_4_the_petition_department_collects_and_submits_records_to_the_credit_office(service, ledger,
                                                                                         clock) -> None:
    record_id = _general(service, 314)
    assert record_id in [r.id for r in service.records_to_submit()]
    before = ledger.event_count()
    for who, ids, rule_field in ((actor("lyg-credit-office"), [record_id], ("LYG-4", "actor")),
                                 (BUREAU, [], ("LYG-4", "record_ids"))):
        with pytest.raises(RuleViolation) as refused:
            service.submit_records(who, record_ids=ids, submitted_on=date(2025, 6, 1))
        assert (refused.value.rule_id, refused.value.field) == rule_field
    assert ledger.event_count() == before
    service.submit_records(BUREAU, record_ids=[record_id], submitted_on=date(2025, 6, 1))
    assert service.record(record_id).submitted == {"to_unit": "lyg-credit-office", "on": date(2025, 6, 1),
                                                   "by": "lyg-petition-bureau"}
    assert record_id not in [r.id for r in service.records_to_submit()]
    with pytest.raises(RuleViolation) as twice:
        service.submit_records(BUREAU, record_ids=[record_id], submitted_on=date(2025, 6, 2))
    assert (twice.value.rule_id, twice.value.field) == ("LYG-4", "record_ids")


def test_nt_pci_4_repair_application_filed_with_the_provider_or_the_credit_office(service, ledger, clock) -> None:
    record_id = _general(service, 315)
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.apply_for_repair(actor("lyg-hrss"), record_id=record_id, applied_on=date(2025, 6, 2),
                                 corrected_on=date(2025, 3, 5))
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("NT-PCI-4", "actor", before)


def test_jy_23_public_service_is_refused_where_the_regulation_does_not_count_it(service, ledger, clock) -> None:
    assert [p for p, profile in service.profiles.items() if profile.repair.public_service_counts] == ["NT", "JY"]
    record_id = _general(service, 316)
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.apply_for_repair(BUREAU, record_id=record_id, applied_on=date(2025, 6, 2),
                                 corrected_on=date(2025, 3, 5), public_service=["志愿服务 40 小时"])
    assert (refused.value.rule_id, refused.value.field, ledger.event_count()) == ("JY-23", "public_service", before)
