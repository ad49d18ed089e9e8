"""Open work read from the views equals what the domain's open-item indexes and queries say (issue 16):
every path of `ledger demo` through the real service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Iterator
from uuid import UUID

import pytest
from ledger_support.backends import initialised_ledger
from sqlalchemy import Engine

from domain.common import credit_office
from domain.demo import Clock, run_demo
from domain.index import read_index
from ledger.app import LedgerApplication
from ledger.cli_domain import demo_service
from ledger.config import Settings
from projections.db import make_engine
from projections.follower import Follower
from projections.worklists import KINDS, lifts_due, open_count, open_page, records_to_submit

UNIT_COLUMN = {"records": "determining_unit", "list_entries": "determining_unit", "objections": "handler_unit",
               "repairs": "handler_unit", "sanctions": "department"}


@pytest.fixture
def demo(backend_settings: Settings) -> Iterator[tuple[LedgerApplication, Engine, object]]:
    """A ledger with every demo path (28 subjects) and its views brought up to date."""
    ledger = initialised_ledger(backend_settings)
    clock = Clock()
    service = demo_service(ledger, clock)
    assert run_demo(service, clock, 28, 11).failures == []
    engine = make_engine(backend_settings)
    Follower(ledger, engine).run_once()
    yield ledger, engine, service
    engine.dispose()
    ledger.close()


def test_open_items_of_every_kind_and_unit_are_the_indexes_open_items_nt_pci_32(demo) -> None:  # type: ignore[no-untyped-def]
    ledger, engine, _ = demo
    with engine.connect() as conn:
        for name in KINDS:
            index = read_index(ledger.get, name)
            indexed = {str(i) for i in index.ids()} if index is not None else set()
            rows = open_page(conn, name, 1, size=10_000).items
            assert {r["id"] for r in rows} == indexed and open_count(conn, name) == len(indexed), name
            units = {r[UNIT_COLUMN[name]] for r in rows}
            for unit in units:  # filtered by unit in SQL: exactly the items whose responsible unit it is
                mine = open_page(conn, name, 1, unit, any_unit=False, size=10_000).items
                expected = {i for i in indexed if getattr(ledger.get(UUID(i)),
                                                          UNIT_COLUMN[name]) == unit}
                if name == "objections":  # NT-PCI-32: also those referred to the unit for verification
                    expected |= {i for i in indexed if (getattr(ledger.get(UUID(i)), "referral",
                                                                None) or {}).get("provider_unit") == unit}
                assert {r["id"] for r in mine} == expected, (name, unit)
        assert open_count(conn, "records") > 0 and open_count(conn, "sanctions") > 0


def test_pages_split_the_open_items_without_overlap_oldest_first(demo) -> None:  # type: ignore[no-untyped-def]
    _, engine, _ = demo
    with engine.connect() as conn:
        every = open_page(conn, "records", 1, size=10_000).items
        pages = [open_page(conn, "records", n, size=5) for n in range(1, -(-len(every) // 5) + 2)]
    assert len(every) > 5 and pages[0].pages == -(-len(every) // 5) and pages[0].total == len(every)
    assert [r["id"] for p in pages[:-1] for r in p.items] == [r["id"] for r in every]  # no overlap, no gap
    assert pages[-1].number == pages[-1].pages and pages[-1].items == pages[-2].items  # past the end: the last
    days = [r["determination_date"] for r in every]
    assert days == sorted(days)


def test_records_to_submit_and_lifts_due_equal_the_domain_queries_lyg_4_jy_17(demo) -> None:  # type: ignore[no-untyped-def]
    _, engine, service = demo
    aggregator = [pid for pid, p in service.profiles.items() if "aggregator" in p.roles]
    with engine.connect() as conn:
        shown = {r["id"] for r in records_to_submit(conn, aggregator, 1, size=10_000).items}
        assert shown and shown == {str(r.id) for r in service.records_to_submit()}
        for day in (date(2024, 5, 11), date(2025, 6, 16), date(2040, 1, 1)):
            for office in sorted({credit_office(p) for p in service.profiles.values()}):
                policies = [pid for pid, p in service.profiles.items() if credit_office(p) == office]
                expected = {(str(d["sanction_id"]), d["action"]) for d in service.lifts_due(day, office=office)}
                assert {(d["sanction_id"], d["action"]) for d in lifts_due(conn, day, policies)} == expected, (day, office)
    # The demo closes every loop (no false positive here); a due lift is shown by tests/web/test_web_sanction_loop.py.
