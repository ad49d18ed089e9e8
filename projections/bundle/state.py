"""The state a bundle states, computed on the server by projections' time travel and the aggregates."""

from __future__ import annotations

from datetime import date
from typing import Any, Sequence
from uuid import UUID

from ledger.app import LedgerApplication
from projections.timetravel import ItemStatus, aggregate_at, status


def stated_state(app: LedgerApplication, subject_id: UUID, position: int, days: Sequence[date]) -> dict[str, Any]:
    """Subject, records and list entries (time travel) and the other filed items, as of `position`."""
    answers = [status(app, subject_id, position, valid_at=day) for day in days] or [status(app, subject_id, position)]
    items = [_periodic(answers, index, days) for index in range(len(answers[0].items))]
    subject = aggregate_at(app, subject_id, position)
    for kind in ("objection", "repair", "sanction", "points"):
        for item_id in subject.ids(kind):
            found = aggregate_at(app, item_id, position)
            if found is not None:
                items.append(_other(kind, found))
    identity = {"id": str(subject_id), "kind": subject.kind, "name": subject.name, "id_number": subject.id_number,
                "uscc": subject.uscc}
    return {"subject": identity, "as_of_position": position, "valid_at": [d.isoformat() for d in days],
            "items": items}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _periodic(answers: Sequence[Any], index: int, days: Sequence[date]) -> dict[str, Any]:
    item: ItemStatus = answers[0].items[index]
    in_force = {day.isoformat(): bool(answer.items[index].in_force_at) for day, answer in zip(days, answers)}
    return {"kind": item.kind, "id": item.id, "label": item.label, "status": item.status,
            "valid_from": _iso(item.valid_from), "valid_until": _iso(item.valid_until), "ended_on": _iso(item.ended_on),
            "in_force_at": in_force, "version": item.version}


def _other(kind: str, aggregate: Any) -> dict[str, Any]:
    if kind in ("objection", "repair"):
        label, state = f"record {aggregate.record_id}", aggregate.status
    elif kind == "sanction":
        label, state = f"{aggregate.measure_id} {aggregate.department}", aggregate.status
    else:
        label, state = f"{aggregate.profile_id} {aggregate.total}", aggregate.grade or "ungraded"
    return {"kind": kind, "id": str(aggregate.id), "label": label, "status": state, "valid_from": None,
            "valid_until": None, "ended_on": None, "in_force_at": {}, "version": aggregate.version}
