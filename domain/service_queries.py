"""Read-side methods of the credit service (straight from the ledger, no read model)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.effective import awaiting_sweep
from domain.errors import RuleViolation
from domain.identifiers import CreditCode, ResidentId
from domain.list_entry import ListEntry
from domain.objection import Objection
from domain.points import PointsAccount
from domain.profile_aggregate import PublishedProfile
from domain.record import DishonestyRecord
from domain.repair import RepairApplication
from domain.sanction import SanctionCase
from domain.service_base import ServiceBase
from domain.subject import CIVIL_SERVANT, GOVERNMENT_BODY, PERSON, Subject, subject_id_for
from domain.sweep_marker import DailySweep
from domain.unit_of_work import UnitOfWork
from domain.withdrawal import PenaltyWithdrawal

OVERDUE_INDEXES = {"objections": Objection, "repairs": RepairApplication, "sanctions": SanctionCase,
                   "withdrawals": PenaltyWithdrawal}
EXPIRING_INDEXES = {"records": DishonestyRecord, "list_entries": ListEntry}


class Queries(ServiceBase):
    """subject, find_subject, records_of, list_entries_of, sanctions_of, overdue, as_of …"""

    def _read(self) -> UnitOfWork:
        return UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only: never committed

    def subject(self, subject_id: UUID) -> Subject:
        """The subject (personal data: callers log non-public reads, HA-5.2)."""
        return self._read().get(subject_id, Subject, "subject_id")

    def find_subject(self, id_number_or_uscc: str) -> Subject | None:
        """The subject registered under a resident ID number or USCC, by its keyed id (never a scan)."""
        text = id_number_or_uscc.strip().upper()
        try:
            key, kinds = ResidentId.parse(text, "id_number_or_uscc").number, (PERSON, CIVIL_SERVANT)
        except RuleViolation as person_error:
            try:
                key, kinds = CreditCode.parse(text, "id_number_or_uscc").code, ("organisation", GOVERNMENT_BODY)
            except RuleViolation as organisation_error:
                raise (person_error if text[:17].isdigit() else organisation_error) from None
        # NT-GOV-2.2a: a civil servant's government-affairs file and a body's are subjects of their own kind
        read = self._read()
        found = (read.find(subject_id_for(self._secret, kind, key), Subject) for kind in kinds)
        return next((s for s in found if s is not None), None)

    def record(self, record_id: UUID) -> DishonestyRecord:
        """One dishonesty record, archived ones included (NT-PCI-35)."""
        return self._read().get(record_id, DishonestyRecord, "record_id")

    def list_entry(self, list_entry_id: UUID) -> ListEntry:
        """One list entry."""
        return self._read().get(list_entry_id, ListEntry, "list_entry_id")

    def objection(self, objection_id: UUID) -> Objection:
        """One objection."""
        return self._read().get(objection_id, Objection, "objection_id")

    def repair(self, repair_id: UUID) -> RepairApplication:
        """One repair application."""
        return self._read().get(repair_id, RepairApplication, "repair_id")

    def sanction(self, sanction_id: UUID) -> SanctionCase:
        """One sanction case."""
        return self._read().get(sanction_id, SanctionCase, "sanction_id")

    def points_account(self, subject_id: UUID, profile_id: str) -> PointsAccount:
        """The subject's points account (CS-2.2)."""
        return self._read().get(PointsAccount.create_id(UUID(str(subject_id)), profile_id), PointsAccount, "subject_id")

    def published_profile(self, profile_id: str, version: int) -> PublishedProfile:
        """A published profile version, as stored in the ledger."""
        return self._read().get(PublishedProfile.create_id(profile_id, version), PublishedProfile, "profile_id")

    def _items(self, subject_id: UUID, kind: str, cls: type[Any]) -> list[Any]:
        uow = self._read()
        return [uow.get(i, cls, "id") for i in uow.get(subject_id, Subject, "subject_id").ids(kind)]

    def records_of(self, subject_id: UUID) -> list[DishonestyRecord]:
        """Every record of the subject, in force or archived."""
        return self._items(subject_id, "record", DishonestyRecord)

    def list_entries_of(self, subject_id: UUID) -> list[ListEntry]:
        """Every list entry of the subject."""
        return self._items(subject_id, "list_entry", ListEntry)

    def objections_of(self, subject_id: UUID) -> list[Objection]:
        """Every objection of the subject."""
        return self._items(subject_id, "objection", Objection)

    def repairs_of(self, subject_id: UUID) -> list[RepairApplication]:
        """Every repair application of the subject."""
        return self._items(subject_id, "repair", RepairApplication)

    def sanctions_of(self, subject_id: UUID | None = None, *, source_id: UUID | None = None,
                     department: str | None = None) -> list[SanctionCase]:
        """Sanction cases of a subject (all) or, without one, the open cases (a department's inbox)."""
        uow = self._read()
        if subject_id is not None:
            ids = uow.get(subject_id, Subject, "subject_id").ids("sanction")
        else:
            ids = self._open_ids(uow, "sanctions")
        cases = [uow.get(i, SanctionCase, "sanction_id") for i in ids]
        return [c for c in cases if (source_id is None or c.source_id == source_id)
                and (department is None or c.department == department)]

    def overdue(self, today: date | None = None) -> list[dict[str, Any]]:
        """Open steps past their deadline, with days late: objections, repairs, department responses.

        Sanction steps (JY-21, CS-2.6, CS-2.7) also name the department, the sanction id and the deadline
        (with the calendar version it was computed on); a profile that sets no limit makes nothing overdue.
        """
        day = today or self.today()
        uow = self._read()
        found = []
        for name, cls in OVERDUE_INDEXES.items():
            for item_id in self._due_items(uow, name, day):  # only items whose next deadline has passed
                item = uow.get(item_id, cls, "id")
                found += [{"kind": cls.__name__, "id": item.id, **step, "days_late": (day - step["due"]).days}
                          for step in item.overdue(day)]
        return sorted(found, key=lambda s: (s["due"], str(s["id"])))

    def awaiting_sweep(self, today: date | None = None) -> list[dict[str, Any]]:
        """Records and list entries past their last day in force whose `Expired` event is not stored yet.

        They are already shown and treated as expired (domain.effective, NT-PCI-30, JY-20); the sweep still
        has to record the expiry, the automatic repair (LYG-18) and push the lifts.
        """
        day = today or self.today()
        uow = self._read()
        found = []
        for name, cls in EXPIRING_INDEXES.items():
            for item_id in self._due_items(uow, name, day):
                item = uow.get(item_id, cls, "id")
                if awaiting_sweep(item.in_force, item.valid_until, day):
                    found.append({"kind": cls.__name__, "id": item.id, "subject_id": item.subject_id,
                                  "step": "expire", "due": item.valid_until, "days_late": (day - item.valid_until).days})
        return sorted(found, key=lambda s: (s["due"], str(s["id"])))

    def swept_on(self, day: date) -> bool:
        """Whether the daily sweep of `day` has run (its signed `DailySweep` marker exists)."""
        return self._read().find(DailySweep.create_id(day), DailySweep) is not None

    def as_of(self, aggregate_id: UUID, version: int) -> Any:
        """An aggregate as it stood at `version` (transaction-time history, NT-PCI-35/36)."""
        return self.ledger.get(aggregate_id, version=version)
