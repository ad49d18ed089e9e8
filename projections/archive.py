"""The archive (NT-PCI-35): originals of repaired, expired, revoked and corrected records and of ended
list entries, never deleted, with the full signed history of each item."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from projections.base import Handler, Logged, Projection, sid, signed_by
from projections.batch import Batch
from projections.db import archive, item_history, list_entry_versions, record_versions

# Envelope fields of every event; the rest is the business content shown in the history.
_STAMP = {"originator_id", "originator_version", "timestamp", "actor_unit", "actor_user", "policy_hash"}
RECORD_EVENTS = ("Recorded", "ReminderRegistered", "InterviewRegistered", "Escalated", "Flagged", "Unflagged",
                 "Corrected", "Repaired", "Expired", "Revoked")
ENTRY_EVENTS = ("Drafted", "PriorNoticeGiven", "Publicised", "Confirmed", "Exited", "ExitAnnounced", "Expired",
                "Revoked")
# Events after which the previous version is an archived original, and the business date of each.
RECORD_ARCHIVING = {"Repaired": ("repaired", "repaired_on"), "Expired": ("expired", "expired_on"),
                    "Revoked": ("revoked", "revoked_on"), "Corrected": ("corrected", None)}
ENTRY_ARCHIVING = {"Exited": ("exited", "exited_on"), "Expired": ("expired", "expired_on"),
                   "Revoked": ("revoked", "revoked_on")}


def content(e: Any) -> str:
    """The event's business fields as JSON (dates ISO, ids as text)."""
    data = {k: v for k, v in vars(e).items() if k not in _STAMP}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _history(kind: str, archiving: dict[str, tuple[str, str | None]]) -> Handler:
    def on_event(rows: Batch, e: Any, at: Logged) -> None:
        """Keep the event in the item's history; archive the previous version when it ends or is corrected."""
        item_id = sid(e.originator_id)
        earlier = rows.rows(item_history, "item_id", item_id)
        previous = max(earlier, key=lambda r: r["log_position"]) if earlier else None
        subject_id = sid(e.subject_id) if previous is None else previous["subject_id"]
        name = type(e).__qualname__.rsplit(".", 1)[-1]
        rows.insert(item_history, dict(
            log_position=at.position, item_id=item_id, item_kind=kind, subject_id=subject_id,
            version=e.originator_version, event=name, data=content(e), **signed_by(e, at)))
        step = archiving.get(name)
        if step is not None and previous is not None:
            reason, day_field = step
            day: date | None = getattr(e, day_field) if day_field else None
            rows.insert(archive, dict(
                item_id=item_id, archived_position=at.position, item_kind=kind, subject_id=subject_id,
                reason=reason, archived_on=day, original_position=previous["log_position"]))
    return on_event


_RECORD, _ENTRY = _history("record", RECORD_ARCHIVING), _history("list_entry", ENTRY_ARCHIVING)
PROJECTION = Projection("archive", (archive, item_history), {
    **{f"DishonestyRecord.{n}": _RECORD for n in RECORD_EVENTS},
    **{f"ListEntry.{n}": _ENTRY for n in ENTRY_EVENTS},
}, reads=((item_history, "item_id"),))


def archived(conn: Connection, item_id: str) -> list[dict[str, Any]]:
    """The archived originals of one item, each with the version it archived and the full history."""
    history = [dict(r) for r in conn.execute(select(item_history).where(item_history.c.item_id == item_id)
                                               .order_by(item_history.c.log_position)).mappings()]
    found = []
    for row in conn.execute(select(archive).where(archive.c.item_id == item_id)
                            .order_by(archive.c.archived_position)).mappings():
        versions, key = ((record_versions, "record_id") if row["item_kind"] == "record"
                         else (list_entry_versions, "list_entry_id"))
        original = conn.execute(select(versions).where(
            versions.c[key] == item_id, versions.c.recorded_position <= row["original_position"])
            .order_by(versions.c.recorded_position.desc()).limit(1)).mappings().first()
        found.append(dict(row) | {"original": dict(original) if original else None, "history": history})
    return found
