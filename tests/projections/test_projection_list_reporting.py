"""Monthly list reports due (NT-PCI-17) and upward pushes pending (JY-22) read from the views equal the domain's
answers (issue 16), on `ledger demo`'s paths through the real service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from projection_support.demo_ledger import demo  # noqa: F401 (fixture)

from domain.service_reporting import reported_lists
from projections.list_reporting import unreported, upward_pending


def _groups(due: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted((d["profile_id"], d["unit"], d["period"], frozenset(map(str, d["list_entry_ids"])), d["due"],
                   d["days_late"]) for d in due)


def test_reports_due_from_the_views_equal_the_domains_nt_pci_17(demo) -> None:  # type: ignore[no-untyped-def]
    engine, service, _ = demo
    lists = {pid: reported_lists(p)[0] for pid, p in service.profiles.items()}
    with engine.connect() as conn:
        pending = unreported(conn, lists)
    for day in (date(2024, 5, 11), date(2025, 6, 16), date(2026, 9, 1), date(2040, 1, 1)):
        assert _groups(service.reports_due_of(pending, day)) == _groups(service.reports_due(day)), day
    assert any(lists.values())  # some profile reports its lists (else this test compares nothing)


def test_upward_pushes_pending_from_the_views_equal_the_domains_jy_22_jy_20(demo) -> None:  # type: ignore[no-untyped-def]
    engine, service, ids = demo
    targets = {pid: reported_lists(p)[1:] for pid, p in service.profiles.items()}
    shown = 0
    for day in (date(2024, 5, 11), date(2024, 9, 1), date(2025, 6, 16), date(2026, 7, 2)):
        ids["clock"].day = day  # the domain asks its clock; JY-20: only entries in force that day wait
        expected = sorted((str(p["list_entry_id"]), tuple(p["missing"])) for p in service.upward_pushes_pending())
        with engine.connect() as conn:
            every = upward_pending(conn, targets, day, 1, 10_000)
            pages = [upward_pending(conn, targets, day, n, 1) for n in (1, 2)]
        assert sorted((p["list_entry_id"], tuple(p["missing"])) for p in every.items) == expected, day
        assert every.total == len(expected) and pages[0].items == every.items[:1]
        shown += len(expected)
    assert shown > 0  # on 2024-09-01 a confirmed JY black entry waits for its push
