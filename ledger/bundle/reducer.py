"""Re-derive a subject's state from its events alone (standard library only).

A small fold over the decoded event payloads that mirrors what the domain aggregates and
`projections/timetravel.py` compute: for each record and list entry its status, effective period and
whether it was in force on each valid-at date (NT-PCI-30, NT-PCI-32, NT-PCI-35, JY-17, JY-20), and the
status of each objection, repair application, sanction case and points account. Dates stay ISO text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from uuid import UUID

KINDS = ("record", "list_entry", "objection", "repair", "sanction", "points")
RECORD_CLOSINGS = {"Repaired": ("repaired", "repaired_on"), "Expired": ("expired", "expired_on"),
                   "Revoked": ("revoked", "revoked_on")}
ENTRY_STEPS = {"Drafted": "drafted", "PriorNoticeGiven": "noticed", "Publicised": "publicised",
               "Confirmed": "confirmed", "Exited": "exited", "Expired": "expired", "Revoked": "revoked"}
ENTRY_ENDS = {"Exited": "exited_on", "Expired": "expired_on", "Revoked": "revoked_on"}
SIMPLE_STEPS = {
    "objection": {"Filed": "filed", "Referred": "referred", "CorrectionApplied": "corrected"},
    "repair": {"Applied": "applied"},
    "sanction": {"Pushed": "pushed", "Acknowledged": "acknowledged", "Applied": "applied", "FedBack": "fed_back",
                 "LiftPushed": "lift_pushed", "LiftConfirmed": "lifted",
                 "Declined": "declined", "Withdrawn": "withdrawn"},
}


@dataclass(frozen=True)
class Event:
    """One decoded event of the bundle."""

    position: int
    aggregate_id: str
    version: int
    topic: str
    fields: dict[str, Any]

    @property
    def name(self) -> str:
        """The event class name, e.g. 'Recorded'."""
        return self.topic.rsplit(".", 1)[-1]


def plain(value: Any) -> Any:
    """Unwrap eventsourcing's JSON transcodings ({"_type_": ..., "_data_": ...}) recursively; UUIDs dashed."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            data = plain(value["_data_"])
            return str(UUID(data)) if value["_type_"] == "uuid_hex" else data
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def decode(payload: bytes) -> dict[str, Any]:
    """The payload's fields in plain JSON types."""
    fields = plain(json.loads(payload))
    if not isinstance(fields, dict):
        raise ValueError("payload is not a JSON object")
    return fields


def in_force_on(day: str, start: str | None, until: str | None, ended: str | None) -> bool:
    """Started, not past its last valid day, not ended before `day` (projections.status.in_force_on)."""
    if start is None or day < start or (until is not None and day > until):
        return False
    return ended is None or day < ended


def record_status(closed: str | None, flags: int, corrections: int) -> str:
    """The closing wins, then a pending objection, then a correction (projections.status.record_status)."""
    if closed:
        return closed
    return "objection_pending" if flags else ("corrected" if corrections else "active")


def _record(events: Sequence[Event]) -> dict[str, Any]:
    s: dict[str, Any] = {"flags": 0, "corrections": 0, "closed": None, "ended_on": None}
    for e in events:
        f = e.fields
        if e.name in ("Recorded", "Escalated"):
            s.update({k: f[k] for k in ("behaviour_code", "tier", "determination_date", "valid_until")})
        elif e.name == "Corrected":
            s.update({k: c["new"] for k, c in f["changes"].items() if k in ("behaviour_code", "tier",
                                                                            "determination_date")})
            s["valid_until"], s["corrections"] = f["valid_until"], s["corrections"] + 1
        elif e.name in ("Flagged", "Unflagged"):
            s["flags"] += 1 if e.name == "Flagged" else -1
        elif e.name in RECORD_CLOSINGS:
            s["closed"], day = RECORD_CLOSINGS[e.name]
            s["ended_on"] = f[day]
    return {"label": f"{s['behaviour_code']} {s['tier']}", "status": record_status(s["closed"], s["flags"],
            s["corrections"]), "valid_from": s["determination_date"], "valid_until": s["valid_until"],
            "ended_on": s["ended_on"]}


