"""Time travel for a whole list and for the public view: what the ledger showed at log position P (or
moment T) about what was in force on date D (DESIGN §4), streamed from the bitemporal version tables.

A version of a row is what the ledger held from `recorded_position` until `superseded_position`; its
valid_from / valid_until / ended_on say when it was in force. The views are first brought up to P,
and every answer names P and the signed checkpoint covering it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterator

from sqlalchemy import ColumnElement, Engine, Select, Table, and_, or_, select

from domain.clock import office_today
from ledger.app import LedgerApplication
from projections.base import ProjectionError
from projections.db import create_views, list_entry_versions, record_versions, subjects, tracking
from projections.follower import Follower
from projections.registry import projection
from projections.status import OBJECTION_PENDING, PUBLIC_CLASS, in_force_clause
from projections.timetravel import covering, resolve_position

STREAM_ROWS = 1000


@dataclass(frozen=True)
class ViewAnswer:
    """The header of a list or public-view answer; `rows` streams the (masked) rows."""

    view: str  # "list" | "public"
    list_code: str | None
    profile: str | None
    log_position: int
    valid_at: date | None
    checkpoint: str | None
    checkpoint_size: int | None
    rows: Iterator[dict[str, Any]]
    checkpoint_cosigners: tuple[str, ...] = ()  # witnesses whose cosignatures the note carries
    day: date | None = None  # the business day the rows are in force on (valid_at, or as of's day, or today)

    def header(self) -> dict[str, Any]:
        """JSON-ready header (everything but the rows)."""
        return {"view": self.view, "list": self.list_code, "profile": self.profile,
                "log_position": self.log_position, "valid_at": self.valid_at.isoformat() if self.valid_at else None,
                "day": self.day.isoformat() if self.day else None,
                "checkpoint": self.checkpoint, "checkpoint_size": self.checkpoint_size,
                "checkpoint_cosigners": list(self.checkpoint_cosigners)}


def at_position(versions: Table, position: int) -> ColumnElement[bool]:
    """The version the ledger held at `position` (transaction time)."""
    return and_(versions.c.recorded_position <= position,
                or_(versions.c.superseded_position.is_(None), versions.c.superseded_position > position))


def business_day(valid_at: date | None, as_of: datetime | str | None = None) -> date:
    """The day an answer is about: `valid_at`, else the business day of the `as_of` moment, else today."""
    if valid_at is not None:
        return valid_at
    if as_of is not None:
        return office_today(datetime.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
    return office_today()


def list_query(list_code: str, position: int, valid_at: date, profile: str | None = None) -> Select[Any]:
    """Entries of a list at `position` in force on `valid_at` (NT-PCI-30, JY-20: swept or not)."""
    v = list_entry_versions
    query = (select(v.c.list_entry_id, subjects.c.masked_name, subjects.c.masked_id, v.c.list_code, v.c.policy_id,
                    v.c.list_field, v.c.status, v.c.valid_from, v.c.valid_until, v.c.ended_on,
                    v.c.recorded_position)
             .join(subjects, subjects.c.subject_id == v.c.subject_id)
             .where(v.c.list_code == list_code, at_position(v, position),
                    in_force_clause(v, valid_at)))
    if profile is not None:
        query = query.where(v.c.policy_id == profile)
    return query.order_by(v.c.valid_from, v.c.list_entry_id)


def public_query(position: int, valid_at: date) -> Select[Any]:
    """Public-class records at `position` in force on `valid_at`, masked (NT-PCI-19/30, HA-3.2)."""
    v = record_versions
    return (select(v.c.record_id, subjects.c.masked_name, subjects.c.masked_id, v.c.behaviour_code, v.c.tier,
                   v.c.determining_unit, v.c.determination_date, v.c.valid_from, v.c.valid_until, v.c.ended_on,
                   (v.c.status == OBJECTION_PENDING).label("objection_pending"), v.c.recorded_position)
            .join(subjects, subjects.c.subject_id == v.c.subject_id)
            .where(v.c.disclosure == PUBLIC_CLASS, at_position(v, position),
                   in_force_clause(v, valid_at))
            .order_by(v.c.valid_from, v.c.record_id))


def catch_up(app: LedgerApplication, engine: Engine, names: tuple[str, ...], position: int) -> None:
    """Bring the named views up to at least `position` (creating them if needed), or raise ProjectionError."""
    create_views(engine)

    def behind() -> bool:
        with engine.connect() as conn:
            rows = conn.execute(select(tracking.c.log_position).where(tracking.c.projection.in_(names))).all()
        return len(rows) < len(names) or min(int(r.log_position) for r in rows) < position

    if behind():
        Follower(app, engine, [projection(n) for n in names]).run_once()
        if behind():
            raise ProjectionError(f"the views {', '.join(names)} do not reach log position {position}")


@contextmanager
def _answer(app: LedgerApplication, engine: Engine, view: str, names: tuple[str, ...], position: int,
            query: Select[Any], **header: Any) -> Iterator[ViewAnswer]:
    catch_up(app, engine, names, position)
    note, size, cosigners = covering(app, position)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(query)
        yield ViewAnswer(view, log_position=position, checkpoint=note, checkpoint_size=size,
                         rows=(dict(r) for r in result.mappings()), checkpoint_cosigners=cosigners, **header)


@contextmanager
def list_as_of(app: LedgerApplication, engine: Engine, list_code: str, *, profile: str | None = None,
               as_of_position: int | None = None, as_of: datetime | str | None = None,
               valid_at: date | None = None) -> Iterator[ViewAnswer]:
    """What the ledger showed at a position or moment about who was on `list_code` on `valid_at`."""
    position, day = resolve_position(app, as_of_position, as_of), business_day(valid_at, as_of)
    query = list_query(list_code, position, day, profile)
    with _answer(app, engine, "list", ("subjects", "list_entries"), position, query, list_code=list_code,
                 profile=profile, valid_at=valid_at, day=day) as answer:
        yield answer


@contextmanager
def public_as_of(app: LedgerApplication, engine: Engine, *, as_of_position: int | None = None,
                 as_of: datetime | str | None = None, valid_at: date | None = None) -> Iterator[ViewAnswer]:
    """What the public (masked) record view showed at a position or moment, in force on `valid_at`."""
    position, day = resolve_position(app, as_of_position, as_of), business_day(valid_at, as_of)
    with _answer(app, engine, "public", ("subjects", "records"), position, public_query(position, day),
                 list_code=None, profile=None, valid_at=valid_at, day=day) as answer:
        yield answer
