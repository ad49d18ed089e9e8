"""Overdue steps and expiries awaiting the sweep read from the views equal the domain's answers (issue 16):
`projections.overdue` against `CreditService.overdue` / `awaiting_sweep` on `ledger demo`'s paths plus NT v2
cases (NAT-22-DL repair limits, NAT-APL-48 withdrawals), through the real service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from projection_support.demo_ledger import demo  # noqa: F401 (fixture)

from projections.overdue import awaiting_sweep, overdue

KIND = {"Objection": "objection", "RepairApplication": "repair", "SanctionCase": "sanction",
        "PenaltyWithdrawal": "withdrawal", "DishonestyRecord": "record", "ListEntry": "list_entry"}
DAYS = (date(2024, 5, 11), date(2025, 6, 16), date(2026, 5, 9), date(2026, 5, 10), date(2026, 7, 20),
        date(2026, 9, 1), date(2040, 1, 1))


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
