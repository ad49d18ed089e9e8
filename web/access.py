"""Registering non-public reads of a subject's data (HA-5.2, JY-24): who, when, which subject, purpose, basis."""

from __future__ import annotations

from uuid import UUID

from flask import redirect, session, url_for
from werkzeug.wrappers import Response

from domain.errors import RuleViolation
from web.context import services
from web.here import here
from web.principal import current_principal
from web.roles import STAFF_READERS, SUBJECT

PURPOSES = "access_purposes"


def stated_purpose(subject_id: UUID) -> dict[str, str] | None:
    """The purpose and basis the user stated for this subject in this session, if any."""
    return session.get(PURPOSES, {}).get(str(subject_id))  # type: ignore[no-any-return]


def state_purpose(subject_id: UUID, purpose: str, basis: str) -> None:
    """Remember a stated purpose and basis for this subject for the rest of the session."""
    if not purpose.strip():
        raise RuleViolation("HA-5.2", "purpose", "state the purpose of this query")
    if not basis.strip():
        raise RuleViolation("HA-5.2", "basis", "state the legal basis or case of this query")
    stated = dict(session.get(PURPOSES, {}))
    stated[str(subject_id)] = {"purpose": purpose.strip(), "basis": basis.strip()}
    session[PURPOSES] = stated


def needs_purpose(subject_id: UUID) -> Response | None:
    """For staff without a stated purpose for this subject: the redirect to the purpose form (HA-5.2).

    Every non-public read of another subject states its own purpose and basis; a department's inbox shows
    masked names only and is no such read.
    """
    if current_principal().role in STAFF_READERS and stated_purpose(subject_id) is None:
        return redirect(url_for("subjects.purpose", subject_id=subject_id, next=here()))
    return None


def _purpose_of(subject_id: UUID, given: tuple[str | None, str | None]) -> tuple[str, str]:
    stated = {"purpose": given[0] or "", "basis": given[1] or ""} if any(given) else stated_purpose(subject_id)
    if stated is None or not stated["purpose"].strip() or not stated["basis"].strip():
        raise RuleViolation("HA-5.2", "purpose", "state the purpose and basis before reading this subject")
    return stated["purpose"], stated["basis"]


def register_read(subject_id: UUID, what: str, *, purpose: str | None = None,
                  basis: str | None = None) -> UUID | None:
    """Register the read before the data is shown; a subject reading its own record is not a query of others.

    `purpose` / `basis` given explicitly win over the purpose stated in the session; every staff reader must
    give one or the other (no default "official duty", HA-5.2).
    """
    principal = current_principal()
    if principal.role == SUBJECT and principal.subject_id == subject_id:
        return None
    if principal.role not in STAFF_READERS:
        raise RuleViolation("HA-5.2", "role", f"role {principal.role} may not read this subject's data")
    purpose, basis = _purpose_of(subject_id, (purpose, basis))
    channel = "api" if principal.via_token else "web"
    return services().credit.record_access(principal.actor(), subject_id=subject_id, purpose=purpose, basis=basis,
                                           channel=channel, what=what)
