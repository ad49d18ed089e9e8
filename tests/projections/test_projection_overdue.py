"""Overdue steps and expiries awaiting the sweep read from the views equal the domain's answers (issue 16):
`projections.overdue` against `CreditService.overdue` / `awaiting_sweep` on `ledger demo`'s paths plus NT v2
cases (NAT-22-DL repair limits, NAT-APL-48 withdrawals), through the real service, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from uuid import UUID

import pytest
from ledger_support.backends import (drop_pg_schema, initialised_ledger, new_pg_schema, postgres_settings,
                                     require_postgres, sqlite_settings)
from sqlalchemy import Engine

from domain.demo import NT_TAX, Clock, run_demo
from domain.identifiers import synthetic_resident_id
from ledger.app import LedgerApplication
from ledger.cli_domain import demo_service
from ledger.config import Settings
from projections.db import make_engine
from projections.follower import Follower
from projections.overdue import awaiting_sweep, overdue

KIND = {"Objection": "objection", "RepairApplication": "repair", "SanctionCase": "sanction",
        "PenaltyWithdrawal": "withdrawal", "DishonestyRecord": "record", "ListEntry": "list_entry"}
DAYS = (date(2024, 5, 11), date(2025, 6, 16), date(2026, 5, 9), date(2026, 5, 10), date(2026, 7, 20),
        date(2026, 9, 1), date(2040, 1, 1))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a fresh ledger on each backend."""
    if request.param == "sqlite":
        yield sqlite_settings(tmp_path)
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        yield postgres_settings(tmp_path, schema)
    finally:
        drop_pg_schema(schema)


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
def demo(settings: Settings) -> Iterator[tuple[Engine, Any, dict[str, Any]]]:
    """Every demo path (28 subjects) and the NT v2 cases, the views brought up to date."""
    ledger: LedgerApplication = initialised_ledger(settings)
    clock = Clock()
    service = demo_service(ledger, clock)
    assert run_demo(service, clock, 28, 11).failures == []
    ids = _nt_v2_cases(service, clock)
    engine = make_engine(settings)
    Follower(ledger, engine).run_once()
    yield engine, service, ids
    engine.dispose()
    ledger.close()


def _domain(steps: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((KIND[s["kind"]], str(s["id"]), s["step"], s.get("unit"), s["due"], s["days_late"]) for s in steps)


def _views(steps: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((s["kind"], s["id"], s["step"], s.get("unit"), s["due"], s["days_late"]) for s in steps)


def test_overdue_from_the_views_is_the_domains_on_every_day_nt_pci_32_jy_21_nat_apl_48(demo) -> None:  # type: ignore[no-untyped-def]
    engine, service, ids = demo
    with engine.connect() as conn:
        for day in DAYS:
            found = overdue(conn, day)
            assert _views(found) == _domain(service.overdue(day)), day
            assert [(s["due"], s["id"]) for s in found] == sorted((s["due"], s["id"]) for s in found)
            subjects = {s["id"]: str(getattr(service, s["kind"])(UUID(s["id"])).subject_id) for s in found}
            assert {s["id"]: s["subject_id"] for s in found} == subjects, day  # the row links to its subject
        late = {(s["id"], s["step"]): s for s in overdue(conn, date(2026, 5, 10))}
    # NAT-APL-48: three days from the change; the due day itself is in time, the day after is 1 day late
    assert late[(str(ids["open"]), "withdrawal")]["days_late"] == 1
    assert late[(str(ids["open"]), "withdrawal")]["rule_id"] == "NAT-APL-48"
    assert (str(ids["done"]), "withdrawal") not in late  # withdrawn (late, on the 11th): nothing is pending
    with engine.connect() as conn:
        later = {(s["id"], s["step"]) for s in overdue(conn, date(2026, 9, 1))}
    assert (str(ids["done"]), "withdrawal") not in later and (str(ids["open"]), "withdrawal") in later
    # NAT-22-DL: the repair's feedback and decision limits run from the application day until it is decided
    assert {step for item, step in later if item == str(ids["repair"])} >= {"repair_feedback", "repair_decision"}


def test_overdue_of_one_kind_and_of_given_items(demo) -> None:  # type: ignore[no-untyped-def]
    engine, _, ids = demo
    with engine.connect() as conn:
        every = overdue(conn, date(2040, 1, 1))
        withdrawals = overdue(conn, date(2040, 1, 1), kind="withdrawal")
        one = overdue(conn, date(2040, 1, 1), item_ids=[str(ids["open"])])
    assert withdrawals == [s for s in every if s["kind"] == "withdrawal"] and len(withdrawals) == 1
    assert one == withdrawals and {s["kind"] for s in every} == {"repair", "withdrawal"}


def test_awaiting_sweep_from_the_views_is_the_domains_nt_pci_30_lyg_18(demo) -> None:  # type: ignore[no-untyped-def]
    engine, service, _ = demo
    with engine.connect() as conn:
        for day in DAYS:
            found = awaiting_sweep(conn, day)
            expected = service.awaiting_sweep(day)
            assert _views(found) == _domain(expected), day
            assert {s["id"]: s["subject_id"] for s in found} == {str(s["id"]): str(s["subject_id"]) for s in expected}
        far = awaiting_sweep(conn, date(2040, 1, 1))
    assert "record" in {s["kind"] for s in far}  # (the demo ends every list entry it confirms)
