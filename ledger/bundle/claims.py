"""The claims of bundle.json that the log cannot prove, checked for consistency, and who vouches for what.

The requested as-of moment and the position it resolved to are the exporter's claims (attested by
its signature over bundle.json). The log orders events by time, so the checker can still test them
against the event times it holds: events at or before the position are not later than the moment,
events after it are later (stdlib only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from ledger.bundle import layout
from ledger.bundle.contents import Contents, StoredEvent


def _moment(text: Any) -> datetime | None:
    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def check_as_of(c: Contents, events: Sequence[StoredEvent], meta: dict[str, Any]) -> None:
    """The as-of position lies in the log, and every held event's time agrees with the as-of moment."""
    position, size = meta.get("as_of_position"), meta.get("latest_size")
    if not isinstance(position, int) or not isinstance(size, int) or not 0 <= position < size:
        c.fail("claims", layout.BUNDLE, f"as-of position {position!r} is not inside the attested log (size {size!r})",
               "所称截至位置不在日志范围内")
        return
    if meta.get("as_of") is None:
        return
    moment = _moment(meta["as_of"])
    if moment is None:
        c.fail("claims", layout.BUNDLE, f"as-of moment {meta['as_of']!r} is not an ISO moment with a time zone",
               "所称截至时点不是带时区的 ISO 时间")
        return
    for e in events:
        when = _moment(e.event.fields.get("timestamp"))
        if when is None:
            continue
        if e.event.position <= position and when > moment:
            c.fail("claims", layout.BUNDLE, f"{e.file} at position {e.event.position} ≤ the as-of position {position} "
                                            f"is dated {when.isoformat()}, after the as-of moment {moment.isoformat()}",
                   "截至位置之前的事件时间晚于所称截至时点")
        elif e.event.position > position and when <= moment:
            c.fail("claims", layout.BUNDLE, f"{e.file} at position {e.event.position} > the as-of position {position} "
                                            f"is dated {when.isoformat()}, not after the as-of moment "
                                            f"{moment.isoformat()}", "截至位置之后的事件时间不晚于所称截至时点")


def vouching(statement: dict[str, Any] | None, meta: dict[str, Any], unit_name: str | None = None) -> list[str]:
    """Plain lines saying which claims are proven by the log and which are attested, by whom (`unit_name`)."""
    lines = ["由日志证明 Proven by the log (root key, checkpoints, Merkle proofs): each event's exact bytes, its "
             "signing unit and key, its log position, and that the key history is the registry's."]
    if statement is None:
        lines.append("无有效声明 No valid attestation: completeness and the as-of claims rest on nothing.")
        return lines
    unit = unit_name or statement.get("unit")
    lines.append(f"由 {unit} 声明（密钥 {statement.get('key_id')}）Attested by unit "
                 f"{unit} (key {statement.get('key_id')}): the bundle holds every event of its "
                 f"{len(statement.get('aggregates') or {})} aggregates below log size {statement.get('log_size')}; "
                 f"{_as_of(meta)}; the valid-at dates.")
    lines.append("一致性核对 Checked for consistency only: the as-of moment against the event times held.")
    return lines


def _as_of(meta: dict[str, Any]) -> str:
    """The as-of claim in words (no moment is named when only a log position was asked for)."""
    position = meta.get("as_of_position")
    if meta.get("as_of") is None:
        return f"the as-of position {position} (no moment was requested)"
    return f"the as-of moment {meta.get('as_of')} and position {position}"
