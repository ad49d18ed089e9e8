"""Every projection by name (the order is the order `rebuild` with no name uses)."""

from __future__ import annotations

from projections import (access_log, archive, list_entries, list_reporting, objections, records, sanctions, subjects,
                         submissions, work_queue)
from projections.base import Projection, ProjectionError

PROJECTIONS: dict[str, Projection] = {p.name: p for p in (
    subjects.PROJECTION, records.PROJECTION, list_entries.PROJECTION, sanctions.PROJECTION,
    objections.OBJECTIONS, objections.REPAIRS, work_queue.PROJECTION, archive.PROJECTION, access_log.PROJECTION,
    submissions.PROJECTION, list_reporting.PROJECTION,
)}


def projection(name: str) -> Projection:
    """The projection called `name`, or ProjectionError listing the known names."""
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise ProjectionError(f"no projection {name!r} (known: {', '.join(PROJECTIONS)})") from None