def _list_entry(events: Sequence[Event]) -> dict[str, Any]:
    s: dict[str, Any] = {"valid_from": None, "valid_until": None, "ended_on": None}
    for e in events:
        s["status"] = ENTRY_STEPS.get(e.name, s.get("status"))
        if e.name == "Drafted":
            s["label"] = e.fields["list_code"]
        elif e.name == "Confirmed":
            s["valid_from"], s["valid_until"] = e.fields["confirmed_on"], e.fields["valid_until"]
        elif e.name in ENTRY_ENDS:
            s["ended_on"] = e.fields[ENTRY_ENDS[e.name]]
    return s


def _other(kind: str, events: Sequence[Event]) -> dict[str, Any]:
    s: dict[str, Any] = {"valid_from": None, "valid_until": None, "ended_on": None, "status": None}
    for e in events:
        f = e.fields
        s["status"] = SIMPLE_STEPS.get(kind, {}).get(e.name, s["status"])
        if kind in ("objection", "repair") and e.version == 1:
            s["label"] = f"record {f['record_id']}"
        elif kind == "sanction" and e.name == "Pushed":
            s["label"] = f"{f['measure_id']} {f['department']}"
        elif kind == "objection" and e.name == "Decided":
            s["status"] = "upheld" if f["upheld"] else "rejected"
        elif kind == "repair" and e.name in ("OpinionGiven", "Decided"):
            yes = f["favourable"] if e.name == "OpinionGiven" else f["approved"]
            s["status"] = {"OpinionGiven": ("publicised", "opinion_against"), "Decided": ("approved", "refused")}[
                e.name][0 if yes else 1]
        elif kind == "repair" and e.name == "Reviewed" and not f["approved"]:
            s["status"] = "refused"  # CS-2.7: a negative bureau review refuses the application
        elif kind == "points":
            s.update(_points(e, s))
    return s


def _points(e: Event, s: dict[str, Any]) -> dict[str, Any]:
    f = e.fields
    if e.name == "Opened":
        return {"profile_id": f["profile_id"], "total": 0, "grade": None, "label": f"{f['profile_id']} 0",
                "status": "ungraded"}
    total = f.get("total", s["total"])
    grade = f.get("grade", s["grade"])
    return {"total": total, "grade": grade, "label": f"{s['profile_id']} {total}", "status": grade or "ungraded"}


def derive_state(events: Iterable[Event], subject_id: str, position: int, valid_at: Sequence[str]) -> dict[str, Any]:
    """The subject and everything filed against it, from the events at or before log `position`."""
    by_aggregate: dict[str, list[Event]] = {}
    for e in sorted(events, key=lambda e: e.position):
        if e.position <= position:
            by_aggregate.setdefault(e.aggregate_id, []).append(e)
    own = by_aggregate.get(subject_id, [])
    if not own:
        raise ValueError(f"subject {subject_id} has no event at or before position {position}")
    registered = own[0].fields
    subject = {"id": subject_id, "kind": registered["kind"], "name": registered["name"],
               "id_number": registered.get("id_number"), "uscc": registered.get("uscc")}
    filed = [(e.fields["kind"], e.fields["item_id"]) for e in own if e.name == "ItemFiled"]
    items = []
    for kind in KINDS:
        for item_id in [i for k, i in filed if k == kind]:
            history = by_aggregate.get(item_id)
            if history:
                items.append(_item(kind, item_id, history, valid_at))
    return {"subject": subject, "as_of_position": position, "valid_at": list(valid_at), "items": items}


def _item(kind: str, item_id: str, history: Sequence[Event], valid_at: Sequence[str]) -> dict[str, Any]:
    fold = {"record": _record, "list_entry": _list_entry}.get(kind)
    s = fold(history) if fold else _other(kind, history)
    periodic = kind in ("record", "list_entry")
    in_force = {d: in_force_on(d, s["valid_from"], s["valid_until"], s["ended_on"]) for d in valid_at} if periodic else {}
    return {"kind": kind, "id": item_id, "label": s.get("label", ""), "status": s["status"],
            "valid_from": s["valid_from"], "valid_until": s["valid_until"], "ended_on": s["ended_on"],
            "in_force_at": in_force, "version": history[-1].version}
