"""Commands on objections to records and list entries (NT-PCI-31..33, LYG-14..17, JY-6, JY-24)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_text, check_unit
from domain.documents import document
from domain.errors import RuleViolation
from domain.list_entry import ACTIVE, ListEntry
from domain.objection import LIST_ENTRY, SUBJECT, Objection
from domain.policy import PolicyProfile
from domain.record import DishonestyRecord
from domain.sanction import SanctionCase
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class ObjectionCommands(ServiceBase):
    """file_objection, file_list_entry_objection, refer_objection, verify_objection, decide_objection,
    apply_correction, appeal."""

    def file_objection(self, actor: Actor, *, record_id: UUID, grounds: str, statement: str, filed_on: date,
                       filed_by: str = SUBJECT, authorisation: dict[str, Any] | None = None,
                       documents: list[dict[str, Any]] | None = None) -> UUID:
        """File an objection with the documents it rests on (NT-PCI-31); the record is flagged but still published
        and used (NT-PCI-32, LYG-17)."""
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        profile = self._profile(record.policy_id, on=filed_on)  # issue 15.9: procedure on the act's day
        objection = Objection.file(actor, profile, record, self.today(), grounds=grounds, statement=statement,
                                   filed_on=filed_on, filed_by=filed_by, authorisation=authorisation,
                                   documents=documents)
        subject = self._subject(uow, record.subject_id)
        self._check_receiver(uow, actor, profile, subject, record.determining_unit, record.id)
        record.flag(actor, profile, objection.id)
        self._file(uow, subject, "objection", "objections", objection)
        uow.commit()
        return objection.id

    def file_list_entry_objection(self, actor: Actor, *, list_entry_id: UUID, grounds: str, statement: str,
                                  filed_on: date, filed_by: str = SUBJECT,
                                  authorisation: dict[str, Any] | None = None,
                                  documents: list[dict[str, Any]] | None = None) -> UUID:
        """Object to a list entry (JY-6.1/6.2 publicity, HA-4.1 prior notice, NT-PCI-31): flagged, not suspended."""
        uow = self._uow(actor)
        entry = uow.get(list_entry_id, ListEntry, "list_entry_id")
        profile = self._profile(entry.policy_id, on=filed_on)  # issue 15.9: procedure on the act's day
        objection = Objection.file_on_entry(actor, profile, entry, self.today(), grounds=grounds,
                                            statement=statement, filed_on=filed_on, filed_by=filed_by,
                                            authorisation=authorisation, documents=documents)
        subject = self._subject(uow, entry.subject_id)
        self._check_receiver(uow, actor, profile, subject, entry.determining_unit, entry.id)
        entry.flag(actor, profile, objection.id)
        self._file(uow, subject, "objection", "objections", objection)
        uow.commit()
        return objection.id

    def _check_receiver(self, uow: UnitOfWork, actor: Actor, profile: PolicyProfile, subject: Subject,
                        determining_unit: str, source_id: UUID) -> None:
        """Who registers a subject's objection: the determining unit (LYG-14, JY-6.1), the credit office or
        centre (NT-PCI-32), the collecting or aggregating unit (LYG-4, CS-2.2), or a department applying a
        measure resting on it (JY-24)."""
        departments = [c.department for c in (uow.get(i, SanctionCase, "sanction_id") for i in subject.ids("sanction"))
                       if c.source_id == source_id]
        receivers = (determining_unit, *profile.role_units("credit_office", "credit_centre", "aggregator",
                                                           "collector"), *departments)
        rule_id = "LYG-14" if profile.find_deadline("objection_answer") else "NT-PCI-32"
        check_unit(actor, receivers, rule_id, "actor", "a unit that receives objections")

    def _target(self, uow: UnitOfWork, objection: Objection) -> DishonestyRecord | ListEntry:
        """The record or list entry the objection is about."""
        if objection.target_kind == LIST_ENTRY:
            return uow.get(objection.target_id, ListEntry, "list_entry_id")
        return uow.get(objection.target_id, DishonestyRecord, "record_id")

    def refer_objection(self, actor: Actor, *, objection_id: UUID, referred_on: date) -> UUID:
        """Refer to the information provider for verification (NT-PCI-32)."""
        uow = self._uow(actor)
        objection = uow.get(objection_id, Objection, "objection_id")
        objection.refer(actor, self._profile(objection.policy_id, on=referred_on), self.today(), referred_on=referred_on)
        uow.commit()
        return objection.id

    def verify_objection(self, actor: Actor, *, objection_id: UUID, correct: bool, findings: str,
                         verified_on: date) -> UUID:
        """The provider verifies a referred objection and feeds back to the centre (NT-PCI-32: 5 working days)."""
        uow = self._uow(actor)
        objection = uow.get(objection_id, Objection, "objection_id")
        objection.verify(actor, self._profile(objection.policy_id, on=verified_on), self.today(), correct=correct, findings=findings,
                         verified_on=verified_on)
        uow.commit()
        return objection.id

    def decide_objection(self, actor: Actor, *, objection_id: UUID, upheld: bool, reasons: str,
                         decided_on: date) -> UUID:
        """The determining unit answers (NT-PCI-4, LYG-15); rejected → flag removed, original kept."""
        uow = self._uow(actor)
        objection = uow.get(objection_id, Objection, "objection_id")
        profile = self._profile(objection.policy_id, on=decided_on)
        objection.decide(actor, profile, self.today(), upheld=upheld, reasons=reasons, decided_on=decided_on)
        if not upheld:
            self._target(uow, objection).unflag(actor, profile, objection.id, "rejected")
            self._close(uow, "objections", objection.id)
        uow.commit()
        return objection.id

    def apply_correction(self, actor: Actor, *, objection_id: UUID, changes: dict[str, Any], applied_on: date) -> UUID:
        """Correct the record after an upheld objection; the old values stay in its history (NT-PCI-32).

        For a list-entry objection the correction withdraws the entry (`changes["reason"]` required): a draft
        is exited before confirmation (JY-6.2); a confirmed entry is revoked with a written apology
        (`changes["apology"]`, black lists) or the benefits recovered (`changes["benefits_recovered"]`, red) (JY-24).
        """
        uow = self._uow(actor)
        today = self.today()
        objection = uow.get(objection_id, Objection, "objection_id")
        profile = self._profile(objection.policy_id, on=applied_on)  # issue 15.9: procedure on the act's day
        objection.check_can_correct(actor, profile, today, applied_on)
        target = self._target(uow, objection)
        # NT-PCI-32: the correction is published in the original scope (before any change to it)
        scope = target.disclosure if isinstance(target, DishonestyRecord) else (target.publicity or {}).get("channel")
        if isinstance(target, ListEntry):
            self._withdraw_entry(uow, target, changes, applied_on)
        else:
            subject = self._subject(uow, target.subject_id)
            own = self._profile(target.policy_id, version=target.policy_version)  # validity: the record's version
            target.correct(actor, own, subject, today, objection_id=objection.id, changes=changes)
        target.unflag(actor, profile, objection.id, "corrected")
        objection.record_correction(actor, profile, today, applied_on=applied_on, changes=changes, scope=scope)
        self._close(uow, "objections", objection.id)
        uow.commit()
        return objection.id

    def _withdraw_entry(self, uow: UnitOfWork, entry: ListEntry, changes: dict[str, Any], on: date) -> None:
        """An upheld objection to a list entry: exit a draft (JY-6.2), revoke a confirmed entry (JY-24)."""
        if not isinstance(changes, dict):
            raise RuleViolation("NT-PCI-32", "changes", "changes must be a mapping")
        unknown = set(changes) - {"reason", "apology", "benefits_recovered"}
        if unknown:
            raise RuleViolation("NT-PCI-32", "changes", f"a list entry is withdrawn, not edited: {sorted(unknown)}")
        reason = check_text(changes.get("reason"), "NT-PCI-32", "changes.reason")
        entry.check_status(ACTIVE, "NT-PCI-32")
        if not entry.in_force:
            self._exit_entries(uow, self._subject(uow, entry.subject_id), lambda e: e.id == entry.id,
                               f"objection upheld: {reason}", on)
        elif self._profile(entry.policy_id, on=on).list_rule(entry.list_code).reward:  # JY-24: red returns benefits
            recovered = check_text(changes.get("benefits_recovered"), "JY-24", "changes.benefits_recovered")
            self._revoke_entry(uow, entry, reason, {"benefits_recovered": recovered}, on)
        else:
            apology = document(changes.get("apology"), self.today(), "JY-24", "changes.apology", text=True)
            self._revoke_entry(uow, entry, reason, apology, on)

    def appeal_objection(self, actor: Actor, *, objection_id: UUID, body: str, appealed_on: date,
                         statement: str) -> UUID:
        """Appeal against the result (NT-PCI-33)."""
        uow = self._uow(actor)
        objection = uow.get(objection_id, Objection, "objection_id")
        objection.appeal(actor, self._profile(objection.policy_id, on=appealed_on), self.today(), body=body,
                         appealed_on=appealed_on, statement=statement)
        uow.commit()
        return objection.id
