"""Generation at benchmark scale (issue 4): cheap index copies; sweeps read only what is due."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Iterator
from uuid import uuid4

import pytest
from ledger_support.backends import (drop_pg_schema, initialised_ledger, new_pg_schema, postgres_settings,
                                     require_postgres, sqlite_settings)

from domain.actor import Actor
from domain.demo import LYG_CREDIT, Clock, run_demo, summary
from domain.index import Index
from ledger.app import LedgerApplication
from ledger.cli_domain import demo_service


def test_an_index_copy_is_equal_and_independent() -> None:
    clerk = Actor("credit-office", "clerk")
    index = Index.start(clerk, "records")
    for _ in range(50):
        index.add(clerk, uuid4())
    index.collect_events()
    clone = copy.deepcopy(index)
    assert (clone.id, clone.version, clone.name, clone.ids()) == (index.id, index.version, index.name, index.ids())
    clone.add(clerk, uuid4())
    clone.close(clerk, index.ids()[0])
    assert len(index.ids()) == 50 and index.ids()[0] not in clone.ids()
    assert index.pending_events == [] and len(clone.pending_events) == 2


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LedgerApplication]:
    """A fresh, initialised ledger on each backend."""
    if request.param == "sqlite":
        yield initialised_ledger(sqlite_settings(tmp_path))
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        yield initialised_ledger(postgres_settings(tmp_path, schema))
    finally:
        drop_pg_schema(schema)


def test_demo_drives_every_path_and_its_sweeps_leave_nothing_due(ledger: LedgerApplication) -> None:
    """42 subjects (every path twice, two LYG expiry cases, one sweep each) through the real service."""
    clock = Clock()
    service = demo_service(ledger, clock)
    result = run_demo(service, clock, 42, 7)
    assert result.failures == [] and result.paths["LYG:expiry_sweep_lifts_confirmed"] == 2
    counts = summary(service, result.subject_ids)
    assert counts["lists"]["black:exited"] >= 2 and counts["records"]["expired"] >= 2
    topics = Counter(n.topic for n in ledger.recorder.select_notifications(1, 100_000))
    assert topics["domain.subject:Subject.Registered"] == 42
    assert topics["domain.index:Index.DueSet"] > 0  # confirmations gave list entries their due dates
    clock.day = date(2024, 5, 11)  # the LYG cases' sweep day; later cases filed items due before it
    due = {name: set(ledger.get(Index.create_id(name)).due_by(clock.day)) for name in ("records", "list_entries")}
    expired = service.sweep(LYG_CREDIT)
    assert expired and set(expired) <= due["records"] | due["list_entries"]
    for name in due:  # nothing open is due any more, and a second sweep finds nothing
        assert ledger.get(Index.create_id(name)).due_by(clock.day) == []
    assert service.sweep(LYG_CREDIT) == []
