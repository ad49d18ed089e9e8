"""Names instead of codes: behaviours, units and lists by their names in the profiles, in the page's language."""

from __future__ import annotations

from typing import Any

from flask import Flask

from web.context import services
from web.i18n import current_language


def _named(item: Any, code: str) -> str:
    """The item's Chinese or English name for the page's language, else the code."""
    if item is None:
        return code
    return getattr(item, "name_en" if current_language() == "en" else "name_zh", None) or code


def behaviour_name(policy_id: str | None, code: str) -> str:
    """A catalogued behaviour's name under its profile (NT-PCI-8)."""
    profile = services().profiles.get(policy_id or "")
    return _named(profile.behaviours.get(code) if profile else None, code)


def unit_name(unit: str) -> str:
    """A unit's name from the first profile that names it (JY-5)."""
    for profile in services().profiles.values():
        if unit in profile.units:
            return _named(profile.units[unit], unit)
    return unit


def list_field_name(policy_id: str | None, code: str | None) -> str:
    """A list field's name (HA-2.3, JY-4); '—' when the entry has none."""
    if not code:
        return "—"
    profile = services().profiles.get(policy_id or "")
    return _named(profile.list_fields.get(code) if profile else None, code)


def init(app: Flask) -> None:
    """Make the names available to every template."""
    app.jinja_env.globals.update(behaviour_name=behaviour_name, unit_name=unit_name, list_field_name=list_field_name)
