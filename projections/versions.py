"""Transaction-time versions of a view row: each change closes the open version and copies the new state."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Table

from projections.base import Handler, Logged, sid
from projections.batch import Batch


def record_version(rows: Batch, current: Table, versions: Table, key: str, item_id: str, position: int) -> None:
    """Supersede the open version of `item_id` at `position` and store the row's current state from there."""
    for version in rows.rows(versions, key, item_id):
        if version["superseded_position"] is None:
            rows.update(versions, version, superseded_position=position)
    rows.insert(versions, {**rows.row(current, key, item_id), "superseded_position": None})


def versioned(handler: Handler, current: Table, versions: Table, key: str) -> Handler:
    """A handler that also keeps the version history of the aggregate's row."""
    def handle(rows: Batch, e: Any, at: Logged) -> None:
        handler(rows, e, at)
        record_version(rows, current, versions, key, sid(e.originator_id), at.position)
    handle.__doc__ = handler.__doc__
    return handle


def all_versioned(handlers: dict[str, Handler], current: Table, versions: Table, key: str) -> dict[str, Handler]:
    """Every handler of a projection wrapped by `versioned`."""
    wrap: Callable[[Handler], Handler] = lambda h: versioned(h, current, versions, key)  # noqa: E731
    return {name: wrap(h) for name, h in handlers.items()}
