"""A step dated after a record's last day in force is refused even while the sweep has not yet stored its expiry
(NT-PCI-30: what is in force is one function of the events and the day, never of whether a sweep has run):
an objection (NT-PCI-31), a sanction push (NT-PCI-30) and the steps a record's page offers (issue 16.2)."""

from __future__ import annotations

from datetime import date, timedelta

from domain_helpers import actor, basis, person_id, refused

from domain.service import CreditService

TAX = actor("nt-tax-bureau")
NT_CREDIT = actor("nt-credit-office")


def _general_record(service: CreditService, seed: int) -> tuple[object, date]:
    """An NT general record (valid 1 year under NT v1) and its last day in force."""
    person = service.register_person(TAX, name="王某", id_number=person_id(date(1980, 1, 2), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="general", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    return record, service.record(record).valid_until


def test_an_objection_after_the_last_day_is_refused_before_any_sweep_NT_PCI_31(service, ledger, clock) -> None:
    clock.day = date(2024, 2, 1)
    record, last = _general_record(service, 301)
    clock.day = last + timedelta(days=3)
    assert service.record(record).in_force  # stored as in force: no sweep has run
    late = dict(record_id=record, grounds="beyond_validity", statement="已过有效期", filed_on=last + timedelta(days=1))
    assert refused(ledger, service.file_objection, actor=TAX, **late) == ("NT-PCI-31", "record_id")
    assert service.file_objection(TAX, **{**late, "filed_on": last})  # the last day is still in force


def test_a_push_after_the_last_day_is_refused_and_not_offered_NT_PCI_30(service, ledger, clock) -> None:
    clock.day = date(2024, 2, 1)
    record, last = _general_record(service, 302)
    clock.day = last + timedelta(days=2)
    push = dict(source_id=record, measure_id="NT-M-06", pushed_on=last + timedelta(days=1))
    assert refused(ledger, service.push_sanction, actor=NT_CREDIT, **push) == ("NT-PCI-30", "source_id")
    profile = service.profiles["NT"]
    assert "object" in service.record(record).next_steps(profile, last)
    assert not {"object", "push", "repair"} & set(service.record(record).next_steps(profile, last + timedelta(days=1)))
