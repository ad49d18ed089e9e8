"""The menu: links to the areas the current role may open (read from the permission table)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from web.permissions import allowed
from web.principal import current_principal

# endpoint → label, in menu order; a link is shown only when the role may open it.
MENU = (
    ("public.query", _l("Public query")),
    ("public.lists", _l("Red and black lists")),
    ("recording.home", _l("Recording")),
    ("office.dashboard", _l("Dashboard")),
    ("office.lists", _l("Lists")),
    ("office.sanctions", _l("Sanctions")),
    ("casework.escalate", _l("Escalation")),
    ("casework.revoke", _l("Erroneous revocation")),
    ("casework.points", _l("Points")),
    ("casework.responsible", _l("Responsible persons")),
    ("casework.objections", _l("Appeals")),
    ("reports.sweep", _l("Expiry sweep")),
    ("reports.lists", _l("Monthly reports")),
    ("reports.upward", _l("Upward push")),
    ("reports.circular", _l("Quarterly circular")),
    ("department.inbox", _l("Inbox")),
    ("subjects.find", _l("Subjects")),
    ("recording.query", _l("Query a subject")),
    ("audit.home", _l("Audit")),
    ("mine.home", _l("My record")),
    ("mine.access_log", _l("Who read my record")),
    ("admin.users", _l("Users")),
    ("admin.units", _l("Units and keys")),
    ("admin.profiles", _l("Policy profiles")),
    ("admin.checkpoint", _l("Checkpoints")),
)


def nav_links() -> list[tuple[str, str]]:
    """The menu entries the current role may open."""
    from flask import current_app

    role = current_principal().role
    return [(e, str(label)) for e, label in MENU if e in current_app.view_functions and allowed(e, role)]


def profile_options(profiles: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Select options for policy profiles: id and title."""
    return [(pid, f"{pid} — {p.label}") for pid, p in sorted(profiles.items())]


def code_options(codes: Iterable[str]) -> list[tuple[str, str]]:
    """Select options for codes, labelled in the UI language."""
    return [(code, gettext(code)) for code in codes]


def init(app: Flask) -> None:
    """Expose the menu, the principal and option helpers to templates."""
    app.jinja_env.globals.update(nav_links=nav_links, principal_now=current_principal,
                                 profile_options=profile_options, role_options=code_options,
                                 grounds_options=code_options)
