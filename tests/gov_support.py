"""Test data for the government-integrity tests (NT-GOV): made-up bodies and civil servants (no real persons)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.identifiers import synthetic_resident_id, uscc_check_char

RNG_SEED = 20250616


def actor(unit: str, user: str = "clerk") -> Actor:
    """An actor of `unit`."""
    return Actor(unit, user)


def person_id(birth: date, seed: int = 0) -> str:
    """A valid, made-up resident ID number born on `birth`."""
    return synthetic_resident_id(random.Random(RNG_SEED + seed), birth)

ORG = actor("nt-organisation-department")
HR = actor("nt-hrss")
CREDIT = actor("nt-credit-office")
DISCIPLINE = actor("nt-discipline-supervision")
STATS = actor("nt-statistics-bureau")
FINANCE = actor("nt-finance-bureau")


def body_code(seed: int = 0) -> str:
    """A valid, made-up credit code of type 11 (机构编制, 机关)."""
    rng = random.Random(RNG_SEED + seed)
    body = "11320600" + "MB" + "".join(rng.choice("0123456789") for _ in range(7))
    return body + uscc_check_char(body)


def judgment(day: date, number: str = "(2024)苏06行初1号", issuer: str = "南通市中级人民法院") -> dict[str, Any]:
    """A court judgment document (NT-GOV-2.2b); the type is the source kind's."""
    return {"number": number, "issuer": issuer, "date": day}


def register_body(service: Any, name: str = "南通市某局", seed: int = 0, **extra: Any) -> UUID:
    """A registered city department."""
    return service.register_government_body(ORG, profile_id="NT", name=name, uscc=body_code(seed), level="city",
                                            **extra)


def register_servant(service: Any, employer: UUID, seed: int = 0, name: str = "王五") -> UUID:
    """A registered civil servant of `employer`."""
    return service.register_civil_servant(HR, profile_id="NT", name=name,
                                          id_number=person_id(date(1975, 3, 3), 500 + seed),
                                          employer_id=employer, post="科长")


def judged_record(service: Any, body: UUID, year: int = 2025) -> UUID:
    """A general government dishonesty record against `body` on a court judgment (NT-GOV-2.2b, NT-GOV-3.4)."""
    return service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=body, source_kind="court_judgment", document=judgment(date(year, 3, 1)),
        behaviour_code="NT-GOV-3.4", tier="general", act_date=date(year - 1, 11, 1),
        determination_date=date(year, 3, 2))
