"""Transaction-time versions of a view row: each change closes the open version and copies the new state."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from sqlalchemy import Connection, Insert, Table, Update, bindparam, insert, select, update

from projections.base import Handler, Logged, sid


@lru_cache(maxsize=None)
def _statements(current: Table, versions: Table, key: str) -> tuple[Update, Insert]:
    """Close the open version; copy the current row as the new one (built once, bound per event)."""
    close = (update(versions).where(versions.c[key] == bindparam("item"), versions.c.superseded_position.is_(None))
             .values(superseded_position=bindparam("at")))
    names = [c.name for c in current.columns]
    copy = insert(versions).from_select(names, select(*current.columns).where(current.c[key] == bindparam("item")))
    return close, copy


def record_version(conn: Connection, current: Table, versions: Table, key: str, item_id: str, position: int) -> None:
    """Supersede the open version of `item_id` at `position` and store the row's current state from there."""
    close, copy = _statements(current, versions, key)
    conn.execute(close, {"item": item_id, "at": position})
    conn.execute(copy, {"item": item_id})


def versioned(handler: Handler, current: Table, versions: Table, key: str) -> Handler:
    """A handler that also keeps the version history of the aggregate's row."""
    def handle(conn: Connection, e: Any, at: Logged) -> None:
        handler(conn, e, at)
        record_version(conn, current, versions, key, sid(e.originator_id), at.position)
    handle.__doc__ = handler.__doc__
    return handle


def all_versioned(handlers: dict[str, Handler], current: Table, versions: Table, key: str) -> dict[str, Handler]:
    """Every handler of a projection wrapped by `versioned`."""
    wrap: Callable[[Handler], Handler] = lambda h: versioned(h, current, versions, key)  # noqa: E731
    return {name: wrap(h) for name, h in handlers.items()}
