"""Open work per kind (records, list entries, objections, repairs, sanction cases): all of it for the credit
office, the items the caller's unit must handle for recording units and departments."""

from __future__ import annotations

from typing import Any

from web.api.serialize import AGGREGATE_SCHEMA, aggregate, list_of
from web.api.spec import ENUM, Endpoint, Field
from web.principal import current_principal
from web.roles import CREDIT_OFFICE, DEPARTMENT, RECORDING_UNIT
from web.worklists import INDEXES, open_for_unit, open_items

# Which attribute names the unit that must act on an open item, per index.
RESPONSIBLE = {"records": "determining_unit", "list_entries": "determining_unit", "objections": "handler_unit",
               "repairs": "handler_unit", "sanctions": "department"}


def work(args: dict[str, Any]) -> dict[str, Any]:
    """Open items of one kind, oldest first (ids, states and deadlines; no personal data: items hold none)."""
    principal, kind = current_principal(), args["kind"]
    items = open_items(kind) if principal.role == CREDIT_OFFICE else \
        open_for_unit(kind, principal.unit, RESPONSIBLE[kind])
    return {"kind": kind, "items": [aggregate(i) for i in items]}


WORK = Endpoint(
    "work", "GET", "/work/{kind}", "Open work of one kind: all for the credit office, the caller unit's own "
    "otherwise (NT-PCI-32, JY-21)", frozenset({CREDIT_OFFICE, RECORDING_UNIT, DEPARTMENT}), work, "dashboard",
    path_fields=(Field("kind", ENUM, "NT-PCI-32", choices=INDEXES),),
    response={"type": "object", "required": ["kind", "items"],
              "properties": {"kind": {"type": "string"}, "items": list_of(AGGREGATE_SCHEMA)}})
