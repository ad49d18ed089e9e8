"""A demo ledger for the view-equals-domain tests (issue 16): every path of `ledger demo` through the real
service plus NT v2 cases (NAT-22-DL repair limits, NAT-APL-48 withdrawals), its views up to date, both backends."""

from __future__ import annotations

import random
from datetime import date
from typing import Any, Iterator

import pytest
from ledger_support.backends import initialised_ledger
from sqlalchemy import Engine

from domain.demo import NT_TAX, Clock, run_demo
from domain.identifiers import synthetic_resident_id
from ledger.app import LedgerApplication
from ledger.cli_domain import demo_service
from ledger.config import Settings
from projections.db import make_engine
from projections.follower import Follower


def _nt_v2_record(service: Any, clock: Clock, seed: int) -> Any:
    """A general NT record determined under NT v2 (from 2026-04-01), on a new made-up person."""
    clock.day = date(2026, 4, 1)
    person = service.register_person(NT_TAX, name="王五", id_number=synthetic_resident_id(
        random.Random(20261204 + seed), date(1980, 5, 5)))
    return service.record_dishonesty(
        NT_TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3", tier="general",
        basis={"type": "administrative_penalty", "number": f"通税罚〔2026〕{seed}号", "issuer": "国家税务总局南通市税务局",
               "date": date(2026, 3, 2)}, act_date=date(2026, 3, 2), determination_date=date(2026, 4, 1),
        summary="欠缴税款")


def _nt_v2_cases(service: Any, clock: Clock) -> dict[str, Any]:
    """NAT-APL-48: one withdrawal left open, one done late; NAT-22-DL: one repair publicised and not decided."""
    court = {"number": "（2026）苏06行终12号", "date": date(2026, 5, 6)}
    ids = {}
    for name, seed in (("open", 801), ("done", 802)):
        record_id = _nt_v2_record(service, clock, seed)
        clock.day = date(2026, 5, 6)
        ids[name] = service.register_penalty_change(NT_TAX, record_id=record_id, outcome="revoked", decision=court,
                                                    changed_on=date(2026, 5, 6))
    clock.day = date(2026, 5, 11)
    service.withdraw_penalty(NT_TAX, withdrawal_id=ids["done"], withdrawn_on=date(2026, 5, 11))
    record_id = _nt_v2_record(service, clock, 803)
    clock.day = date(2026, 7, 2)
    ids["repair"] = service.apply_for_repair(
        NT_TAX, record_id=record_id, applied_on=date(2026, 7, 2), corrected_on=date(2026, 5, 1),
        commitment={"number": "承诺〔2026〕9号", "date": date(2026, 7, 1), "text": "不再发生"})
    service.give_repair_opinion(NT_TAX, repair_id=ids["repair"], favourable=True, given_on=date(2026, 7, 2),
                                opinion={"number": "通税修〔2026〕9号", "date": date(2026, 7, 2), "text": "同意修复"})
    return ids


@pytest.fixture
def demo(backend_settings: Settings) -> Iterator[tuple[Engine, Any, dict[str, Any]]]:
    """Every demo path (28 subjects) and the NT v2 cases, the views brought up to date."""
    ledger: LedgerApplication = initialised_ledger(backend_settings)
    clock = Clock()
    service = demo_service(ledger, clock)
    assert run_demo(service, clock, 28, 11).failures == []
    ids = _nt_v2_cases(service, clock)
    engine = make_engine(backend_settings)
    Follower(ledger, engine).run_once()
    yield engine, service, ids | {"clock": clock}
    engine.dispose()
    ledger.close()
