"""JSON forms of what the service returns: aggregates, dates, ids (nothing is left as a Python object)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


def plain(value: Any) -> Any:
    """A JSON-ready copy: dates and times ISO, ids as text, sets and tuples as lists."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def aggregate(item: Any) -> dict[str, Any]:
    """An aggregate's state: id, version, kind, times and its public attributes."""
    state = {k: plain(v) for k, v in vars(item).items() if not k.startswith("_")}
    return {"id": str(item.id), "kind": type(item).__name__, "version": item.version,
            "created_on": plain(item.created_on), "modified_on": plain(item.modified_on), **state}


AGGREGATE_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["id", "kind", "version"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"},
                   "version": {"type": "integer"}, "created_on": {"type": "string"},
                   "modified_on": {"type": "string"}},
}


def list_of(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a JSON list of `schema`."""
    return {"type": "array", "items": schema}
