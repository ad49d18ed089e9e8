"""Reading the access log back from its projection: the registered reads of one subject, newest first, one page
at a time (HA-5.2: reviewable; issue 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from projections.db import access_log
from projections.worklists import Page

PAGE = 100  # reads per page


@dataclass(frozen=True)
class Read:
    """One registered read: who (unit, user), when (transaction time), purpose, basis, channel, what."""

    when: datetime
    unit: str
    user: str
    purpose: str
    basis: str
    channel: str
    what: str


def _read(row: Any) -> Read:
    return Read(datetime.fromisoformat(row["recorded_at"]), row["actor_unit"], row["actor_user"], row["purpose"],
                row["basis"], row["channel"], row["what"])


def reads_page(conn: Connection, subject_id: UUID, number: int = 1, size: int | None = None) -> Page[Read]:
    """Page `number` (clamped) of the subject's registered reads, newest first, counted and paged in SQL."""
    size = size or PAGE  # read when called: a test may change it
    mine = access_log.c.subject_id == str(subject_id)
    total = int(conn.execute(select(func.count()).select_from(access_log).where(mine)).scalar_one())
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    query = (select(access_log).where(mine).order_by(access_log.c.log_position.desc())
             .limit(size).offset((number - 1) * size))
    return Page([_read(r) for r in conn.execute(query).mappings()], number, pages, total)


def reads_of(conn: Connection, subject_id: UUID) -> list[Read]:
    """Every registered read of the subject, newest first (one subject's reads: the API's whole answer)."""
    query = select(access_log).where(access_log.c.subject_id == str(subject_id)).order_by(
        access_log.c.log_position.desc())
    return [_read(r) for r in conn.execute(query).mappings()]
