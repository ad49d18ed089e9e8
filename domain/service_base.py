"""Shared machinery of the credit service: profiles, units of work, indexes and cascades."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.clock import office_today
from domain.common import credit_office
from domain.errors import NotFound, RuleViolation
from domain.index import UNREPORTED, UPWARD, Index, IndexHead
from domain.list_entry import ListEntry
from domain.objection import Objection
from domain.policy import PolicyProfile, ProfileVersions
from domain.ports import EventLedger
from domain.profile_aggregate import PublishedProfile
from domain.record import DishonestyRecord
from domain.repair import RepairApplication
from domain.sanction import SanctionCase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork
from domain.withdrawal import PenaltyWithdrawal

MIN_SECRET_BYTES = 16
KNOWN_SUBJECTS_KEPT = 100_000  # check_subject's memory of registered subjects (about 10 MB at most)
# The ledger administrator's unit: with each profile's credit office, the only publisher of profiles (JY-16).
ADMIN_UNIT = "ledger-admin"
# Indexes whose items keep a due date (domain.index): the last day in force of records and list entries
# (the sweep reads only those past it), the earliest pending deadline of objections, repairs and sanction
# cases (`overdue` reads only those past it).
EXPIRING: dict[type, str] = {DishonestyRecord: "records", ListEntry: "list_entries"}
DUE_INDEXES: dict[type, str] = {**EXPIRING, Objection: "objections", RepairApplication: "repairs",
                                SanctionCase: "sanctions", PenaltyWithdrawal: "withdrawals"}


def due_of(item: Any) -> date | None:
    """The day an open item is due: end of validity (records, list entries) or its next deadline."""
    return item.valid_until if type(item) in EXPIRING else item.next_due()


class ServiceBase:
    """Wiring and helpers; the commands live in the mixins composed by `CreditService`."""

    def __init__(
        self, ledger: EventLedger, profiles: Mapping[str, PolicyProfile], subject_secret: bytes,
        today: Callable[[], date] = office_today, *, admin_unit: str = ADMIN_UNIT,
        versions: Iterable[PolicyProfile] = (),
    ) -> None:
        if not isinstance(subject_secret, bytes) or len(subject_secret) < MIN_SECRET_BYTES:
            raise ValueError(f"subject_secret must be at least {MIN_SECRET_BYTES} bytes")
        self.ledger = ledger
        self.profiles = dict(profiles)
        self._later_versions = tuple(versions)  # issue 15.9: later versions of the profiles (e.g. NT v2)
        self._secret = subject_secret
        self._clock = today
        self.admin_unit = admin_unit
        self._published: set[UUID] = set()
        self._registered: set[UUID] = set()  # subjects seen registered: a subject is never removed

    def today(self) -> date:
        """The service's current business date (injected for tests and replays)."""
        return self._clock()

    def _uow(self, actor: Actor) -> UnitOfWork:
        return UnitOfWork(self.ledger, actor, before_commit=self._keep_due_dates)

    def versions_of(self, profile_id: str, field: str = "profile_id") -> ProfileVersions:
        """Every version of `profile_id` over time: the service's own and the later ones it was given."""
        own = self.profiles.get(profile_id)
        if own is None:
            raise NotFound("PolicyProfile", profile_id, field)
        return ProfileVersions([own, *(v for v in self._later_versions
                                       if v.id == profile_id and v.version != own.version)])

    def _day(self, on: object) -> date:
        """The day whose rules decide: `on` when it is a calendar date not after today, else today (a bad or
        future date is refused by the command itself, HA-2.2 before JY-16)."""
        today = self.today()
        return min(on, today) if isinstance(on, date) and not isinstance(on, datetime) else today

    def rules_on(self, profile_id: str, day: date, field: str = "profile_id") -> PolicyProfile:
        """The version of `profile_id` in force on `day` (issue 15.9), for queries: what a deadline or an
        offer derived by day follows (no publication check: nothing is decided)."""
        return self.versions_of(profile_id, field).on(day)

    def _profile(self, profile_id: str, field: str = "profile_id", *, on: object = None,
                 version: int | None = None) -> PolicyProfile:
        """The loaded profile `profile_id`: its version in force `on` a day (issue 15.9: a determination's
        version on its determination date, a procedural act's on the act's day; today's when no day is given),
        or `version` exactly (an item's own rules of validity); decisions only under a version published in
        the ledger."""
        versions = self.versions_of(profile_id, field)
        profile = versions.version(version) if version is not None else versions.on(self._day(on))
        published_id = PublishedProfile.id_for(profile)
        if published_id not in self._published:
            if not self.ledger.exists(published_id):
                raise RuleViolation("JY-16", field, f"{profile.label} is not published in the ledger")
            self.ledger.get(published_id).check_same_content(profile)  # NT-PCI-36
            self._published.add(published_id)
        return profile

    # --- indexes and filing --------------------------------------------------------------------
    def _current_index(self, uow: UnitOfWork, name: str) -> Index | None:
        """The current generation of index `name` (domain.index), None when never started."""
        head = uow.find(IndexHead.create_id(name), IndexHead)
        return uow.find(Index.create_id(name, head.generation if head is not None else 0), Index)

    def _index(self, uow: UnitOfWork, name: str) -> Index:
        """The index to write to: started when absent, continued in a new generation when its history is long."""
        index = self._current_index(uow, name)
        if index is None:
            index = Index.start(uow.actor, name)
            uow.add(index)
        elif index.due_for_rollover():
            head = uow.find(IndexHead.create_id(name), IndexHead)
            if head is None:
                head = IndexHead.start(uow.actor, name)
                uow.add(head)
            index = index.continue_in_next(uow.actor)
            head.advance(uow.actor, index.generation)
            uow.add(index)
        return index

    def _open_ids(self, uow: UnitOfWork, name: str) -> list[UUID]:
        """The open items of index `name` (none when the index was never started)."""
        index = self._current_index(uow, name)
        return index.ids() if index is not None else []

    def _file(self, uow: UnitOfWork, subject: Subject, kind: str, index_name: str | None, *items: object) -> None:
        """Take new items into the work, file their ids on the subject and in the open-items index."""
        for item in items:
            uow.add(item)  # type: ignore[arg-type]
            subject.file(uow.actor, kind, item.id)  # type: ignore[attr-defined]
            if index_name:
                due = due_of(item) if type(item) in DUE_INDEXES else None
                self._index(uow, index_name).add(uow.actor, item.id, due)  # type: ignore[attr-defined]

    def _keep_due_dates(self, uow: UnitOfWork) -> None:
        """Before a save: every changed open item's due date in its index is brought up to date.

        The sweep (NT-PCI-30, LYG-18) and `overdue` read only the items the index says are due, so every
        event that sets `valid_until` or a deadline (determination, correction, confirmation, each step
        of an objection, repair or sanction case) must be reflected here.
        """
        for aggregate in uow.changed():
            name = DUE_INDEXES.get(type(aggregate))
            if name is None:
                continue
            if type(aggregate) in EXPIRING and not (
                    aggregate.in_force and any(hasattr(e, "valid_until") for e in aggregate.pending_events)):
                continue
            index = self._current_index(uow, name)
            if index is not None:
                index.set_due(uow.actor, aggregate.id, due_of(aggregate))  # no-op when closed or unchanged

    def _due_items(self, uow: UnitOfWork, name: str, day: date) -> list[UUID]:
        """The open items of index `name` due before `day` (or of unknown due day)."""
        index = self._current_index(uow, name)
        return index.due_by(day) if index is not None else []

    def _queue_reports(self, uow: UnitOfWork, profile: PolicyProfile, entry: ListEntry) -> None:
        """A confirmed entry of a reported list waits for its monthly report (NT-PCI-17) or push (JY-22)."""
        for rule in profile.reporting.values():
            if entry.list_code in rule.lists:
                if rule.deadline:
                    self._index(uow, UNREPORTED).add(uow.actor, entry.id)
                if rule.targets:
                    self._index(uow, UPWARD).add(uow.actor, entry.id)

    def _close(self, uow: UnitOfWork, index_name: str, item_id: UUID) -> None:
        self._index(uow, index_name).close(uow.actor, item_id)

    # --- reading related aggregates --------------------------------------------------------------
    def _subject(self, uow: UnitOfWork, subject_id: UUID | str, field: str = "subject_id") -> Subject:
        return uow.get(subject_id, Subject, field)

    def check_subject(self, subject_id: UUID | str, field: str = "subject_id") -> None:
        """NotFound unless a subject is registered under `subject_id`; reads its first (verified) event once,
        as a subject is never removed (nothing is deleted)."""
        try:
            key = subject_id if isinstance(subject_id, UUID) else UUID(str(subject_id))
        except ValueError:
            raise NotFound("Subject", str(subject_id), field) from None
        if key in self._registered:
            return
        try:
            first = self.ledger.get(key, version=1)
        except KeyError:
            raise NotFound("Subject", str(subject_id), field) from None
        if not isinstance(first, Subject):
            raise NotFound("Subject", str(subject_id), field)
        if len(self._registered) >= KNOWN_SUBJECTS_KEPT:
            self._registered.clear()
        self._registered.add(key)

    def _with_responsible(self, uow: UnitOfWork, subject: Subject) -> list[Subject]:
        """The subject and its responsible persons (NT-PCI-29, CS-2.1)."""
        return [subject] + [self._subject(uow, pid) for pid, _ in subject.responsible_persons()]

    def _records(self, uow: UnitOfWork, subject: Subject) -> list[DishonestyRecord]:
        return [uow.get(i, DishonestyRecord, "record_id") for i in subject.ids("record")]

    def _entries(self, uow: UnitOfWork, subject: Subject) -> list[ListEntry]:
        return [uow.get(i, ListEntry, "list_entry_id") for i in subject.ids("list_entry")]

    def _derived_records(self, uow: UnitOfWork, record: DishonestyRecord) -> list[DishonestyRecord]:
        """Records made against responsible persons from an organisation's record (NT-PCI-29)."""
        subject = self._subject(uow, record.subject_id)
        people = self._with_responsible(uow, subject)[1:]
        return [r for p in people for r in self._records(uow, p) if r.origin_record_id == record.id]

    # --- cascades ----------------------------------------------------------------------------
    def _lift_sanctions(self, uow: UnitOfWork, subject: Subject, source_ids: Iterable[UUID], reason: str,
                        on: date) -> None:
        """End every in-force case resting on the sources, responsible persons' too: lift an applied measure,
        withdraw one never applied (JY-17, CS-2.7). Only the credit office pushes lifts: when another unit
        ended the basis, the cases wait on the credit office's desk (`lifts_due`)."""
        sources = set(source_ids)
        for holder in self._with_responsible(uow, subject):
            for case_id in holder.ids("sanction"):
                case = uow.get(case_id, SanctionCase, "sanction_id")
                profile = self._profile(case.policy_id, on=on)  # issue 15.9: procedure on the act's day
                if case.source_id in sources and case.in_force and uow.actor.unit == credit_office(profile):
                    case.end(uow.actor, profile, on, reason=reason, on=on)
                    if not case.open:
                        self._close(uow, "sanctions", case.id)

    def _exit_entries(self, uow: UnitOfWork, subject: Subject, wanted: Callable[[ListEntry], bool], reason: str,
                      on: date, repairs: Sequence[dict[str, Any]] = ()) -> list[UUID]:
        """Exit the subject's active entries matching `wanted`, lifting their sanctions (JY-6.2, JY-17)."""
        exited = []
        for entry in self._entries(uow, subject):
            if entry.active and wanted(entry):
                entry.exit(uow.actor, self._profile(entry.policy_id, on=on), on, reason=reason, exited_on=on,
                           repairs=repairs)
                self._close(uow, "list_entries", entry.id)
                exited.append(entry.id)
        self._lift_sanctions(uow, subject, exited, reason, on)
        if exited:
            self._withdraw_warnings(uow, subject, on)
        return exited

    def _withdraw_warnings(self, uow: UnitOfWork, subject: Subject, on: date) -> None:
        """NT-JRP-3: a big-data warning whose key-attention entries fell below the threshold is withdrawn."""
        entries = self._entries(uow, subject)
        for warning in entries:
            rule = self._profile(warning.policy_id, on=on).lists.get(warning.list_code)
            if not warning.active or rule is None or not rule.counts_list or not rule.threshold_fields:
                continue
            fields = {e.list_field for e in entries
                      if e.in_force and e.list_code == rule.counts_list and e.policy_id == warning.policy_id}
            if len(fields) < rule.threshold_fields:
                reason = (f"NT-JRP-3 withdrawn: {rule.counts_list} in {len(fields)} key fields, "
                          f"fewer than {rule.threshold_fields}")
                self._exit_entries(uow, subject, lambda e, target=warning.id: e.id == target, reason, on)

    def _revoke_entry(self, uow: UnitOfWork, entry: ListEntry, reason: str, doc: dict[str, Any], on: date) -> None:
        entry.revoke(uow.actor, self._profile(entry.policy_id, on=on), reason=reason, apology=doc, revoked_on=on)
        self._close(uow, "list_entries", entry.id)
        subject = self._subject(uow, entry.subject_id)
        self._lift_sanctions(uow, subject, [entry.id], f"JY-24 revoked: {reason}", on)
        self._withdraw_warnings(uow, subject, on)

    def _close_record(self, uow: UnitOfWork, record: DishonestyRecord, reason: str, on: date,
                      repairs: Sequence[dict[str, Any]] = ()) -> None:
        """After a record left force: exit list entries left without an in-force basis (with the repair that
        closed it as the exit's reference, JY-23), lift its sanctions."""
        subject = self._subject(uow, record.subject_id)
        self._close(uow, "records", record.id)

        def rests_only_on_closed(entry: ListEntry) -> bool:
            if str(record.id) not in entry.record_ids:
                return False
            others = [uow.get(i, DishonestyRecord, "record_id") for i in entry.record_ids]
            return not any(r.in_force for r in others)

        self._exit_entries(uow, subject, rests_only_on_closed, reason, on, repairs)
        self._lift_sanctions(uow, subject, [record.id], reason, on)
