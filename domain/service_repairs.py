"""Commands on credit repair (NT-PCI-34/35, HA-5.1, CS-2.7)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_unit
from domain.documents import document
from domain.effective import item_in_force
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.record import DishonestyRecord
from domain.repair import RepairApplication
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class RepairCommands(ServiceBase):
    """apply_for_repair, review_repair, give_repair_opinion, object_in_repair_publicity, verify_repair_objection,
    decide_repair."""

    def apply_for_repair(self, actor: Actor, *, record_id: UUID, applied_on: date, corrected_on: date | None = None,
                         commitment: dict[str, Any] | None = None, public_service: Sequence[str] = ()) -> UUID:
        """Apply for repair once the conditions hold (NT-PCI-34; free of charge, HA-5.1)."""
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        profile = self._profile(record.policy_id, on=applied_on)  # issue 15.9: procedure on the act's day
        # NT-PCI-4 (谁处罚、谁修复): the provider, or the credit office or centre's window, files the application
        receivers = (record.determining_unit, *profile.role_units("credit_office", "credit_centre", "aggregator",
                                                                  "collector"))
        check_unit(actor, receivers, "NT-PCI-4", "actor", "the provider or the credit office")
        if public_service and not profile.repair.public_service_counts:  # JY-23: only where the text counts it
            raise RuleViolation("JY-23", "public_service", f"{profile.label} does not count public service for repair")
        subject = self._subject(uow, record.subject_id)
        repair = RepairApplication.apply(
            actor, profile, record, self._records(uow, subject), self.today(),
            applied_on=applied_on, corrected_on=corrected_on, commitment=commitment, public_service=public_service,
            record_profile=self._profile(record.policy_id, version=record.policy_version),
        )
        if any(r.open and r.record_id == record.id for r in self._repairs(uow, subject)):
            raise RuleViolation("NT-PCI-35", "record_id", "a repair application is already pending")
        self._file(uow, subject, "repair", "repairs", repair)
        uow.commit()
        return repair.id

    def _repairs(self, uow: UnitOfWork, subject: Subject) -> list[RepairApplication]:
        return [uow.get(i, RepairApplication, "repair_id") for i in subject.ids("repair")]

    def give_repair_opinion(self, actor: Actor, *, repair_id: UUID, favourable: bool, opinion: dict[str, Any],
                            given_on: date) -> UUID:
        """The provider's written opinion, published for 5 working days (NT-PCI-35)."""
        uow = self._uow(actor)
        repair = uow.get(repair_id, RepairApplication, "repair_id")
        repair.give_opinion(actor, self._profile(repair.policy_id, on=given_on), self.today(), favourable=favourable,
                            opinion=opinion, given_on=given_on)
        uow.commit()
        return repair.id

    def review_repair(self, actor: Actor, *, repair_id: UUID, approved: bool, opinion: str,
                      reviewed_on: date) -> UUID:
        """CS-2.7: the enforcement bureau reviews the application before the urban-management office adjusts;
        a negative review refuses it."""
        uow = self._uow(actor)
        repair = uow.get(repair_id, RepairApplication, "repair_id")
        repair.review_application(actor, self._profile(repair.policy_id, on=reviewed_on), self.today(), approved=approved,
                                  opinion=opinion, reviewed_on=reviewed_on)
        if not repair.open:
            self._close(uow, "repairs", repair.id)
        uow.commit()
        return repair.id

    def object_in_repair_publicity(self, actor: Actor, *, repair_id: UUID, statement: str, filed_on: date) -> UUID:
        """Register an objection raised during the repair publicity (NT-PCI-35), by the provider, the credit
        office or the credit centre; the repair waits for its verification."""
        uow = self._uow(actor)
        repair = uow.get(repair_id, RepairApplication, "repair_id")
        profile = self._profile(repair.policy_id, on=filed_on)  # issue 15.9: procedure on the act's day
        receivers = (repair.handler_unit, *profile.role_units("credit_office", "credit_centre"))
        check_unit(actor, receivers, "NT-PCI-35", "actor", "a unit that receives objections")
        repair.object_in_publicity(actor, profile, self.today(), statement=statement, filed_on=filed_on)
        uow.commit()
        return repair.id

    def verify_repair_objection(self, actor: Actor, *, repair_id: UUID, number: int, founded: bool, opinion: str,
                                verified_on: date) -> UUID:
        """The provider verifies a publicity objection and gives its opinion (NT-PCI-35)."""
        uow = self._uow(actor)
        repair = uow.get(repair_id, RepairApplication, "repair_id")
        repair.verify_objection(actor, self._profile(repair.policy_id, on=verified_on), self.today(), number=number,
                                founded=founded, opinion=opinion, verified_on=verified_on)
        uow.commit()
        return repair.id

    def decide_repair(self, actor: Actor, *, repair_id: UUID, approved: bool, reasons: str, decided_on: date,
                      decision: dict[str, Any] | None = None) -> UUID:
        """Approve after publicity: the record is archived and every sanction lifted, everywhere (HA-5.1); under
        LYG-16 the decision document is sent to the credit office with the repair."""
        uow = self._uow(actor)
        repair = uow.get(repair_id, RepairApplication, "repair_id")
        profile = self._profile(repair.policy_id, on=decided_on)  # issue 15.9: the decision's day decides
        sent = None
        if approved and profile.repair.decision_to_credit_office:
            sent = document(decision, self.today(), "LYG-16", "decision")
        repair.decide(actor, profile, self.today(), approved=approved, reasons=reasons, decided_on=decided_on)
        self._close(uow, "repairs", repair.id)
        if approved:
            record = uow.get(repair.record_id, DishonestyRecord, "record_id")
            for item in [record, *self._derived_records(uow, record)]:
                if item_in_force(item, decided_on):  # one function of events and day: not one past its last day
                    item.repair(actor, profile, repair_id=repair.id, repaired_on=decided_on, decision=sent)
                    self._close_record(uow, item, f"repaired ({repair.id}, HA-5.1)", decided_on,
                                       _reference(repair, item, profile))
        uow.commit()
        return repair.id


def _reference(repair: RepairApplication, record: DishonestyRecord, profile: PolicyProfile) -> list[dict[str, Any]]:
    """The repair as the reference of the list exit it causes, with the public service done (JY-23)."""
    if not profile.repair.public_service_counts:
        return []
    return [{"repair_id": str(repair.id), "record_id": str(record.id), "public_service": list(repair.public_service),
             "approved_on": repair.decision["on"]}]
