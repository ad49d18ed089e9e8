"""Commands on policy profiles and subjects."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_unit
from domain.errors import RuleViolation
from domain.information import CreditInformation
from domain.profile_aggregate import PublishedProfile
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class SubjectCommands(ServiceBase):
    """publish_profile, register_person, register_organisation, link_responsible_person, record_information."""

    def publish_profile(self, actor: Actor, *, profile_id: str, version: int | None = None) -> UUID:
        """Publish the loaded profile version (ledger admin or credit office, JY-16), or a later `version` of it
        (issue 15.9); identical content again is a no-op (NT-PCI-36)."""
        versions = self.versions_of(profile_id)
        profile = self.profiles[profile_id] if version is None else versions.version(version, "version")
        check_unit(actor, (self.admin_unit, *profile.role_units("credit_office")), "JY-16", "actor",
                   "the ledger administrator or the credit office")
        uow = self._uow(actor)
        existing = uow.find(PublishedProfile.id_for(profile), PublishedProfile)
        if existing is not None:
            existing.check_same_content(profile)
            return existing.id
        published = PublishedProfile.publish(actor, profile)
        uow.add(published)
        uow.commit()
        return published.id

    def register_person(
        self, actor: Actor, *, name: str, id_number: str, address: str | None = None,
        telephone: str | None = None, full_civil_capacity: bool = True, **extra: Any,
    ) -> UUID:
        """Register a natural person of full civil capacity (NT-PCI-2, NT-PCI-15; LYG-5 fields; NT-PCI-14)."""
        subject = Subject.register_person(
            actor, self._secret, name=name, id_number=id_number, address=address, telephone=telephone,
            full_civil_capacity=full_civil_capacity, **extra,
        )
        return self._register(actor, subject, "id_number")

    def register_organisation(
        self, actor: Actor, *, name: str, uscc: str, legal_form: str = "legal_person",
        address: str | None = None, telephone: str | None = None, **extra: Any,
    ) -> UUID:
        """Register a legal person or unincorporated organisation (NT-PCI-18, NT-PCI-2)."""
        subject = Subject.register_organisation(
            actor, self._secret, name=name, uscc=uscc, legal_form=legal_form, address=address,
            telephone=telephone, **extra,
        )
        return self._register(actor, subject, "uscc")

    def _register(self, actor: Actor, subject: Subject, field: str) -> UUID:
        if self.ledger.exists(subject.id):
            raise RuleViolation("NT-PCI-36", field, "this subject is already registered; change it by legal procedure")
        uow = self._uow(actor)
        uow.add(subject)
        uow.commit()
        return subject.id

    def link_responsible_person(self, actor: Actor, *, organisation_id: UUID, person_id: UUID, role: str) -> UUID:
        """Link a legal representative, principal, directly responsible person or senior manager (NT-PCI-10/29)."""
        uow = self._uow(actor)
        organisation = self._subject(uow, organisation_id, "organisation_id")
        person = self._subject(uow, person_id, "person_id")
        organisation.link_responsible(actor, person, role)
        uow.commit()
        return organisation.id

    def record_information(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, category: str, document: dict[str, Any],
        disclosure: str, summary: str,
    ) -> UUID:
        """Record basic, positive or other information of the profile's catalog (NT-PCI-9..13), by a provider
        the profile names (NT-PCI-4, JY-5); its disclosure class is stated by the provider (NT-PCI-19)."""
        profile = self._profile(profile_id)
        profile.check_determining_unit(actor.unit)
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        item = CreditInformation.record(actor, profile, subject, self.today(), category=category,
                                        document_given=document, disclosure=disclosure, summary=summary)
        self._file(uow, subject, "information", None, item)
        uow.commit()
        return item.id

    def information_of(self, subject_id: UUID) -> list[CreditInformation]:
        """The subject's basic, positive and other information (NT-PCI-9..13), oldest first."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        subject = self._subject(uow, subject_id)
        return [uow.get(i, CreditInformation, "information_id") for i in subject.ids("information")]
