"""Policy profiles (DESIGN §2): the public face of the policy modules, re-exported for existing imports."""

from __future__ import annotations

from domain.policy_content import canonical_json
from domain.policy_history import ProfileVersions
from domain.policy_loading import NATIONAL_ID, PROFILE_IDS, later_versions, load_all, load_profile, load_versions
from domain.policy_model import (
    Behaviour, DeadlineRule, DisclosureClass, InformationKind, ListField, ListRule, Measure, PointsGrade, PolicyRef,
    RepairConditions, ReportingRule, Tier, UnitInfo, add_years,
)
from domain.policy_profile import PolicyProfile

__all__ = [
    "PROFILE_IDS", "Behaviour", "DeadlineRule", "DisclosureClass", "InformationKind", "ListField", "ListRule", "Measure",
    "PointsGrade", "PolicyProfile", "PolicyRef", "RepairConditions", "ReportingRule", "Tier", "UnitInfo", "add_years",
    "canonical_json", "load_all", "load_profile", "load_versions", "ProfileVersions", "NATIONAL_ID", "later_versions",
]
