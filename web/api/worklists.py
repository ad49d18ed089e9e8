"""Open work per kind (records, list entries, objections, repairs, sanction cases): all of it for the credit
office, the items the caller's unit must handle for recording units and departments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from web.api.serialize import AGGREGATE_SCHEMA, aggregate, list_of
from web.api.spec import ENUM, INTEGER, Endpoint, Field
from web.context import services
from web.principal import current_principal
from web.roles import CREDIT_OFFICE, DEPARTMENT, RECORDING_UNIT
from web.worklists import INDEXES, PAGE_SIZE, open_page, unit_page


def work(args: dict[str, Any]) -> dict[str, Any]:
    """One page of open items of one kind, oldest first (ids, states and deadlines; no personal data: items hold
    none); the page is chosen in the projections, only its items are read from the ledger."""
    principal, kind, number = current_principal(), args["kind"], max(1, args.get("page") or 1)
    page = open_page(kind, number) if principal.role == CREDIT_OFFICE else unit_page(kind, principal.unit, number)
    ledger = services().ledger
    return {"kind": kind, "page": page.number, "pages": page.pages, "total": page.total,
            "items": [aggregate(ledger.get(UUID(row["id"]))) for row in page.items]}


WORK = Endpoint(
    "work", "GET", "/work/{kind}", "Open work of one kind: all for the credit office, the caller unit's own "
    "otherwise (NT-PCI-32, JY-21)", frozenset({CREDIT_OFFICE, RECORDING_UNIT, DEPARTMENT}), work, "dashboard",
    path_fields=(Field("kind", ENUM, "NT-PCI-32", choices=INDEXES),),
    query=(Field("page", INTEGER, "NT-PCI-32", False, f"page of {PAGE_SIZE} items, oldest first (default 1)"),),
    response={"type": "object", "required": ["kind", "page", "pages", "total", "items"],
              "properties": {"kind": {"type": "string"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                             "total": {"type": "integer"}, "items": list_of(AGGREGATE_SCHEMA)}})
