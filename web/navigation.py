"""The menu: links to the areas the current role may open (read from the permission table)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from web.permissions import allowed
from web.principal import current_principal

# Groups of the menu, in order: (label, ((endpoint, label), …)); a link is shown only when the role may open it.
GROUPS = (
    (_l("Public"), (
        ("public.query", _l("Public query")),
        ("public.lists", _l("Red and black lists")),
    )),
    (_l("Daily work"), (
        ("recording.home", _l("Recording")),
        ("office.dashboard", _l("Dashboard")),
        ("office.lists", _l("Lists")),
        ("office.sanctions", _l("Sanctions")),
        ("government.record", _l("Government integrity")),
        ("award_check.check", _l("Award check")),
        ("department.inbox", _l("Inbox")),
        ("subjects.find", _l("Subjects")),
        ("recording.query", _l("Query a subject")),
        ("audit.home", _l("Audit")),
        ("mine.home", _l("My record")),
        ("mine.access_log", _l("Who read my record")),
    )),
    (_l("Casework"), (
        ("casework.escalate", _l("Escalation")),
        ("casework.revoke", _l("Erroneous revocation")),
        ("casework.points", _l("Points")),
        ("casework.responsible", _l("Responsible persons")),
        ("casework.objections", _l("Appeals")),
    )),
    (_l("Reports"), (
        ("reports.sweep", _l("Expiry sweep")),
        ("reports.lists", _l("Monthly reports")),
        ("reports.upward", _l("Upward push")),
        ("reports.circular", _l("Quarterly circular")),
        ("reports.evaluation", _l("Government integrity evaluation")),
    )),
    (_l("Administration"), (
        ("admin.users", _l("Users")),
        ("admin.units", _l("Units and keys")),
        ("admin.profiles", _l("Policy profiles")),
        ("admin.checkpoint", _l("Checkpoints")),
    )),
)
MENU = tuple(entry for _group, entries in GROUPS for entry in entries)
# Where each role lands after logging in without a page to return to (issue 16.6): its own work.
ROLE_HOME = {"recording_unit": "recording.home", "credit_office": "office.dashboard", "department": "department.inbox",
             "auditor": "audit.home", "subject": "mine.home", "admin": "admin.users"}


def _may_open(endpoint: str, role: str) -> bool:
    from flask import current_app

    return endpoint in current_app.view_functions and allowed(endpoint, role)


def nav_links() -> list[tuple[str, str]]:
    """The menu entries the current role may open."""
    role = current_principal().role
    return [(e, str(label)) for e, label in MENU if _may_open(e, role)]


def nav_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The menu by group, leaving out groups the current role has nothing in."""
    role = current_principal().role
    groups = [(str(name), [(e, str(label)) for e, label in entries if _may_open(e, role)]) for name, entries in GROUPS]
    return [(name, links) for name, links in groups if links]


# A procedural step's date (filed, verified, decided, pushed, announced …) defaults to the office's today (issue
# 16.6); business dates never do — the act, the determination, a document's date, the day an act was corrected or
# an interview held are stated by the clerk (and validated), not guessed.
NOT_TODAY = frozenset({"corrected_on", "interview_on"})


def default_date(name: str) -> str:
    """Today's date (ISO) for a form's procedural date field, empty for a business date."""
    if name == "on" or (name.endswith("_on") and name not in NOT_TODAY):
        from web.context import services

        return services().credit.today().isoformat()
    return ""


def home_of(role: str) -> str:
    """The endpoint a role lands on after logging in (the start page for a role without one)."""
    return ROLE_HOME.get(role, "main.index")


def profile_options(profiles: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Select options for policy profiles: id and title."""
    return [(pid, f"{pid} — {p.label}") for pid, p in sorted(profiles.items())]


def code_options(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Select options for codes, labelled in the UI language."""
    return [(code, gettext(code)) for code in codes]


def may_open(endpoint: str) -> bool:
    """Whether the current role may open a page: links it may not follow are not shown (issue 16.2)."""
    return allowed(endpoint, current_principal().role)


def init(app: Flask) -> None:
    """Expose the menu, the principal and option helpers to templates."""
    app.jinja_env.globals.update(nav_links=nav_links, nav_groups=nav_groups, default_date=default_date,
                                 principal_now=current_principal, may_open=may_open,
                                 profile_options=profile_options, role_options=code_options,
                                 grounds_options=code_options)
