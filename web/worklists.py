"""Open work items for the web pages, read from the projections (issue 16): filtered by unit and status and
paginated in SQL (projections.worklists), after the follower caught up, so a clerk sees their own write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from flask import request
from sqlalchemy import Connection

from domain.common import credit_office
from domain.subject import CIVIL_SERVANT, GOVERNMENT_BODY
from projections import worklists as views
from projections.worklists import KINDS, PAGE_SIZE, Page
from web.context import services

INDEXES = tuple(KINDS)  # records, list_entries, objections, repairs, sanctions
__all__ = ["INDEXES", "PAGE_SIZE", "Page", "current_views", "page_number", "open_page", "open_count",
           "unit_page", "unit_count", "sanction_rows", "lifts_due", "objection_rows", "repair_rows",
           "records_to_submit", "government_records"]


def page_number(arg: str = "page") -> int:
    """The page asked for in the query string (1 when absent or not a positive number)."""
    raw = request.args.get(arg, "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


@contextmanager
def current_views() -> Iterator[Connection]:
    """A connection on the views, brought up to date with the log first (read-your-writes)."""
    svc = services()
    svc.follower().run_once()
    with svc.engine.connect() as conn:
        yield conn


def open_page(name: str, number: int | None = None, *, status: str | None = None) -> Page:
    """Page `number` (default: the request's `page`) of every open item of one kind, oldest first."""
    with current_views() as conn:
        return views.open_page(conn, name, page_number() if number is None else number, status=status,
                               size=PAGE_SIZE)  # read when called: a test may change it


def open_count(name: str) -> int:
    """How many items of one kind are open (the dashboard's counts)."""
    with current_views() as conn:
        return views.open_count(conn, name)


def unit_page(name: str, unit: str | None, number: int | None = None, arg: str = "page") -> Page:
    """A page of the open items the unit must act on (for objections: also those referred to it, NT-PCI-32)."""
    with current_views() as conn:
        return views.open_page(conn, name, page_number(arg) if number is None else number, unit, any_unit=False,
                               size=PAGE_SIZE)


def unit_count(name: str, unit: str | None) -> int:
    """How many open items the unit must act on."""
    with current_views() as conn:
        return views.open_count(conn, name, unit, any_unit=False)


def sanction_rows(page: Page) -> Page:
    """The page's cases with what their lists show beyond the view row: the response deadline (JY-21), the
    feedback reports (CS-2.6), the lift (CS-2.7), the measure's legal basis (HA-4.2) and the pending steps."""
    ids = [row["id"] for row in page.items]
    profiles = services().profiles
    with current_views() as conn:
        due = views.first_due(conn, ids, "acknowledge")
        feedback = views.feedback_of(conn, ids)
        steps = views.open_steps(conn, ids)
    rows = []
    for row in page.items:
        measure = getattr(profiles.get(row["policy_id"]), "measures", {}).get(row["measure_id"])
        due_day = due.get(row["id"])
        rows.append(row | {
            "response_deadline": {"due": due_day} if due_day else None, "feedback": feedback.get(row["id"], []),
            "lift": {"pushed_on": row["lift_pushed_on"], "reason": row["lift_reason"]} if row["lift_pushed_on"] else None,
            "legal_basis": getattr(measure, "legal_basis", ""), "steps": steps.get(row["id"], [])})
    return Page(rows, page.number, page.pages, page.total)


def lifts_due(office: str | None) -> list[dict[str, Any]]:
    """Cases in force whose basis left force, of the profiles `office` is the credit office of (JY-17, CS-2.7)."""
    svc = services()
    policies = [pid for pid, profile in svc.profiles.items() if credit_office(profile) == office]
    with current_views() as conn:
        return views.lifts_due(conn, svc.credit.today(), policies)


def objection_rows(page: Page, *, statements: bool = False) -> Page:
    """The page's objections with their answer deadline (NT-PCI-32) and, for the unit that answers, the
    subject's statement (NT-PCI-31; not in the view: read from the ledger for this page's items only)."""
    ledger = services().ledger
    rows = [row | {"answer_deadline": {"due": row["answer_due"]} if row["answer_due"] else None}
            | ({"statement": ledger.get(UUID(row["id"])).statement} if statements else {}) for row in page.items]
    return Page(rows, page.number, page.pages, page.total)


def repair_rows(page: Page) -> Page:
    """The page's repair applications with the end of their publicity period, once an opinion is given (NT-PCI-35)."""
    rows = [row | {"opinion": {"publicity_deadline": {"due": row["publicity_due"]} if row["publicity_due"] else None}
                   if row["opinion_on"] else None} for row in page.items]
    return Page(rows, page.number, page.pages, page.total)


def records_to_submit(number: int | None = None) -> Page:
    """A page of the in-force records not yet submitted to the credit office, of the profiles with a
    collect-and-submit step (LYG-4)."""
    policies = [pid for pid, profile in services().profiles.items() if "aggregator" in getattr(profile, "roles", {})]
    with current_views() as conn:
        return views.records_to_submit(conn, policies, page_number() if number is None else number, size=PAGE_SIZE)


def government_records() -> list[UUID]:
    """The open records of government bodies and civil servants: the only ones with a government case (NT-GOV-2.2a),
    so the dashboard's overdue rectifications (NT-GOV-2.4a) look at these only."""
    with current_views() as conn:
        return [UUID(i) for i in views.open_records_of_kinds(conn, (GOVERNMENT_BODY, CIVIL_SERVANT))]
