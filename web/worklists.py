"""Open work items, read from the domain's open-item indexes (records, list entries, objections, repairs, sanctions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from domain.index import read_index
from web.context import services

INDEXES = ("records", "list_entries", "objections", "repairs", "sanctions")
PAGE_SIZE = 100  # open items per page of an office list (a million-event ledger has 70,000 open records)


@dataclass(frozen=True)
class Page:
    """One page of an index's open items, oldest first."""

    items: list[Any]
    number: int
    pages: int
    total: int


def open_page(name: str, number: int | None = None) -> Page:
    """Page `number` (default: the request's `page`, else 1) of an index's open items; only its items are read."""
    if number is None:
        raw = request.args.get("page", "1")
        number = int(raw) if raw.isdigit() else 1
    ledger = services().ledger
    index = read_index(ledger.get, name)
    ids = index.ids() if index is not None else []
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    number = min(max(1, number), pages)
    chosen = ids[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    return Page([ledger.get(item_id) for item_id in chosen], number, pages, len(ids))


def open_items(name: str) -> list[Any]:
    """The open items of one index, oldest first (empty when nothing was ever filed there)."""
    ledger = services().ledger
    index = read_index(ledger.get, name)
    return [ledger.get(item_id) for item_id in index.ids()] if index is not None else []


def open_count(name: str) -> int:
    """How many items of one index are open, without reading them (the dashboard's counts)."""
    index = read_index(services().ledger.get, name)
    return len(index.open_ids) if index is not None else 0


def open_for_unit(name: str, unit: str | None, attribute: str) -> list[Any]:
    """Open items whose `attribute` (e.g. handler_unit, department, determining_unit) is the unit."""
    return [item for item in open_items(name) if getattr(item, attribute, None) == unit]


def objections_for_unit(unit: str | None) -> list[Any]:
    """Open objections the unit handles, or that were referred to it for verification (NT-PCI-32)."""
    return [o for o in open_items("objections")
            if o.handler_unit == unit or (getattr(o, "referral", None) or {}).get("provider_unit") == unit]
