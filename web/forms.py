"""Reading form fields: each bad value is a RuleViolation naming the field and the rule it serves.

While a submit collects its errors (web/form_errors.py, issue 16.3) a bad value is noted and a placeholder
returned (blank text, no id, no choice), so every field of the submit is checked; otherwise it is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from flask import request

from domain.errors import RuleViolation
from web.form_errors import note

NO_ID = UUID(int=0)  # the placeholder of a bad id: found nowhere
NO_DAY = date.min  # the placeholder of a bad required date


def _raw(name: str) -> str:
    return (request.form.get(name) or "").strip()


def text(name: str, rule: str, *, required: bool = True) -> str:
    """A text field; required ones must not be blank."""
    value = _raw(name)
    if required and not value:
        note(RuleViolation(rule, name, f"{name} is required"))
    return value


def optional_text(name: str) -> str | None:
    """A text field that may be left empty (None then)."""
    return _raw(name) or None


def day(name: str, rule: str, *, required: bool = True) -> date | None:
    """A calendar date YYYY-MM-DD (the business date the caller states)."""
    value = _raw(name)
    if not value:
        if required:
            note(RuleViolation(rule, name, f"{name} is required (YYYY-MM-DD)"))
            return NO_DAY
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        note(RuleViolation(rule, name, f"{name} {value!r} is not a date (YYYY-MM-DD)"))
        return NO_DAY if required else None


def required_day(name: str, rule: str) -> date:
    """A required calendar date."""
    return day(name, rule)  # type: ignore[return-value]


def ident(name: str, rule: str, value: str | None = None) -> UUID:
    """An id (UUID) of a subject, record, list entry, objection, repair or sanction case."""
    raw = _raw(name) if value is None else value.strip()
    try:
        return UUID(raw)
    except ValueError:
        note(RuleViolation(rule, name, f"{name} {raw!r} is not an id"))
        return NO_ID


def ids(name: str, rule: str) -> list[UUID]:
    """Ids separated by commas, spaces or new lines, or ticked as several checkboxes (may be empty); bad ones are
    left out once noted."""
    raw = " ".join(request.form.getlist(name))
    found = [ident(name, rule, part) for part in raw.replace(",", " ").split()]
    return [one for one in found if one != NO_ID]


def choice(name: str, choices: Mapping[str, Any] | tuple[str, ...], rule: str) -> str:
    """One value of a closed list."""
    value = _raw(name)
    if value not in choices:
        note(RuleViolation(rule, name, f"{name} {value!r} is not one of {', '.join(choices)}"))
        return ""
    return value


def yes_no(name: str, rule: str) -> bool:
    """A yes/no choice (radio buttons 'yes' / 'no')."""
    return choice(name, ("yes", "no"), rule) == "yes"


def document(prefix: str, rule: str, *, with_text: bool = False, kind: bool = False) -> dict[str, Any]:
    """A document given by number, date (and issuer/type or text): `prefix_number`, `prefix_date`, ..."""
    doc: dict[str, Any] = {"number": text(f"{prefix}_number", rule), "date": required_day(f"{prefix}_date", rule)}
    if kind:
        doc = {"type": text(f"{prefix}_type", rule), **doc, "issuer": text(f"{prefix}_issuer", rule)}
    if with_text:
        doc["text"] = text(f"{prefix}_text", rule)
    return doc
