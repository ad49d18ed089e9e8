"""Names instead of codes: behaviours, units, measures and list fields by their names in the policy profiles, in
the page's language (Chinese or English); the code itself when no profile names it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _

from web.context import services
from web.i18n import current_language
from web.labels import N_

# Units of the system itself, named by no profile (the root key's and the administrators').
SYSTEM_UNITS = {"ledger": N_("Ledger root"), "ledger-admin": N_("Ledger administration")}


def local(named: Any) -> str:
    """`name_zh` or `name_en` of a profile entry, by the page's language."""
    return named.name_en if current_language() == "en" and named.name_en else named.name_zh


def _from_any_profile(table: str, code: str) -> str:
    """The name of `code` in the first profile whose `table` (units, behaviours) holds it, else the code."""
    for profile in services().profiles.values():
        entry = getattr(profile, table).get(code)
        if entry is not None:
            return local(entry)
    return code


def unit_name(unit: str) -> str:
    """A unit's name from whichever profile names it (JY-5), or the system's own unit's name."""
    if unit in SYSTEM_UNITS:
        return _(SYSTEM_UNITS[unit])
    return _from_any_profile("units", unit)


def behaviour_name(policy_id: str | None, code: str) -> str:
    """A catalogued behaviour's name under its profile (NT-PCI-8)."""
    profile = services().profiles.get(policy_id or "")
    return local(profile.behaviours[code]) if profile and code in profile.behaviours else code


def behaviour_name_any(code: str) -> str:
    """A behaviour's name from whichever profile defines the code (codes carry their city's prefix)."""
    return _from_any_profile("behaviours", code)


def measure_name(policy_id: str | None, measure_id: str) -> str:
    """A sanction measure's name from its profile (HA-4.2)."""
    profile = services().profiles.get(policy_id or "")
    return local(profile.measures[measure_id]) if profile and measure_id in profile.measures else measure_id


def list_field_name(policy_id: str | None, code: str | None) -> str:
    """A list field's name (HA-2.3, JY-4; NT-JRP-3's key fields from the catalogs); '—' when the entry has none."""
    if not code:
        return "—"
    profile = services().profiles.get(policy_id or "")
    return local(profile.list_fields[code]) if profile and code in profile.list_fields else _(code)


def behaviour_options(profiles: dict[str, Any] | None = None, first: str | None = None) -> list[tuple[str, str]]:
    """Every catalogued behaviour as a select option named in the page language, the default profile's first
    (NT-PCI-8: a clerk chooses the act by its name, never types its code)."""
    profiles = services().profiles if profiles is None else profiles
    order = sorted(profiles, key=lambda pid: (pid != first, pid))
    return [(b.code, f"{profiles[pid].label} · {local(b)} ({b.code})") for pid in order
            for b in profiles[pid].behaviours.values()]


def init(app: Flask) -> None:
    """Make the names available to every template."""
    from web.timeline import event_label  # the timeline's names come from the court report's words

    app.jinja_env.globals.update(behaviour_name=behaviour_name, unit_name=unit_name, list_field_name=list_field_name,
                                 measure_name=measure_name, event_label=event_label,
                                 behaviour_options=behaviour_options, behaviour_name_any=behaviour_name_any)
