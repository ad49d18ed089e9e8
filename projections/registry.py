"""Every projection by name (the order is the order `rebuild` with no name uses)."""

from __future__ import annotations

from projections import list_entries, records, subjects
from projections.base import Projection, ProjectionError

PROJECTIONS: dict[str, Projection] = {p.name: p for p in (
    subjects.PROJECTION, records.PROJECTION, list_entries.PROJECTION,
)}


def projection(name: str) -> Projection:
    """The projection called `name`, or ProjectionError listing the known names."""
    try:
        return PROJECTIONS[name]
    except KeyError:
        raise ProjectionError(f"no projection {name!r} (known: {', '.join(PROJECTIONS)})") from None
