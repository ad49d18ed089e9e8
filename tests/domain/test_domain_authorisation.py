"""HA-5.3 and NT-PCI-22: authorised queries need a running authorisation for one stated purpose, never for life;
NT-PCI-19: government sharing is a different class from the authorised query. Every read is registered (HA-5.2)."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, doc, person_id

from domain.errors import RuleViolation

TAX = actor("nt-tax-bureau")
CENTRE = actor("nt-credit-centre", "window")
BANK = actor("nt-financial-institutions", "loans")
PURPOSE = "个人贷款审批"


def _subject_with_items(service):  # type: ignore[no-untyped-def]
    """A person with one record of each disclosure class (NT-PCI-19)."""
    person = service.register_person(TAX, name="秦某", id_number=person_id(date(1981, 1, 1), 401))
    ids = {}
    for n, disclosure in enumerate(("public", "government_shared", "authorised_query")):
        ids[disclosure] = service.record_dishonesty(
            TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3", tier="general",
            basis=basis(date(2025, 5, 2), f"税罚〔2025〕{n}号"), act_date=date(2025, 5, 1),
            determination_date=date(2025, 5, 2), disclosure=disclosure)
    return person, ids


def _grant(service, person, **change):  # type: ignore[no-untyped-def]
    fields = {"subject_id": person, "requester": "nt-financial-institutions", "method": "written",
              "purpose": PURPOSE, "granted_on": date(2025, 6, 1), "valid_until": date(2025, 6, 30),
              "evidence": doc(date(2025, 6, 1), "授权书 001")} | change
    return service.grant_query_authorisation(CENTRE, **fields)


def test_nt_pci_22_authorised_query_shows_the_authorised_class_not_the_shared_one(service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    person, ids = _subject_with_items(service)
    granted = _grant(service, person)
    before = ledger.event_count()
    found = service.authorised_query(BANK, subject_id=person, purpose=PURPOSE, authorisation_id=granted)
    assert {r.id for r in found["records"]} == {ids["public"], ids["authorised_query"]}
    assert ledger.event_count() == before + 1  # HA-5.2: the read itself is registered
    shared = service.government_shared_query(TAX, subject_id=person, purpose="税务稽查", basis="稽查通知〔2025〕1号")
    assert {r.id for r in shared["records"]} == {ids["public"], ids["government_shared"]}
    with pytest.raises(RuleViolation) as bank:
        service.government_shared_query(BANK, subject_id=person, purpose="贷款", basis="无")
    assert (bank.value.rule_id, bank.value.field) == ("NT-PCI-19", "actor")


def test_ha_5_3_the_authorisation_runs_to_its_end_date_inclusive(service, clock) -> None:
    clock.day = date(2025, 6, 30)
    person, _ = _subject_with_items(service)
    granted = _grant(service, person)
    assert service.authorised_query(BANK, subject_id=person, purpose=PURPOSE, authorisation_id=granted)
    clock.day = date(2025, 7, 1)
    with pytest.raises(RuleViolation) as late:
        service.authorised_query(BANK, subject_id=person, purpose=PURPOSE, authorisation_id=granted)
    assert (late.value.rule_id, late.value.field) == ("HA-5.3", "authorisation_id")


@pytest.mark.parametrize(("label", "change", "rule_id", "field"), [
    ("HA-5.3 no authorisation for life", {"valid_until": None}, "HA-5.3", "valid_until"),
    ("HA-5.3 ends after it is given", {"valid_until": date(2025, 6, 1)}, "HA-5.3", "valid_until"),
    ("HA-5.3 purpose stated", {"purpose": " "}, "HA-5.3", "purpose"),
    ("NT-PCI-22 written authorisation needs its document", {"evidence": None}, "NT-PCI-22", "evidence"),
    ("NT-PCI-22 method", {"method": "phone"}, "NT-PCI-22", "method"),
])
def test_ha_5_3_bad_authorisations_are_refused_and_nothing_stored(service, ledger, clock, label, change, rule_id,
                                                                  field) -> None:
    clock.day = date(2025, 6, 16)
    person, _ = _subject_with_items(service)
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        _grant(service, person, **change)
    assert (refused.value.rule_id, refused.value.field) == (rule_id, field), label
    assert ledger.event_count() == before


def test_ha_5_3_another_purpose_requester_or_a_withdrawn_authorisation_is_refused(service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    person, _ = _subject_with_items(service)
    granted = _grant(service, person)
    before = ledger.event_count()
    cases = [(BANK, "信用卡营销", "HA-5.3", "purpose"), (actor("nt-hrss"), PURPOSE, "NT-PCI-22", "authorisation_id")]
    for who, purpose, rule_id, field in cases:
        with pytest.raises(RuleViolation) as refused:
            service.authorised_query(who, subject_id=person, purpose=purpose, authorisation_id=granted)
        assert (refused.value.rule_id, refused.value.field) == (rule_id, field)
    assert ledger.event_count() == before  # a refused query registers nothing and shows nothing
    service.withdraw_query_authorisation(CENTRE, authorisation_id=granted, withdrawn_on=date(2025, 6, 16))
    with pytest.raises(RuleViolation) as withdrawn:
        service.authorised_query(BANK, subject_id=person, purpose=PURPOSE, authorisation_id=granted)
    assert withdrawn.value.rule_id == "HA-5.3"
