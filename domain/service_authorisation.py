"""Authorised queries (NT-PCI-22, HA-5.3) kept apart from government sharing (NT-PCI-19/20); each read registered."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.access_log import AccessRecord
from domain.actor import Actor
from domain.authorisation import AUTHORISED_CLASSES, SHARED_CLASSES, QueryAuthorisation
from domain.common import check_text
from domain.errors import RuleViolation
from domain.information import CreditInformation
from domain.record import DishonestyRecord
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class AuthorisationCommands(ServiceBase):
    """grant_query_authorisation, withdraw_query_authorisation, authorised_query, government_shared_query."""

    def grant_query_authorisation(
        self, actor: Actor, *, subject_id: UUID, requester: str, method: str, purpose: str, granted_on: date,
        valid_until: date, evidence: object,
    ) -> UUID:
        """Register the subject's authorisation of `requester` for one purpose until a stated day (NT-PCI-22)."""
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        granted = QueryAuthorisation.grant(actor, subject, self.today(), requester=requester, method=method,
                                           purpose=purpose, granted_on=granted_on, valid_until=valid_until,
                                           evidence=evidence)
        uow.add(granted)
        uow.commit()
        return granted.id

    def withdraw_query_authorisation(self, actor: Actor, *, authorisation_id: UUID, withdrawn_on: date) -> UUID:
        """The subject withdraws an authorisation (HA-5.3)."""
        uow = self._uow(actor)
        granted = uow.get(authorisation_id, QueryAuthorisation, "authorisation_id")
        granted.withdraw(actor, self.today(), withdrawn_on=withdrawn_on)
        uow.commit()
        return granted.id

    def authorised_query(self, actor: Actor, *, subject_id: UUID, purpose: str,
                         authorisation_id: UUID) -> dict[str, list[Any]]:
        """The public and authorised-query items, only under a running authorisation for this requester and
        purpose (NT-PCI-22, HA-5.3); the read is registered with the authorisation as its basis (HA-5.2)."""
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        granted = uow.get(authorisation_id, QueryAuthorisation, "authorisation_id")
        granted.check_allows(actor, subject.id, check_text(purpose, "HA-5.3", "purpose"), self.today())
        return self._registered_read(uow, subject, AUTHORISED_CLASSES, purpose,
                                     f"NT-PCI-22 authorisation {granted.id} ({granted.method})")

    def government_shared_query(self, actor: Actor, *, subject_id: UUID, purpose: str,
                                basis: str) -> dict[str, list[Any]]:
        """Public and government-shared items for a government unit's duties (NT-PCI-19/20), never the
        authorised-query class; a third party (bank, association) is refused (JY-5)."""
        known = [p.units[actor.unit] for p in self.profiles.values() if actor.unit in p.units]
        if not known or any(u.reference_only for u in known):
            raise RuleViolation("NT-PCI-19", "actor", f"{actor.unit} is no government unit: use an authorised query")
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        return self._registered_read(uow, subject, SHARED_CLASSES, purpose,
                                     f"NT-PCI-19 government sharing: {check_text(basis, 'HA-5.2', 'basis')}")

    def _registered_read(self, uow: UnitOfWork, subject: Subject, classes: tuple[str, ...], purpose: str,
                         basis: str) -> dict[str, list[Any]]:
        """The in-force records and information items of `classes`, after registering the read (HA-5.2)."""
        records = [uow.get(i, DishonestyRecord, "record_id") for i in subject.ids("record")]
        items = [uow.get(i, CreditInformation, "information_id") for i in subject.ids("information")]
        uow.add(AccessRecord.register(uow.actor, subject_id=subject.id, purpose=purpose, basis=basis,
                                      channel="api", what=f"credit information: {', '.join(classes)}"))
        uow.commit()
        return {"records": [r for r in records if r.in_force and r.disclosure in classes],
                "information": [i for i in items if i.disclosure in classes]}
