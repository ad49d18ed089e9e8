"""Two service instances on one real ledger (SQLite and PostgreSQL): a command that loses the version race on
the shared `Index` is re-read and re-applied, at most twice (optimistic concurrency, issue 3 item 6)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, person_id
from eventsourcing.persistence import IntegrityError
from ledger_support.backends import initialised_ledger

import domain.index as index_module
from domain.errors import ConcurrentChange
from domain.index import Index, read_index
from domain.policy import load_profile
from domain.retry import ATTEMPTS
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings

TAX = actor("nt-tax-bureau")
CLERK_B = actor("nt-tax-bureau", "clerk-b")
TODAY = date(2024, 3, 1)


class RacingLedger:
    """The real ledger, with a real competing command run just before each of the first `races` saves."""

    def __init__(self, ledger: LedgerApplication, competitor: Callable[[int], Any], races: int) -> None:
        self.ledger = ledger
        self.competitor = competitor
        self.races = races
        self.saves = 0

    def save_as(self, unit: str, *aggregates: Any) -> None:
        """Let the other writer commit first (while this command's reads are stale), then save."""
        self.saves += 1
        if self.saves <= self.races:
            self.competitor(self.saves)
        self.ledger.save_as(unit, *aggregates)

    def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """Read through to the real ledger."""
        return self.ledger.get(aggregate_id, version=version)

    def exists(self, aggregate_id: UUID) -> bool:
        """Read through to the real ledger."""
        return self.ledger.exists(aggregate_id)


@pytest.fixture
def two_ledgers(backend_settings: Settings) -> Iterator[tuple[LedgerApplication, LedgerApplication]]:
    """Two application instances (two connections) on the same initialised database, NT published."""
    first = initialised_ledger(backend_settings, ("ledger-admin", "nt-tax-bureau"))
    second = LedgerApplication(backend_settings)
    CreditService(first, {"NT": load_profile("NT")}, SECRET, today=lambda: TODAY).publish_profile(
        ADMIN, profile_id="NT")
    yield first, second
    second.close()
    first.close()


def record(service: CreditService, subject: UUID, user: Any = TAX) -> UUID:
    """A general NT record (files the record in the shared 'records' index)."""
    return service.record_dishonesty(user, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.9",
                                     tier="general", basis=basis(date(2024, 2, 1), "通税罚〔2024〕3号"),
                                     act_date=date(2024, 1, 20), determination_date=date(2024, 2, 1))


def setup(two_ledgers: tuple[LedgerApplication, LedgerApplication], races: int) -> tuple[Any, ...]:
    """Service A over a racing view of ledger 1, service B over ledger 2; B records for its own subject."""
    first, second = two_ledgers
    nt = {"NT": load_profile("NT")}
    service_b = CreditService(second, nt, SECRET, today=lambda: TODAY)
    people = [service_b.register_person(TAX, name="李四", id_number=person_id(date(1980, 1, 1), 70 + n))
              for n in range(max(4, races + 1))]
    record(service_b, people[0])  # the 'records' index exists before the race
    written: list[UUID] = []
    racing = RacingLedger(first, lambda n: written.append(record(service_b, people[n], CLERK_B)), races)
    service_a = CreditService(racing, nt, SECRET, today=lambda: TODAY)  # type: ignore[arg-type]
    return first, racing, service_a, people, written


def test_a_command_that_loses_the_index_race_is_reapplied(two_ledgers) -> None:
    first, racing, service_a, people, written = setup(two_ledgers, races=1)
    mine = record(service_a, people[3])
    assert racing.saves == 2  # lost once to the other writer, re-read, re-applied
    index = first.get(Index.create_id("records"))
    assert set(index.ids()) >= {mine, *written} and len(written) == 1
    assert first.get(mine).subject_id == people[3]


def test_a_command_that_loses_a_race_in_which_the_other_writer_continued_the_index_is_reapplied(
        two_ledgers, monkeypatch: pytest.MonkeyPatch) -> None:
    first, racing, service_a, people, written = setup(two_ledgers, races=1)
    # The other writer's command finds the index long enough and continues it in a new generation while
    # this command holds the old one: the save conflicts, the retry reads the head and files in the new one.
    filler = CreditService(first, {"NT": load_profile("NT")}, SECRET, today=lambda: TODAY)
    for n in range(3):  # a longer first generation, so only the race's first command continues it
        record(filler, filler.register_person(TAX, name="王五", id_number=person_id(date(1981, 1, 1), 90 + n)))
    monkeypatch.setattr(index_module, "ROLLOVER_EVENTS", first.get(Index.create_id("records")).version)
    mine = record(service_a, people[3])
    assert racing.saves == 2 and len(written) == 1
    current = read_index(first.get, "records")
    assert current is not None and current.generation == 1 and set(current.ids()) >= {mine, *written}
    assert first.get(Index.create_id("records")).continued
    started = first.get(Index.create_id("records", 1), version=1)
    assert started.ids() == [i for i in current.ids() if i not in {mine, *written}]  # carried by the other writer
    assert racing.saves == 2


def test_every_retry_lost_then_the_conflict_is_reported_and_nothing_is_stored(two_ledgers) -> None:
    first, racing, service_a, people, written = setup(two_ledgers, races=ATTEMPTS)
    before = first.event_count()
    with pytest.raises(ConcurrentChange) as lost:  # an IntegrityError naming the item and its version now
        record(service_a, people[3])
    assert (lost.value.field, lost.value.ident) == ("subject_id", people[3])
    assert lost.value.version == first.get(people[3]).version and isinstance(lost.value, IntegrityError)
    assert racing.saves == ATTEMPTS and len(written) == ATTEMPTS
    assert first.event_count() == before + ATTEMPTS * 3  # only the other writer's three commands (record, subject, index)
    assert all(first.get(Index.create_id("records")).ids().count(r) == 1 for r in written)


def test_without_the_retry_the_same_race_is_an_integrity_error(two_ledgers) -> None:
    first, racing, service_a, people, written = setup(two_ledgers, races=1)
    before = first.event_count()
    unretried = CreditService.record_dishonesty.__wrapped__  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError):
        unretried(service_a, TAX, profile_id="NT", subject_id=people[3], behaviour_code="NT-PCI-12.9",
                  tier="general", basis=basis(date(2024, 2, 1), "通税罚〔2024〕3号"),
                  act_date=date(2024, 1, 20), determination_date=date(2024, 2, 1))
    assert first.event_count() == before + 3  # the competitor's command only; ours stored nothing
    assert first.get(people[3]).ids("record") == []
