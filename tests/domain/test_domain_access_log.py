"""Registered reads of credit information (HA-5.2, JY-24): signed events, refused without purpose or basis."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, person_id

from domain.access_log import AccessRecord
from domain.errors import NotFound, RuleViolation
from domain.service import CreditService
from ledger.app import LedgerApplication


def _person(service: CreditService) -> object:
    return service.register_person(actor("lyg-petition-bureau"), name="李四", id_number=person_id(date(1970, 1, 2), 41))


def test_ha_5_2_read_is_registered_with_who_what_purpose_and_basis(service: CreditService,
                                                                  ledger: LedgerApplication) -> None:
    subject = _person(service)
    auditor = actor("lyg-credit-office", "auditor-wang")
    record_id = service.record_access(auditor, subject_id=subject, purpose="纪检核查", basis="纪检函〔2026〕3号",
                                      channel="web", what="subject page")
    stored = ledger.get(record_id)
    assert isinstance(stored, AccessRecord)
    assert (stored.subject_id, stored.actor_unit, stored.actor_user) == (subject, "lyg-credit-office", "auditor-wang")
    assert (stored.purpose, stored.basis, stored.channel, stored.what) == ("纪检核查", "纪检函〔2026〕3号", "web", "subject page")


@pytest.mark.parametrize(("field", "kwargs"), [
    ("purpose", {"purpose": " "}),
    ("basis", {"basis": ""}),
    ("channel", {"channel": "carrier-pigeon"}),
])
def test_ha_5_2_read_without_purpose_basis_or_known_channel_is_refused(
        service: CreditService, ledger: LedgerApplication, field: str, kwargs: dict[str, str]) -> None:
    subject = _person(service)
    before = ledger.event_count()
    arguments = {"purpose": "复核", "basis": "依申请", "channel": "api", **kwargs}
    with pytest.raises(RuleViolation) as raised:
        service.record_access(actor("lyg-credit-office"), subject_id=subject, **arguments)
    assert (raised.value.rule_id, raised.value.field) == ("HA-5.2", field)
    assert ledger.event_count() == before


def test_ha_5_2_read_of_unknown_subject_is_refused(service: CreditService, ledger: LedgerApplication) -> None:
    before = ledger.event_count()
    with pytest.raises(NotFound):
        service.record_access(actor("lyg-credit-office"), subject_id=AccessRecord.create_id(), purpose="复核",
                              basis="依申请", channel="api")
    assert ledger.event_count() == before


def test_ha_5_2_read_of_something_that_is_not_a_subject_is_refused(service: CreditService,
                                                                   ledger: LedgerApplication) -> None:
    """The read is registered only against a subject: an access record's own id names no subject."""
    subject = _person(service)
    record_id = service.record_access(actor("lyg-credit-office"), subject_id=subject, purpose="复核", basis="依申请",
                                      channel="api")
    before = ledger.event_count()
    with pytest.raises(NotFound) as raised:
        service.record_access(actor("lyg-credit-office"), subject_id=record_id, purpose="复核", basis="依申请",
                              channel="api")
    assert raised.value.field == "subject_id" and ledger.event_count() == before
    with pytest.raises(NotFound):
        service.check_subject("not-a-uuid")
    service.check_subject(subject)  # known now, answered without a read: a subject is never removed
    service.check_subject(str(subject))
