"""Staff subject search in the subject view: by part of a name or by a masked identifier (HA-3.2, HA-5.2).

Full ID numbers and credit codes are never searched here: they are found by their keyed id (NT-PCI-15).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, or_, select

from projections.db import subjects

LIMIT = 20


def _like(term: str) -> str:
    """A LIKE pattern matching `term` anywhere, with the LIKE wildcards in it taken literally."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def subjects_matching(conn: Connection, name_part: str, masked_id: str | None = None,
                      limit: int = LIMIT) -> list[dict[str, Any]]:
    """Subjects whose name contains `name_part` or whose masked identifier is `masked_id`: id, kind, masked
    name and masked identifier only (never the full number)."""
    found = [subjects.c.name.ilike(_like(name_part), escape="\\")] if name_part else []
    if masked_id:
        found.append(subjects.c.masked_id == masked_id)
    if not found:
        return []
    query = (select(subjects.c.subject_id, subjects.c.kind, subjects.c.masked_name, subjects.c.masked_id)
             .where(or_(*found)).order_by(subjects.c.masked_name, subjects.c.subject_id).limit(limit))
    return [dict(row) for row in conn.execute(query).mappings()]
