"""Rows of the credit office's dashboard: each overdue step with the subject whose page shows the item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

READERS = {"Objection": "objection", "RepairApplication": "repair", "SanctionCase": "sanction",
           "PenaltyWithdrawal": "withdrawal"}  # NAT-APL-48


def overdue_rows(credit: Any) -> list[dict[str, Any]]:
    """`credit.overdue()` (objections, repairs, department responses and lift confirmations), each with its
    subject id, so the row links to the subject page where the item is shown (NT-PCI-32, JY-21, CS-2.7)."""
    rows = []
    for step in credit.overdue():
        item = getattr(credit, READERS[step["kind"]])(step["id"])
        rows.append({**step, "subject_id": item.subject_id})
    return rows


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
