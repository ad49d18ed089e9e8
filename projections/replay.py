"""The joint-sanction loop of one list entry, step by step (JY-21, CS-2.4..2.7): push → acknowledge →
apply (business case) → feedback → lift pushed → lift confirmed, each with its signer and log time."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, or_, select

from ledger.app import LedgerApplication
from projections.asof import catch_up
from projections.base import ProjectionError
from projections.db import sanction_steps
from projections.timetravel import covering, jsonable


def list_entry(app: LedgerApplication, list_entry_id: UUID) -> Any:
    """The list entry aggregate (verified events), or ProjectionError."""
    try:
        entry = app.get(list_entry_id)
    except KeyError:
        raise ProjectionError(f"no list entry {list_entry_id} in the ledger") from None
    if type(entry).__name__ != "ListEntry":
        raise ProjectionError(f"{list_entry_id} is a {type(entry).__name__}, not a list entry")
    return entry


def replay_sanctions(app: LedgerApplication, engine: Engine, list_entry_id: UUID) -> dict[str, Any]:
    """Every case pushed on the entry or on a record it rests on, its steps in log order (JSON-ready)."""
    entry = list_entry(app, list_entry_id)
    position = app.log.tree_size() - 1
    catch_up(app, engine, ("sanctions",), position)
    sources = [str(list_entry_id), *entry.record_ids]
    s = sanction_steps
    with engine.connect() as conn:
        rows = conn.execute(select(s).where(or_(*(s.c.source_id == i for i in sources)))
                            .order_by(s.c.sanction_id, s.c.log_position)).mappings().all()
    cases: dict[str, dict[str, Any]] = {}
    for row in rows:
        case = cases.setdefault(row["sanction_id"], {
            "sanction_id": row["sanction_id"], "source_id": row["source_id"], "measure_id": row["measure_id"],
            "department": row["department"], "subject_id": row["subject_id"], "steps": []})
        case["steps"].append({k: row[k] for k in ("step", "business_date", "detail", "late", "actor_unit",
                                                  "actor_user", "key_id", "recorded_at", "log_position")})
    note, size, cosigners = covering(app, position)
    ordered = sorted(cases.values(), key=lambda c: c["steps"][0]["log_position"])
    return jsonable({"list_entry_id": str(list_entry_id), "subject_id": str(entry.subject_id),
                      "list_code": entry.list_code, "log_position": position, "checkpoint": note,
                      "checkpoint_size": size, "checkpoint_cosigners": list(cosigners), "cases": ordered})
