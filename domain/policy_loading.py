"""Loading the packaged profiles (domain/profiles/<id>.toml, later versions <id>.v<N>.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from domain.policy_history import ProfileVersions
from domain.policy_profile import PolicyProfile

PROFILE_IDS = ("LYG", "HA", "NT", "JY", "CS")
NATIONAL_ID = "NAT"  # RULES.md appendix: loadable and adoptable, not one of the city services' own profiles


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((files("domain") / "profiles" / name).read_text(encoding="utf-8"))


def load_profile(profile_id: str) -> PolicyProfile:
    """Load the packaged profile `profile_id` (e.g. 'NT') from domain/profiles/<id>.toml."""
    profile = PolicyProfile.from_content(_read(f"{profile_id.lower()}.toml"))
    if profile.id != profile_id.upper():
        raise ValueError(f"profiles/{profile_id.lower()}.toml declares id {profile.id}")
    return profile


def load_all() -> dict[str, PolicyProfile]:
    """Every packaged profile, keyed by id (its first version: the one each city service runs)."""
    return {profile_id: load_profile(profile_id) for profile_id in PROFILE_IDS}


def merge_version(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A later version's content: the base with the overlay's changes.

    A section of named tables (tiers, deadlines, units, ...) is merged by name, each named table replaced
    whole; any other key (a scalar, a flat table such as `repair`) is replaced. `first_effective_date`
    keeps the day the profile first took effect (LYG-21: no act before it is sanctioned).
    """
    merged = {k: v for k, v in base.items()}
    for key, value in overlay.items():
        old = merged.get(key)
        named = isinstance(value, Mapping) and value and all(isinstance(v, Mapping) for v in value.values())
        merged[key] = {**old, **value} if named and isinstance(old, Mapping) else value
    merged["first_effective_date"] = base.get("first_effective_date", base["effective_date"])
    return merged


def _version_files(profile_id: str) -> list[tuple[int, str]]:
    pattern = re.compile(rf"{re.escape(profile_id.lower())}\.v(\d+)\.toml")
    names = (p.name for p in (files("domain") / "profiles").iterdir())
    return sorted((int(m[1]), m[0]) for m in map(pattern.fullmatch, names) if m)


def load_versions(profile_id: str) -> ProfileVersions:
    """Every packaged version of `profile_id`: <id>.toml, then each <id>.v<N>.toml, whose `extends` names
    the version it changes."""
    contents = {load_profile(profile_id).version: _read(f"{profile_id.lower()}.toml")}
    for number, name in _version_files(profile_id):
        overlay = _read(name)
        base = contents[overlay.pop("extends")]
        contents[number] = merge_version(base, overlay)
        if overlay.get("version") != number:
            raise ValueError(f"profiles/{name} declares version {overlay.get('version')}")
    return ProfileVersions(PolicyProfile.from_content(c) for c in contents.values())


def later_versions() -> tuple[PolicyProfile, ...]:
    """Every packaged version after the first of each city profile (e.g. NT v2 from 2026-04-01)."""
    return tuple(v for pid in PROFILE_IDS for v in load_versions(pid).versions[1:])
