"""Test data for the domain tests: made-up subjects, documents and actors (no real persons)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.identifiers import synthetic_credit_code, synthetic_resident_id

RNG_SEED = 20250616
SECRET = b"test-ledger-secret-0123456789abcdef"
ADMIN = Actor("ledger-admin", "admin")


def person_id(birth: date, seed: int = 0) -> str:
    """A valid, made-up resident ID number born on `birth`."""
    return synthetic_resident_id(random.Random(RNG_SEED + seed), birth)


def credit_code(seed: int = 0) -> str:
    """A valid, made-up unified social credit code."""
    return synthetic_credit_code(random.Random(RNG_SEED + seed))


def bad_check(number: str) -> str:
    """The same number with a wrong check character."""
    last = number[-1]
    return number[:-1] + ("1" if last != "1" else "2")


def basis(day: date, number: str = "罚字〔2024〕1号", issuer: str = "市场监督管理局",
          kind: str = "administrative_penalty") -> dict[str, Any]:
    """A legal-basis document (HA-2.2)."""
    return {"type": kind, "number": number, "issuer": issuer, "date": day}


def doc(day: date, number: str = "文〔2024〕1号", text: str | None = None) -> dict[str, Any]:
    """A numbered, dated document, optionally with text."""
    result: dict[str, Any] = {"number": number, "date": day}
    if text is not None:
        result["text"] = text
    return result


def actor(unit: str, user: str = "clerk") -> Actor:
    """An actor of `unit`."""
    return Actor(unit, user)


def lyg_serious_black_listing(service: Any, id_seq: int) -> tuple[Any, Any, Any, Any]:
    """A LYG-12.4 serious record on a new person, black-listed and confirmed (shared test setup)."""
    bureau, credit = actor("lyg-petition-bureau"), actor("lyg-credit-office")
    person = service.register_person(bureau, name="张三", id_number=person_id(date(1966, 6, 6), id_seq))
    record = service.record_dishonesty(
        bureau, profile_id="LYG", subject_id=person, behaviour_code="LYG-12.4", tier="serious",
        basis=basis(date(2019, 9, 2), "公处〔2019〕5号", "连云港市公安局", "other_statutory"),
        act_date=date(2019, 8, 20), determination_date=date(2019, 9, 2))
    entry = service.draft_list_entry(bureau, profile_id="LYG", subject_id=person, list_code="black",
                                     record_ids=[record], drafted_on=date(2019, 9, 3), reason="缠访闹访")
    service.confirm_list_entry(credit, list_entry_id=entry, confirmed_on=date(2019, 9, 10))
    return credit, person, record, entry


def correct_determination_date(service: Any, record_id: Any, new_date: date, penalty: dict[str, Any]) -> None:
    """NT-PCI-32: an objection to the determination date, upheld by the tax bureau and corrected by the credit
    office (the centre corrects, NT-PCI-32) on 2024-03-12."""
    credit, tax = actor("nt-credit-office"), actor("nt-tax-bureau")
    objection = service.file_objection(credit, record_id=record_id, grounds="wrong_or_incomplete",
                                       statement="认定日期有误", filed_on=date(2024, 3, 4))
    service.decide_objection(tax, objection_id=objection, upheld=True, reasons="日期有误", decided_on=date(2024, 3, 8))
    service.apply_correction(credit, objection_id=objection, changes={"determination_date": new_date,
                                                                     "basis": dict(penalty, date=new_date)},
                             applied_on=date(2024, 3, 12))


def refused(ledger: Any, call: Any, **kwargs: Any) -> tuple[str, str]:
    """The rule id and field of a refusal of `call(**kwargs)`; nothing was stored."""
    count = ledger.event_count()
    with pytest.raises(RuleViolation) as exc:
        call(**kwargs)
    assert ledger.event_count() == count
    return exc.value.rule_id, exc.value.field
