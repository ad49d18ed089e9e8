"""Names from the policy profiles in the page's language (Chinese or English), the code when none is known."""

from __future__ import annotations

from typing import Any

from web.context import services
from web.i18n import current_language


def local(named: Any) -> str:
    """`name_zh` or `name_en` of a profile entry, by the page's language."""
    return named.name_en if current_language() == "en" and named.name_en else named.name_zh


def unit_name(unit: str) -> str:
    """A unit's name from whichever profile names it."""
    for profile in services().profiles.values():
        if unit in profile.units:
            return local(profile.units[unit])
    return unit


def behaviour_name(policy_id: str, code: str) -> str:
    """A behaviour's name from its profile."""
    profile = services().profiles.get(policy_id)
    return local(profile.behaviours[code]) if profile and code in profile.behaviours else code


def measure_name(policy_id: str, measure_id: str) -> str:
    """A sanction measure's name from its profile."""
    profile = services().profiles.get(policy_id)
    return local(profile.measures[measure_id]) if profile and measure_id in profile.measures else measure_id


def behaviour_name_any(code: str) -> str:
    """A behaviour's name from whichever profile defines the code (codes carry their city's prefix)."""
    for profile in services().profiles.values():
        if code in profile.behaviours:
            return local(profile.behaviours[code])
    return code
