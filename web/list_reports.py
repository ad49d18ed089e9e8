"""The report pages' lists from the views (issue 16): monthly list reports due (NT-PCI-17) and the entries waiting
for the upward push (JY-22), a page at a time."""

from __future__ import annotations

from typing import Any

from domain.service_reporting import reported_lists
from projections import list_reporting as views
from projections.worklists import Page
from web import worklists
from web.context import services
from web.worklists import current_views, page_number


def reports_due() -> list[dict[str, Any]]:
    """`credit.reports_due()` with the unreported entries read from the views (the roster gaps from the ledger)."""
    svc = services()
    lists = {pid: reported_lists(profile)[0] for pid, profile in svc.profiles.items()}
    with current_views() as conn:
        pending = views.unreported(conn, lists)
    return svc.credit.reports_due_of(pending)  # type: ignore[no-any-return]  # ids as the views store them


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
