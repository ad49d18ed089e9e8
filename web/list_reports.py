"""The report pages' lists from the views (issue 16): monthly list reports due (NT-PCI-17) and the entries waiting
for the upward push (JY-22), a page at a time, each entry labelled from its view row (HA-3.2: masked name)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from sqlalchemy import select

from domain.effective import Period, effective_status
from domain.service_reporting import reported_lists
from projections import list_reporting as views
from projections.db import list_entries, subjects
from projections.worklists import Page
from web import worklists
from web.context import services
from web.worklists import current_views, page_number


def reports_due() -> list[dict[str, Any]]:
    """`credit.reports_due()` with the unreported entries read from the views (the roster gaps from the ledger)."""
    svc = services()
    lists = {pid: reported_lists(profile)[0] for pid, profile in svc.profiles.items()}
    with current_views() as conn:
        pending = [(r["policy_id"], r["determining_unit"], r["confirmed_on"], UUID(r["list_entry_id"]))
                   for r in views.unreported(conn, lists)]
    return svc.credit.reports_due_of(pending)  # type: ignore[no-any-return]


def due_entries_page(due: list[dict[str, Any]], number: int | None = None) -> Page[str]:
    """A page of the entries the due reports must name (their ids, in the groups' order): what the report page
    labels and offers, so a month with thousands of entries is shown a page at a time (issue 16)."""
    ids = [str(i) for d in due for i in d["list_entry_ids"]]
    size = worklists.PAGE_SIZE  # read when called: a test may change it
    pages = max(1, -(-len(ids) // size))
    shown = min(max(1, page_number() if number is None else number), pages)
    return Page(ids[(shown - 1) * size:shown * size], shown, pages, len(ids))


def upward_page(number: int | None = None) -> Page[dict[str, Any]]:
    """A page of what `credit.upward_pushes_pending()` answers: entries in force not yet pushed to every system."""
    svc = services()
    targets = {}
    for pid, profile in svc.profiles.items():
        _reported, pushed, systems = reported_lists(profile)
        targets[pid] = (pushed, systems)
    with current_views() as conn:
        return views.upward_pending(conn, targets, svc.credit.today(), page_number() if number is None else number,
                                    worklists.PAGE_SIZE)  # read when called: a test may change it


def entry_labels(entry_ids: Iterable[Any]) -> dict[str, str]:
    """Each list entry as `picker_items.item_label` shows it (masked name · list · day · status), read from the
    views in one query: never its id (HA-3.2)."""
    wanted = sorted({str(i) for i in entry_ids})
    if not wanted:
        return {}
    today = services().credit.today()
    c = list_entries.c
    query = (select(c.list_entry_id, c.list_code, c.status, c.in_force, c.drafted_on, c.valid_from, c.valid_until,
                    c.ended_on, subjects.c.masked_name).join(subjects, subjects.c.subject_id == c.subject_id)
             .where(c.list_entry_id.in_(wanted)))
    labels = {}
    with current_views() as conn:
        for r in conn.execute(query).mappings():
            status = effective_status(r["status"], r["in_force"], Period(r["valid_from"], r["valid_until"],
                                                                         r["ended_on"]), today)
            on = r["valid_from"] or r["drafted_on"]
            labels[r["list_entry_id"]] = f"{r['masked_name']} · {_(r['list_code'])} · {on} · {_(status)}"
    return labels
