"""NT-PCI-9..13: basic, positive and other information besides negative records; the catalog is the profile's."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.information import CreditInformation
from domain.policy import load_all

TAX = actor("nt-tax-bureau")
PROFILES = load_all()


def test_nt_pci_9_categories_are_basic_positive_negative_other() -> None:
    kinds = {k.kind for k in PROFILES["NT"].information.values()}
    assert kinds == {"basic", "positive", "other"}  # negative: the NT-PCI-12 behaviours, recorded as records
    assert {c.rule_id for c in PROFILES["NT"].information.values()} == {"NT-PCI-10", "NT-PCI-11", "NT-PCI-13"}
    ten = [b for b in PROFILES["NT"].behaviours.values() if b.rule_id == "NT-PCI-12"]
    assert len(ten) == 10  # NT-PCI-12: the ten kinds of negative information (the others are NT-GOV acts)


def test_nt_pci_11_positive_and_nt_pci_13_other_information_are_recorded(service, ledger, clock) -> None:
    clock.day = date(2025, 6, 16)
    person = service.register_person(TAX, name="周八", id_number=person_id(date(1980, 2, 2), 90))
    award = service.record_information(
        TAX, profile_id="NT", subject_id=person, category="NT-PCI-11.2", document=doc(date(2025, 5, 4)),
        disclosure="public", summary="志愿服务 200 小时")
    pledge = service.record_information(
        TAX, profile_id="NT", subject_id=person, category="NT-PCI-13.2", document=doc(date(2025, 6, 1)),
        disclosure="government_shared", summary="信用承诺书")
    items = service.information_of(person)
    assert [i.id for i in items] == [award, pledge]
    assert [(i.kind, i.rule_id, i.published) for i in items] == [
        ("positive", "NT-PCI-11", True), ("other", "NT-PCI-13", False)]
    assert items[0].provider_unit == "nt-tax-bureau" and isinstance(items[0], CreditInformation)
    assert service.records_of(person) == []  # positive information is no dishonesty record


@pytest.mark.parametrize(("label", "change", "rule_id", "field"), [
    ("NT-PCI-9 negative information is a record, not an information item", {"category": "NT-PCI-12.3"},
     "NT-PCI-9", "category"),
    ("NT-PCI-9 a profile without a catalog refuses", {"profile_id": "LYG", "actor": actor("lyg-petition-bureau")},
     "NT-PCI-9", "category"),
    ("NT-PCI-19 disclosure class is required", {"disclosure": "secret"}, "NT-PCI-19", "disclosure"),
    ("NT-PCI-14 forbidden data in the summary", {"summary": "血型 A"}, "NT-PCI-14", "summary"),
    ("NT-PCI-11 document date in the future", {"document": doc(date(2025, 7, 1))}, "NT-PCI-11", "document.date"),
    ("JY-5 a unit the profile does not know", {"actor": actor("jy-court")}, "JY-5", "actor"),
])
def test_nt_pci_9_bad_information_is_refused_and_nothing_stored(service, ledger, clock, label, change, rule_id,
                                                                 field) -> None:
    clock.day = date(2025, 6, 16)
    company = service.register_organisation(TAX, name="南通某公司", uscc=credit_code(91))
    args = {"actor": TAX, "profile_id": "NT", "subject_id": company, "category": "NT-PCI-11.1",
            "document": doc(date(2025, 6, 1)), "disclosure": "public", "summary": "市级表彰"} | change
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        service.record_information(args.pop("actor"), **args)
    assert (refused.value.rule_id, refused.value.field) == (rule_id, field), label
    assert ledger.event_count() == before
