"""The department inbox feed: pushed measures, lifts and withdrawn pushes for one department, pollable with a
`since` cursor (JY-21, JY-17: a push never applied is withdrawn, not lifted)."""

from __future__ import annotations

from typing import Any

from domain.sanction import SanctionCase
from web.api.serialize import plain
from web.context import services

PUSHED = f"{SanctionCase.__module__}:{SanctionCase.__qualname__}.Pushed"
LIFT_PUSHED = f"{SanctionCase.__module__}:{SanctionCase.__qualname__}.LiftPushed"
WITHDRAWN = f"{SanctionCase.__module__}:{SanctionCase.__qualname__}.Withdrawn"
KINDS = {PUSHED: "pushed", LIFT_PUSHED: "lift_pushed", WITHDRAWN: "withdrawn"}
PAGE = 500

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["cursor", "kind", "sanction_id", "subject_id", "measure_id", "status"],
    "properties": {"cursor": {"type": "integer"}, "kind": {"type": "string", "enum": sorted(KINDS.values())},
                   "sanction_id": {"type": "string", "format": "uuid"},
                   "subject_id": {"type": "string", "format": "uuid"},
                   "subject": {"type": "object", "description": "masked name and identifier (HA-3.2)"},
                   "measure_id": {"type": "string"}, "measure_name": {"type": "string"},
                   "legal_basis": {"type": "string"}, "on": {"type": "string", "nullable": True},
                   "reason": {"type": "string", "nullable": True}, "status": {"type": "string"},
                   "deadline": {"type": "object", "nullable": True,
                                "description": "when the department must respond (push) or confirm (lift)"}},
}
FEED_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["items", "next"],
    "properties": {"items": {"type": "array", "items": ITEM_SCHEMA},
                   "next": {"type": "integer", "description": "pass as `since` to get only newer items"}},
}


def _item(cursor: int, kind: str, event: Any, case: SanctionCase) -> dict[str, Any]:
    credit = services().credit
    return {"cursor": cursor, "kind": kind, "sanction_id": str(case.id), "subject_id": str(case.subject_id),
            "subject": credit.subject(case.subject_id).masked(), "measure_id": case.measure_id,
            "measure_name": case.measure_name, "legal_basis": case.legal_basis,
            "on": plain(getattr(event, "pushed_on", None) or getattr(event, "withdrawn_on", None)),
            "reason": getattr(event, "reason", None),
            "status": case.status,
            "deadline": plain(getattr(event, "response_deadline", None) or getattr(event, "deadline", None))}


def inbox_feed(department: str, since: int, limit: int) -> dict[str, Any]:
    """Pushes and lifts for `department` after notification `since`, oldest first, at most `limit` of them."""
    ledger, credit = services().ledger, services().credit
    items: list[dict[str, Any]] = []
    start, last = since + 1, since
    while len(items) < limit:
        batch = ledger.recorder.select_notifications(start, PAGE, topics=list(KINDS))
        for notification in batch:
            event = ledger.mapper.to_domain_event(notification)  # signature verified on read
            case = credit.sanction(event.originator_id)
            last = notification.id
            if case.department == department:
                items.append(_item(notification.id, KINDS[notification.topic], event, case))
                if len(items) == limit:
                    break
        if len(batch) < PAGE or len(items) == limit:
            break
        start = batch[-1].id + 1
    return {"items": items, "next": last}
