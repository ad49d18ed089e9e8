"""The subject picker's search: by part of a name, a masked identifier, or a full ID number / credit code found
by its keyed id (NT-PCI-15); answers carry masked names and identifiers only (HA-3.2), within the unit's scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_babel import gettext as _

from domain.errors import NotFound, RuleViolation
from domain.identifiers import MASK
from projections.subject_search import subjects_matching
from web.context import services
from web.principal import current_principal
from web.scope import may_read_subject

RULE = "HA-5.2"
MIN_LENGTH = 2


def _masked_id(term: str) -> str | None:
    """The masked identifier a term stands for: typed with its asterisks, or only the characters a public list
    shows (the first 3 and last 4 of an ID number, the first 8 and last 4 of a credit code)."""
    compact = term.replace(" ", "").upper()
    visible = "".join(ch for ch in compact if ch.isalnum())
    if not any(ch.isdigit() for ch in visible):
        return None
    if MASK in compact or len(visible) in (7, 12):
        if len(visible) == 7:
            return visible[:3] + MASK * 11 + visible[3:]
        if len(visible) == 12:
            return visible[:8] + MASK * 6 + visible[8:]
    return None


def _full_number(term: str) -> list[dict[str, Any]] | None:
    """The subject under a full ID number or credit code, by its keyed id; None if the term is no such number."""
    try:
        subject = services().credit.find_subject(term)
    except RuleViolation:
        return None
    if subject is None:
        return []
    masked = subject.masked()
    return [{"subject_id": str(subject.id), "kind": subject.kind, "masked_name": masked["name"],
             "masked_id": masked["id"]}]


def _shown(row: dict[str, Any]) -> dict[str, str]:
    """One answer as the picker shows it: masked name and identifier, the kind by its name, the id to post."""
    return {"id": row["subject_id"], "name": row["masked_name"], "masked_id": row["masked_id"],
            "kind": _(row["kind"])}


def search_subjects(term: str) -> list[dict[str, str]]:
    """Subjects the current user may read matching `term`: full number (keyed lookup), masked id or name part."""
    term = term.strip()
    if len(term) < MIN_LENGTH:
        raise RuleViolation(RULE, "q", f"give at least {MIN_LENGTH} characters of a name or an identifier")
    rows = _full_number(term)
    if rows is None:
        svc = services()
        svc.follower().run_once()
        with svc.engine.connect() as conn:
            rows = subjects_matching(conn, term, _masked_id(term))
    principal = current_principal()
    return [_shown(r) for r in rows if may_read_subject(principal, UUID(r["subject_id"]))]


def subject_shown(subject_id: UUID) -> dict[str, str] | None:
    """A subject as a picker shows it when prefilled (masked), or None if missing or out of scope."""
    try:
        subject = services().credit.subject(subject_id)
    except NotFound:  # a missing subject: the picker starts empty
        return None
    if not may_read_subject(current_principal(), subject_id):
        return None
    masked = subject.masked()
    return {"id": str(subject.id), "name": masked["name"], "masked_id": masked["id"], "kind": _(subject.kind)}


def picker_subject(value: object) -> dict[str, str] | None:
    """The template global a prefilled picker shows its subject with (masked); None for anything not an id."""
    try:
        return subject_shown(UUID(str(value))) if value else None
    except ValueError:
        return None
