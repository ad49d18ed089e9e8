"""Subject: a person (resident ID) or organisation (USCC); the only holder of personal data."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import RESPONSIBLE_ROLES, actor_stamp, check_choice, check_text
from domain.errors import RuleViolation
from domain.identifiers import CreditCode, ResidentId, mask_name
from domain.privacy import check_no_forbidden_data, check_person_fields

PERSON = "person"
ORGANISATION_FORMS = ("legal_person", "unincorporated")  # NT-PCI-2: legal persons, unincorporated organisations
# NT-PCI-10: an organisation's basic information names its legal representative, responsible persons and
# senior managers (高管); only the RESPONSIBLE_ROLES carry NT-PCI-29 derived records and sanctions.
SENIOR_MANAGER = "senior_manager"
LINK_ROLES = (*RESPONSIBLE_ROLES, SENIOR_MANAGER)
ITEM_KINDS = ("record", "list_entry", "objection", "repair", "sanction", "points", "information",
              "gov_file", "fault_tolerance", "gov_case")  # the last three: NT-GOV-2.2a, 2.2c, 2.4
GOVERNMENT_BODY, CIVIL_SERVANT = "government_body", "civil_servant"  # NT-GOV-2.2a
GOVERNMENT_BODY_CODE_TYPE = "11"  # GB 32100: registration authority 1 (机构编制), type 1 (机关)


def subject_id_for(secret: bytes, kind: str, key: str) -> UUID:
    """Keyed subject id: HMAC-SHA256(ledger secret, kind:key) shaped as an RFC 9562 version-8 UUID.

    Never derived from the bare ID number (18 digits with a birth date are easy to enumerate).
    """
    digest = hmac.new(secret, f"{kind}:{key}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:16], "big")
    value &= ~(0xC000 << 48)
    value |= 0x8000 << 48  # RFC variant
    value &= ~(0xF000 << 64)
    value |= 8 << 76  # version 8: custom
    return UUID(int=value)


def check_full_civil_capacity(stated: object) -> None:
    """NT-PCI-2: a natural person is a credit subject only with full civil capacity (完全民事行为能力)."""
    if stated is not True:
        raise RuleViolation("NT-PCI-2", "full_civil_capacity",
                            "only a natural person with full civil capacity is a credit subject")


class Subject(Aggregate):
    """A credit subject (NT-PCI-2) with its identifiers and the ids of everything filed against it."""

    @classmethod
    def register_person(
        cls, actor: Actor, secret: bytes, *, name: str, id_number: str,
        address: str | None = None, telephone: str | None = None, full_civil_capacity: bool = True, **extra: Any,
    ) -> Subject:
        """A natural person keyed by resident ID (NT-PCI-15); only LYG-5 fields, nothing forbidden (NT-PCI-14)."""
        fields = {"name": name, "id_number": id_number, "address": address, "telephone": telephone, **extra}
        check_no_forbidden_data({k: v for k, v in fields.items() if v is not None})
        check_person_fields(fields)
        check_full_civil_capacity(full_civil_capacity)
        resident = ResidentId.parse(id_number)
        return cls(
            id=subject_id_for(secret, PERSON, resident.number), kind=PERSON,
            name=check_text(name, "LYG-5", "name"), id_number=resident.number, uscc=None,
            birth_date=resident.birth_date, sex=resident.sex, address=address, telephone=telephone,
            full_civil_capacity=True, **actor_stamp(actor),
        )

    @classmethod
    def register_organisation(
        cls, actor: Actor, secret: bytes, *, name: str, uscc: str, legal_form: str = "legal_person",
        address: str | None = None, telephone: str | None = None, **extra: Any,
    ) -> Subject:
        """A legal person or organisation keyed by unified social credit code (NT-PCI-18, NT-PCI-10)."""
        fields = {"name": name, "uscc": uscc, "address": address, "telephone": telephone, **extra}
        check_no_forbidden_data({k: v for k, v in fields.items() if v is not None})
        check_person_fields(fields, frozenset({"name", "uscc", "address", "telephone"}))
        code = CreditCode.parse(uscc)
        return cls(
            id=subject_id_for(secret, "organisation", code.code),
            kind=check_choice(legal_form, ORGANISATION_FORMS, "NT-PCI-2", "legal_form"),
            name=check_text(name, "NT-PCI-10", "name"), id_number=None, uscc=code.code,
            birth_date=None, sex=None, address=address, telephone=telephone, **actor_stamp(actor),
        )

    @classmethod
    def register_government_body(
        cls, actor: Actor, secret: bytes, *, name: str, uscc: str, level: str, superior: Subject | None = None,
        unit: str | None = None, levels: tuple[str, ...] = (),
    ) -> Subject:
        """A government or department keyed by its USCC of type 11 (NT-GOV-2.2a), with level and superior body."""
        check_no_forbidden_data({"name": name})
        code = CreditCode.parse(uscc)
        if code.code[:2] != GOVERNMENT_BODY_CODE_TYPE:
            raise RuleViolation("NT-GOV-2.2a", "uscc",
                                f"a government body's credit code is of type {GOVERNMENT_BODY_CODE_TYPE}, "
                                f"not {code.code[:2]}")
        if superior is not None and superior.kind != GOVERNMENT_BODY:
            raise RuleViolation("NT-GOV-2.2a", "superior_id", "the superior must be a registered government body")
        subject = cls(
            id=subject_id_for(secret, GOVERNMENT_BODY, code.code), kind=GOVERNMENT_BODY,
            name=check_text(name, "NT-GOV-2.2a", "name"), id_number=None, uscc=code.code,
            birth_date=None, sex=None, address=None, telephone=None, **actor_stamp(actor),
        )
        subject._place(level=check_choice(level, levels, "NT-GOV-2.2a", "level"),
                       superior_id=superior.id if superior else None, employer_id=None, post=None,
                       unit=check_text(unit, "NT-GOV-2.2a", "unit") if unit else None, **actor_stamp(actor))
        return subject

    @classmethod
    def register_civil_servant(
        cls, actor: Actor, secret: bytes, *, name: str, id_number: str, employer: Subject, post: str,
        address: str | None = None, telephone: str | None = None,
    ) -> Subject:
        """A civil servant (公务员): a person with a person's ID rules and privacy, plus employing body and post."""
        fields = {"name": name, "id_number": id_number, "address": address, "telephone": telephone}
        check_no_forbidden_data({k: v for k, v in fields.items() if v is not None})
        check_person_fields(fields)
        if employer.kind != GOVERNMENT_BODY:
            raise RuleViolation("NT-GOV-2.2a", "employer_id", "the employing body must be a registered government body")
        resident = ResidentId.parse(id_number)
        subject = cls(
            id=subject_id_for(secret, CIVIL_SERVANT, resident.number), kind=CIVIL_SERVANT,
            name=check_text(name, "LYG-5", "name"), id_number=resident.number, uscc=None,
            birth_date=resident.birth_date, sex=resident.sex, address=address, telephone=telephone,
            full_civil_capacity=True, **actor_stamp(actor),
        )
        subject._place(level=None, superior_id=None, employer_id=employer.id,
                       post=check_text(post, "NT-GOV-2.2a", "post"), unit=None, **actor_stamp(actor))
        return subject

    @event("Registered")
    def __init__(
        self, id: UUID, kind: str, name: str, id_number: str | None, uscc: str | None,
        birth_date: date | None, sex: str | None, address: str | None, telephone: str | None,
        actor_unit: str, actor_user: str, full_civil_capacity: bool | None = None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.id_number = id_number
        self.uscc = uscc
        self.birth_date = birth_date
        self.sex = sex
        self.address = address
        self.telephone = telephone
        self.full_civil_capacity = full_civil_capacity  # NT-PCI-2, stated for persons; None for organisations
        self.responsible: list[dict[str, str]] = []
        self.items: dict[str, list[str]] = {k: [] for k in ITEM_KINDS}
        self.government: dict[str, Any] | None = None  # NT-GOV-2.2a: level, superior, employer, post, unit

    @event("GovernmentPlaced")
    def _place(self, level: str | None, superior_id: UUID | None, employer_id: UUID | None, post: str | None,
               unit: str | None, actor_unit: str, actor_user: str) -> None:
        self.government = {"level": level, "superior_id": str(superior_id) if superior_id else None,
                           "employer_id": str(employer_id) if employer_id else None, "post": post, "unit": unit}

    # --- queries -----------------------------------------------------------------------------
    @property
    def is_person(self) -> bool:
        """Whether the subject is a natural person."""
        return self.kind in (PERSON, CIVIL_SERVANT)  # a civil servant is a person: same ID rules and privacy

    @property
    def is_government(self) -> bool:
        """Whether the subject is a government body or a civil servant (NT-GOV-2.2a)."""
        return self.kind in (GOVERNMENT_BODY, CIVIL_SERVANT)

    def age_on(self, day: date) -> int:
        """Age in full years on `day`, derived from the ID number's birth date (LYG-6)."""
        if self.birth_date is None:
            raise RuleViolation("LYG-6", "subject_id", "an organisation has no age")
        return ResidentId(self.id_number or "", self.birth_date, self.sex or "").age_on(day)

    def masked(self) -> dict[str, str]:
        """Masked name and identifier for public views (HA-3.2)."""
        if self.is_person:
            number = ResidentId(self.id_number or "", self.birth_date or date.min, self.sex or "").masked()
            return {"name": mask_name(self.name), "id": number}
        return {"name": self.name, "id": CreditCode(self.uscc or "").masked()}

    def ids(self, kind: str) -> list[UUID]:
        """Ids of the subject's records, list entries, objections, repairs, sanctions or points accounts."""
        return [UUID(i) for i in self.items.get(kind, [])]

    def responsible_persons(self) -> list[tuple[UUID, str]]:
        """Linked legal representative, principal and directly responsible persons (NT-PCI-29)."""
        return [(UUID(link["person_id"]), link["role"]) for link in self.responsible
                if link["role"] in RESPONSIBLE_ROLES]

    def senior_managers(self) -> list[UUID]:
        """Linked senior managers: basic information only, no derived records (NT-PCI-10)."""
        return [UUID(link["person_id"]) for link in self.responsible if link["role"] == SENIOR_MANAGER]

    # --- commands ----------------------------------------------------------------------------
    def check_can_link(self, person: Subject, role: str) -> None:
        """NT-PCI-10/29: only an organisation has responsible persons, and they are natural persons."""
        check_choice(role, LINK_ROLES, "NT-PCI-10", "role")
        if self.is_person:
            raise RuleViolation("NT-PCI-29", "organisation_id", "a natural person has no responsible persons")
        if not person.is_person:
            raise RuleViolation("NT-PCI-29", "person_id", "a responsible person must be a natural person")
        if {"person_id": str(person.id), "role": role} in self.responsible:
            raise RuleViolation("NT-PCI-29", "person_id", f"already linked as {role}")

    def link_responsible(self, actor: Actor, person: Subject, role: str) -> None:
        """Link a responsible person or senior manager (NT-PCI-10, NT-PCI-29, CS-2.1)."""
        self.check_can_link(person, role)
        self._link_responsible(person_id=person.id, role=role, **actor_stamp(actor))

    @event("ResponsiblePersonLinked")
    def _link_responsible(self, person_id: UUID, role: str, actor_unit: str, actor_user: str) -> None:
        self.responsible.append({"person_id": str(person_id), "role": role})

    def file(self, actor: Actor, kind: str, item_id: UUID) -> None:
        """Keep the id of something filed against the subject (no personal data in the item)."""
        if str(item_id) not in self.items.get(kind, []):
            self._file(kind=kind, item_id=item_id, **actor_stamp(actor))

    @event("ItemFiled")
    def _file(self, kind: str, item_id: UUID, actor_unit: str, actor_user: str) -> None:
        self.items.setdefault(kind, []).append(str(item_id))
