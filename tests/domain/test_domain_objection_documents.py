"""NT-PCI-31: an objection names the documents it rests on (证明材料: the court's revocation decision, a payment
receipt), each with title, number, date and issuer; a bad one is refused and nothing is stored; objections filed
before documents were asked for load as they were."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from domain_helpers import actor, basis, credit_code, person_id, refused
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import Mapper, StoredEvent

from domain.documents import MAX_SUPPORTING
from domain.objection import Objection
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.envelope import unpack

TAX = actor("nt-tax-bureau")
CENTRE = actor("nt-credit-centre")
JY_MARKET = actor("jy-market-supervision")
JY_CREDIT = actor("jy-credit-office")
TODAY = date(2024, 3, 15)
COURT = {"title": "行政判决书（撤销处罚决定）", "number": "(2024)苏06行终12号", "date": date(2024, 3, 1),
         "issuer": "南通市中级人民法院"}
RECEIPT = {"title": "税款缴纳凭证", "number": "NT-RCPT-2024-0042", "date": date(2024, 1, 5), "issuer": "南通市税务局"}


def nt_record(service: CreditService, seed: int) -> Any:
    """An NT serious record determined 2024-01-10 by the tax bureau."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    return service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                     tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                     determination_date=date(2024, 1, 10))


def file(service: CreditService, record: Any, documents: Any) -> UUID:
    """The centre registers the subject's objection of 2024-03-12 with `documents`."""
    return service.file_objection(CENTRE, record_id=record, grounds="wrong_or_incomplete", statement="处罚已被撤销",
                                  filed_on=date(2024, 3, 12), documents=documents)


def test_nt_pci_31_the_documents_are_stored_with_the_objection(service, ledger, clock) -> None:
    clock.day = TODAY
    record = nt_record(service, 311)
    filed = service.objection(file(service, record, [COURT, dict(RECEIPT, title="  税款缴纳凭证 ")]))
    assert filed.documents == [COURT, RECEIPT]  # trimmed, in the order given
    assert service.record(record).flags == [str(filed.id)]  # flagged as any objection (NT-PCI-32)


def test_nt_pci_31_an_objection_to_a_list_entry_takes_documents_too(service, ledger, clock) -> None:
    clock.day = date(2025, 4, 1)
    company = service.register_organisation(JY_MARKET, name="江阴某守信公司", uscc=credit_code(312))
    entry = service.draft_list_entry(JY_MARKET, profile_id="JY", subject_id=company, list_code="red",
                                     drafted_on=date(2025, 3, 3), reason="纳税信用A级")
    service.publicise_list_entry(JY_CREDIT, list_entry_id=entry, channel="信用江阴", start=date(2025, 3, 4),
                                 end=date(2025, 3, 11))
    paid = dict(RECEIPT, date=date(2025, 3, 5))
    objection = service.file_list_entry_objection(JY_CREDIT, list_entry_id=entry, grounds="wrong_or_incomplete",
                                                  statement="名单信息不完整", filed_on=date(2025, 3, 6),
                                                  documents=[paid])
    assert service.objection(objection).documents == [paid]


@pytest.mark.parametrize(("documents", "field"), [
    ([COURT, dict(RECEIPT, date=date(2024, 3, 16))], "documents[1].date"),  # in the future
    ([dict(COURT, date=date(2024, 3, 14))], "documents[0].date"),  # after the filing date (2024-03-12)
    ([{k: v for k, v in COURT.items() if k != "number"}], "documents[0].number"),
    ([dict(COURT, number="  ")], "documents[0].number"),
    ([dict(COURT, title="")], "documents[0].title"),
    ([dict(COURT, issuer=None)], "documents[0].issuer"),
    ([dict(COURT, date="2024-03-01")], "documents[0].date"),  # not a calendar date
    ([COURT, {}], "documents[1]"),
    ([COURT, "收据"], "documents[1]"),
    (COURT, "documents"),  # one document, not a list of them
    ([COURT] * (MAX_SUPPORTING + 1), "documents"),
])
def test_nt_pci_31_a_bad_document_is_refused_and_nothing_is_stored(service, ledger, clock, documents: Any,
                                                                     field: str) -> None:
    clock.day = TODAY
    record = nt_record(service, 313)
    assert refused(ledger, file, service=service, record=record, documents=documents) == ("NT-PCI-31", field)
    assert service.objections_of(service.record(record).subject_id) == []
    assert service.record(record).flags == []


def test_nt_pci_14_a_document_naming_forbidden_data_is_refused(service, ledger, clock) -> None:
    clock.day = TODAY
    record = nt_record(service, 314)
    rule, _ = refused(ledger, file, service=service, record=record, documents=[dict(COURT, title="住院病历")])
    assert rule == "NT-PCI-14"


def test_an_objection_without_documents_is_stored_in_its_old_shape(service, ledger, clock) -> None:
    clock.day = TODAY
    record = nt_record(service, 315)
    for none in (None, []):
        objection = file(service, record, none)
        assert service.objection(objection).documents == []
        assert _stored_state(ledger, objection)["documents"] is None


def test_an_event_filed_before_documents_existed_still_loads(service, ledger, clock) -> None:
    """An old `Filed` event has no `documents` attribute: the ledger's own transcoder and the library's mapper
    rebuild it, and the aggregate starts with none."""
    clock.day = TODAY
    record = nt_record(service, 316)
    objection = file(service, record, [COURT])
    state = _stored_state(ledger, objection)
    del state["documents"]
    old = StoredEvent(objection, 1, _stored(ledger, objection).topic, ledger.mapper.transcoder.encode(state))
    event = Mapper.to_domain_event(ledger.mapper, old)  # the library's path, without the envelope
    assert "documents" not in vars(event)
    loaded = project_aggregate(None, [event])
    assert isinstance(loaded, Objection)
    assert (loaded.documents, loaded.grounds, loaded.record_id) == ([], "wrong_or_incomplete", record)


def _stored(ledger: LedgerApplication, aggregate_id: UUID) -> StoredEvent:
    """The first stored (signed) event of an aggregate."""
    return ledger.recorder.select_events(aggregate_id, limit=1)[0]


def _stored_state(ledger: LedgerApplication, aggregate_id: UUID) -> dict[str, Any]:
    """The decoded attributes of an aggregate's first event, as stored under its signature."""
    return dict(ledger.mapper.transcoder.decode(unpack(_stored(ledger, aggregate_id).state).payload))
