"""The expiry sweep reads only what is due (NT-PCI-30, LYG-18): due dates kept with the open-items index.

A sweep that missed an item would leave an expired record published and its sanctions in force, so every
event that moves a validity end (determination, correction, confirmation) must move the index's due date.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain_helpers import SECRET, actor, basis, correct_determination_date, person_id

from domain.index import NO_END, UNKNOWN, Index
from domain.policy import load_profile
from domain.record import EXPIRED
from domain.service import CreditService
from domain.unit_of_work import UnitOfWork
from ledger.app import LedgerApplication

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
PENALTY = basis(date(2024, 1, 8), "通税罚〔2024〕7号", "国家税务总局南通市税务局")


def index(ledger: LedgerApplication, name: str) -> Index:
    return ledger.get(Index.create_id(name))


class CountingLedger:
    """The real ledger; counts the aggregates a command reads (a spy, not a stand-in)."""

    def __init__(self, ledger: LedgerApplication) -> None:
        self.ledger = ledger
        self.reads: list[UUID] = []

    def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        self.reads.append(aggregate_id)
        return self.ledger.get(aggregate_id, version=version)

    def exists(self, aggregate_id: UUID) -> bool:
        return self.ledger.exists(aggregate_id)

    def save_as(self, unit: str, *aggregates: Any) -> None:
        self.ledger.save_as(unit, *aggregates)


def serious_record(service: CreditService, seed: int, determined: date) -> tuple[UUID, UUID]:
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=dict(PENALTY, date=determined),
                                       act_date=date(2023, 12, 1), determination_date=determined)
    return person, record


def test_nt_pci_30_records_and_entries_are_filed_with_their_validity_end(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 12)
    person, record = serious_record(service, 51, date(2024, 1, 10))
    entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=person, list_code="black", record_ids=[record],
                                     drafted_on=date(2024, 2, 1), reason="严重失信")
    assert index(ledger, "records").due_of(record) == service.record(record).valid_until.isoformat()
    assert index(ledger, "list_entries").due_of(entry) == NO_END  # a draft has no validity yet
    service.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))
    assert index(ledger, "list_entries").due_of(entry) == service.list_entry(entry).valid_until.isoformat()


def test_nt_pci_32_a_correction_to_an_earlier_date_moves_the_due_date_and_the_sweep_finds_it(
        service, ledger, clock) -> None:
    clock.day = date(2024, 3, 12)
    _, record = serious_record(service, 52, date(2024, 3, 1))
    before = service.record(record).valid_until
    correct_determination_date(service, record, date(2024, 1, 10), PENALTY)
    after = service.record(record).valid_until
    assert after < before and index(ledger, "records").due_of(record) == after.isoformat()
    clock.day = date.fromordinal(after.toordinal() + 1)  # in force on its last day, due the day after
    assert service.sweep(CREDIT) == [record] and service.record(record).status == EXPIRED
    assert index(ledger, "records").due_of(record) is None  # closed: it left the index


def test_nt_pci_30_a_sweep_reads_only_the_items_due(ledger, clock) -> None:
    spy = CountingLedger(ledger)
    service = CreditService(spy, {"NT": load_profile("NT")}, SECRET, today=clock)
    clock.day = date(2024, 3, 12)
    early = serious_record(service, 53, date(2024, 1, 10))[1]
    late = [serious_record(service, 60 + i, date(2024, 3, 1))[1] for i in range(5)]
    clock.day = date.fromordinal(service.record(early).valid_until.toordinal() + 1)
    spy.reads.clear()
    assert service.sweep(CREDIT) == [early]
    assert early in spy.reads and not set(late) & set(spy.reads)


def test_items_filed_before_due_dates_were_kept_are_read_once_then_carry_their_due_date(
        service, ledger, clock) -> None:
    clock.day = date(2024, 3, 12)
    _, record = serious_record(service, 54, date(2024, 3, 1))
    # An index event of the earlier format (no due date) for an open record: replayed as UNKNOWN.
    uow = UnitOfWork(ledger, CREDIT)
    records = uow.get(Index.create_id("records"), Index, "index")
    records._close(item_id=record, actor_unit=CREDIT.unit, actor_user=CREDIT.user)
    records._add(item_id=record, actor_unit=CREDIT.unit, actor_user=CREDIT.user)  # `due` left out
    uow.commit()
    assert index(ledger, "records").due_of(record) == UNKNOWN
    assert index(ledger, "records").due_by(date(2024, 3, 12)) == [record]
    assert service.sweep(CREDIT) == []  # read, not due: its due date is recorded
    assert index(ledger, "records").due_of(record) == service.record(record).valid_until.isoformat()
    count = ledger.event_count()
    assert service.sweep(CREDIT) == [] and ledger.event_count() == count


def test_nt_jrp_4_overdue_reads_only_cases_whose_next_deadline_passed(ledger, clock) -> None:
    spy = CountingLedger(ledger)
    service = CreditService(spy, {"NT": load_profile("NT")}, SECRET, today=clock)
    banks = actor("nt-financial-institutions")
    clock.day = date(2024, 4, 10)
    cases = []
    for n, applied_on in enumerate((date(2024, 2, 20), date(2024, 3, 20))):
        _, record = serious_record(service, 90 + n, date(2024, 1, 10))
        case = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
        assert index(ledger, "sanctions").due_of(case) == NO_END  # NT sets no acknowledgement limit
        service.acknowledge_sanction(banks, sanction_id=case, acknowledged_on=date(2024, 2, 2))
        service.apply_sanction(banks, sanction_id=case, case={"number": f"贷审〔2024〕{n}号", "date": applied_on,
                                                               "description": "提高贷款利率"})
        assert index(ledger, "sanctions").due_of(case) == service.sanction(case).feedback_deadline["due"].isoformat()
        cases.append(case)
    spy.reads.clear()
    [late] = service.overdue(date(2024, 4, 3))  # feedback for February was due on 2024-03-31 (NT-JRP-4)
    assert late["sanction_id"] == cases[0] and cases[0] in spy.reads and cases[1] not in spy.reads
    service.feed_back_sanction(banks, sanction_id=cases[0], report="3 月实施 1 例", fed_back_on=date(2024, 4, 3))
    assert index(ledger, "sanctions").due_of(cases[0]) == NO_END  # fed back: nothing pending
    assert service.overdue(date(2024, 4, 10)) == []
    assert [s["sanction_id"] for s in service.overdue(date(2024, 5, 1))] == [cases[1]]
