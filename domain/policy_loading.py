"""Loading the packaged profiles (domain/profiles/<id>.toml)."""

from __future__ import annotations

import tomllib
from importlib.resources import files

from domain.policy_profile import PolicyProfile

PROFILE_IDS = ("LYG", "HA", "NT", "JY", "CS")


def load_profile(profile_id: str) -> PolicyProfile:
    """Load the packaged profile `profile_id` (e.g. 'NT') from domain/profiles/<id>.toml."""
    text = (files("domain") / "profiles" / f"{profile_id.lower()}.toml").read_text(encoding="utf-8")
    profile = PolicyProfile.from_content(tomllib.loads(text))
    if profile.id != profile_id.upper():
        raise ValueError(f"profiles/{profile_id.lower()}.toml declares id {profile.id}")
    return profile


def load_all() -> dict[str, PolicyProfile]:
    """Every packaged profile, keyed by id."""
    return {profile_id: load_profile(profile_id) for profile_id in PROFILE_IDS}
