"""What every stored event promises: actor on every event, policy ref on every decision, personal data only in
Subject events, one atomic save per command; keyed subject ids; immutable published profiles."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import test_domain_narrative_cs as cs_story
import test_domain_narrative_jy as jy_story
import test_domain_narrative_nt as nt_story
from domain_helpers import ADMIN, SECRET, actor, basis, person_id, lyg_serious_black_listing

from domain.policy import load_all, load_profile
from domain.profile_aggregate import PublishedProfile
from domain.service import CreditService
from domain.subject import Subject, subject_id_for

DECISION_AGGREGATES = ("DishonestyRecord", "ListEntry", "Objection", "RepairApplication", "SanctionCase")
PERSONAL_FIELDS = ("name", "id_number", "address", "telephone")


class SpyLedger:
    """Delegates the EventLedger port and keeps a copy of what each `save_as` call stored."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.saves: list[tuple[str, list[Any]]] = []

    def save_as(self, unit: str, *aggregates: Any) -> None:
        self.saves.append((unit, [e for a in aggregates for e in a.pending_events]))
        self.inner.save_as(unit, *aggregates)

    def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        return self.inner.get(aggregate_id, version)

    def exists(self, aggregate_id: UUID) -> bool:
        return self.inner.exists(aggregate_id)

    def event_count(self) -> int:
        return self.inner.event_count()


def spied_service(ledger: Any, clock: Any) -> tuple[CreditService, SpyLedger]:
    spy = SpyLedger(ledger)
    service = CreditService(spy, load_all(), SECRET, today=clock)
    for profile_id in service.profiles:
        service.publish_profile(ADMIN, profile_id=profile_id)
    return service, spy


def test_every_event_names_its_actor_and_every_decision_its_policy(ledger, clock) -> None:
    service, spy = spied_service(ledger, clock)
    for story in (nt_story.test_nt_pci_15_to_35_tax_arrears_from_record_to_repair,
                  jy_story.test_jy_6_to_23_red_then_black_then_repaired,
                  cs_story.test_cs_2_1_to_2_7_points_to_joint_sanctions_and_lift):
        story(service, spy, clock)
    hashes = {(p.id, p.version): p.content_hash() for p in service.profiles.values()}
    kinds = set()
    for unit, events in spy.saves:
        for event in events:
            aggregate, kind = type(event).__qualname__.split(".")
            kinds.add(type(event).__qualname__)
            assert event.actor_unit == unit and event.actor_user, event
            if aggregate in DECISION_AGGREGATES or (aggregate == "PointsAccount" and kind != "Opened"):
                assert hashes[(event.policy_id, event.policy_version)] == event.policy_hash, event
    assert {"DishonestyRecord.Recorded", "ListEntry.Confirmed", "Objection.Decided", "RepairApplication.Decided",
            "SanctionCase.LiftConfirmed", "PointsAccount.Graded", "Subject.ResponsiblePersonLinked"} <= kinds


def test_personal_data_lives_only_in_subject_events(ledger, clock) -> None:
    service, spy = spied_service(ledger, clock)
    nt_story.test_nt_pci_15_to_35_tax_arrears_from_record_to_repair(service, spy, clock)
    cs_story.test_cs_2_1_to_2_7_points_to_joint_sanctions_and_lift(service, spy, clock)
    events = [e for _, batch in spy.saves for e in batch]
    registered = [e for e in events if type(e).__qualname__ == "Subject.Registered"]
    secrets = {getattr(e, f) for e in registered for f in PERSONAL_FIELDS if getattr(e, f, None)} - {None}
    assert len(registered) == 4 and secrets
    for event in events:
        if type(event).__qualname__.startswith("Subject."):
            continue
        text = repr(event.__dict__)
        assert not [s for s in secrets if s in text], type(event).__qualname__


def test_a_command_is_one_atomic_save_even_when_it_changes_many_aggregates(ledger, clock) -> None:
    service, spy = spied_service(ledger, clock)
    clock.day = date(2020, 3, 2)
    credit, person, record, entry = lyg_serious_black_listing(service, 41)
    for measure in ("LYG-M-13a.4", "LYG-M-13a.7"):
        service.push_sanction(credit, source_id=entry, measure_id=measure, pushed_on=date(2019, 9, 10))
    clock.day = date(2024, 9, 3)
    before = len(spy.saves)
    assert service.sweep(credit) == [record]
    assert len(spy.saves) == before + 1
    changed = {e.originator_id for e in spy.saves[-1][1]}
    assert {record, entry} <= changed and len(changed) >= 5  # record, entry, 2 cases, indexes


def test_subject_ids_are_keyed_hashes_never_the_bare_number(service, ledger) -> None:
    number = person_id(date(1990, 1, 1), 42)
    subject_id = service.register_person(actor("nt-credit-centre"), name="钱十", id_number=number)
    assert subject_id == subject_id_for(SECRET, "person", number) != subject_id_for(b"x" * 32, "person", number)
    assert subject_id.version == 8 and number not in str(subject_id)
    assert service.find_subject(number.lower()).id == subject_id
    assert service.find_subject(person_id(date(1990, 1, 1), 43)) is None
    assert isinstance(service.subject(subject_id), Subject)


def test_republishing_identical_profile_content_is_a_no_op(service, ledger) -> None:
    count = ledger.event_count()
    profile_id = service.publish_profile(ADMIN, profile_id="NT")
    assert ledger.event_count() == count and profile_id == PublishedProfile.create_id("NT", 1)
    published = service.published_profile("NT", 1)
    assert published.profile() == load_profile("NT")
    assert published.content_hash == load_profile("NT").content_hash()
