"""Rows of the credit office's dashboard: each overdue step with the subject whose page shows the item."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from projections import overdue as views
from web.worklists import current_views

# The view's word for a kind of item → the name the pages show (translated; the domain's class names)
KIND_NAMES = {"objection": "Objection", "repair": "RepairApplication", "sanction": "SanctionCase",
              "withdrawal": "PenaltyWithdrawal", "record": "DishonestyRecord", "list_entry": "ListEntry"}


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row | {"kind": KIND_NAMES[row["kind"]]} for row in rows]


def overdue_rows(today: date) -> list[dict[str, Any]]:
    """What `credit.overdue()` answers (objections, repairs, department responses and lift confirmations, penalty
    withdrawals), from the views (issue 16), each with its subject id, so the row links to the subject page where
    the item is shown (NT-PCI-32, JY-21, CS-2.7, NAT-APL-48)."""
    with current_views() as conn:
        return _named(views.overdue(conn, today))


def overdue_sanctions(today: date, sanction_ids: Iterable[str]) -> set[str]:
    """The ids among `sanction_ids` of cases whose department response is overdue (JY-21, CS-2.6, CS-2.7)."""
    with current_views() as conn:
        return {row["id"] for row in views.overdue(conn, today, kind="sanction", item_ids=list(sanction_ids))}


def awaiting_rows(today: date) -> list[dict[str, Any]]:
    """What `credit.awaiting_sweep()` answers, from the views: items past their last day in force whose `Expired`
    event is not stored yet (NT-PCI-30, LYG-18)."""
    with current_views() as conn:
        return _named(views.awaiting_sweep(conn, today))


def overdue_rectifications(credit: Any, record_ids: Iterable[UUID] | None = None) -> list[dict[str, Any]]:
    """Government bodies whose ordered rectification is past its deadline and not done (NT-GOV-2.4a), by day;
    among `record_ids` (the open records of government subjects, from the views) when given."""
    today = credit.today()
    rows = []
    for case in credit.overdue_rectifications(today, record_ids):
        deadline = case.rectification["deadline"]
        rows.append({"subject_id": case.subject_id, "name": credit.subject(case.subject_id).name,
                     "requirements": case.rectification["requirements"], "deadline": deadline,
                     "days_late": (today - deadline).days})
    return rows
