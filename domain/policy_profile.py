"""PolicyProfile: one regulation's rules as versioned, hashed data, with its lookups (DESIGN §2)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from domain import effective
from domain.errors import RuleViolation
from domain.policy_content import build, canonical_json, check_keys, check_references, deadline_rule, jsonable, keyed
from domain.policy_model import (
    LEVELS, Behaviour, DeadlineRule, DisclosureClass, InformationKind, ListField, ListRule, Measure, PointsGrade,
    PolicyRef, RepairConditions, ReportingRule, Tier, UnitInfo, add_months, add_years,
)

_DEADLINE_RULES = {"objection": "NT-PCI-32", "provider": "NT-PCI-32", "correction": "NT-PCI-32",
                   "prior": "HA-4.1", "repair": "NT-PCI-35"}



@dataclass(frozen=True, eq=False)
class PolicyProfile:
    """One regulation's rules as data; equal profiles have equal content (and content hash)."""

    id: str
    version: int
    title_zh: str
    title_en: str
    document_number: str
    source: str
    effective_date: date
    tiers: Mapping[str, Tier]
    behaviours: Mapping[str, Behaviour]
    deadlines: Mapping[str, DeadlineRule]
    measures: Mapping[str, Measure]
    units: Mapping[str, UnitInfo]
    disclosure_classes: Mapping[str, DisclosureClass]
    lists: Mapping[str, ListRule]
    list_fields: Mapping[str, ListField]
    repair: RepairConditions
    points_grades: tuple[PointsGrade, ...]
    reporting: Mapping[str, ReportingRule]
    roles: Mapping[str, str]
    minimum_age: int | None
    minimum_age_rule_id: str | None
    points_source: str | None
    content_json: str
    information: Mapping[str, InformationKind] = dataclasses.field(
        default_factory=lambda: MappingProxyType({}))
    leniency: Mapping[str, Any] = dataclasses.field(default_factory=lambda: MappingProxyType({}))  # HA-4.2
    measure_sharing: str | None = None  # JY-16: the list's information-sharing method
    basis_types: tuple[str, ...] = ()  # HA-2.2: the legally effective documents a determination rests on
    first_effective_date: date | None = None  # a later version (issue 15.9): the day the first version took effect

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> PolicyProfile:
        """Build and cross-check a profile from its content (a parsed TOML file or `to_content()`)."""
        plain = jsonable(content)
        c = dict(plain)
        check_keys(c)
        profile = cls(
            id=c["id"], version=c["version"], title_zh=c["title_zh"], title_en=c["title_en"],
            document_number=c["document_number"], source=c["source"],
            effective_date=date.fromisoformat(c["effective_date"]),
            tiers=keyed(Tier, c["tiers"], "code"), behaviours=keyed(Behaviour, c.get("behaviours", {}), "code"),
            deadlines=MappingProxyType({n: deadline_rule(t) for n, t in c.get("deadlines", {}).items()}),
            measures=keyed(Measure, c.get("measures", {}), "id"), units=keyed(UnitInfo, c["units"], "id"),
            disclosure_classes=keyed(DisclosureClass, c["disclosure"], "code"),
            lists=keyed(ListRule, c.get("lists", {}), "code"),
            list_fields=keyed(ListField, c.get("list_fields", {}), "code"),
            repair=build(RepairConditions, c["repair"]),
            points_grades=tuple(keyed(PointsGrade, c.get("points", {}).get("grades", {}), "code").values()),
            reporting=keyed(ReportingRule, c.get("reporting", {}), "name"), roles=MappingProxyType(c["roles"]),
            minimum_age=c.get("determination", {}).get("minimum_age"),
            minimum_age_rule_id=c.get("determination", {}).get("minimum_age_rule_id"),
            points_source=c.get("points", {}).get("source"), content_json=canonical_json(plain),
            information=keyed(InformationKind, c.get("information", {}), "code"),
            leniency=MappingProxyType(c.get("leniency", {})), measure_sharing=c.get("measure_sharing"),
            basis_types=tuple(c.get("basis_types", ())),
            first_effective_date=date.fromisoformat(c["first_effective_date"]) if "first_effective_date" in c else None,
        )
        check_references(profile)
        return profile

    def __eq__(self, other: object) -> bool:
        """Profiles are equal when their content is."""
        return isinstance(other, PolicyProfile) and other.content_json == self.content_json

    def __hash__(self) -> int:
        """Hash of the canonical content."""
        return hash(self.content_json)

    def __repr__(self) -> str:
        """Short form: id, version and content hash prefix."""
        return f"PolicyProfile({self.label}, sha256={self.content_hash()[:12]})"

    def to_content(self) -> dict[str, Any]:
        """The full content as loaded, in plain JSON types (a fresh copy)."""
        return json.loads(self.content_json)

    def content_hash(self) -> str:
        """Hex SHA-256 of the canonical JSON content (UTF-8)."""
        return hashlib.sha256(self.content_json.encode("utf-8")).hexdigest()

    def ref(self) -> PolicyRef:
        """Id, version and content hash, for the decision events taken under this profile."""
        return PolicyRef(self.id, self.version, self.content_hash())

    @property
    def label(self) -> str:
        """Short name used in messages, e.g. 'NT v1'."""
        return f"{self.id} v{self.version}"

    def role_unit(self, role: str, field: str = "unit") -> str:
        """The unit id holding `role` (credit_office, credit_centre, aggregator); JY-5 refusal if none."""
        if role not in self.roles:
            raise RuleViolation("JY-5", field, f"{self.label} names no {role}")
        return self.roles[role]

    def role_units(self, *roles: str) -> tuple[str, ...]:
        """The units holding any of `roles`, in order, skipping roles this profile does not name."""
        return tuple(dict.fromkeys(self.roles[r] for r in roles if r in self.roles))

    def check_determining_unit(self, unit: str, field: str = "actor") -> None:
        """JY-5: only a unit the profile names determines; third parties give reference information only."""
        info = self.units.get(unit)
        if info is None:
            raise RuleViolation("JY-5", field, f"{unit} is not a unit of {self.label}; it may not determine under it")
        if info.reference_only:
            raise RuleViolation("JY-5", field, f"{unit} submits information as a reference only, not a determination")

    def check_level(self, unit: str, level: str, field: str = "actor") -> None:
        """HA-4.1: a list that names a determining level is decided by a unit of that level or above."""
        info = self.units.get(unit)
        if info is None or not info.at_least(level):
            known = f"level {info.level}" if info is not None and info.level else "no level known to this profile"
            raise RuleViolation("HA-4.1", field, f"{unit} ({known}) may not decide: {level} level or above")

    def level_for_tier(self, tier_code: str) -> str | None:
        """HA-4.1: the determining level of the lists a tier feeds (serious → county and above), or None."""
        levels = [r.determining_level for r in self.lists.values() if r.tier == tier_code and r.determining_level]
        return max(levels, key=LEVELS.index) if levels else None

    def tier(self, code: str, field: str = "severity") -> Tier:
        """The severity tier `code`; NT-PCI-15 refusal when the profile has no such tier."""
        if code not in self.tiers:
            known = ", ".join(self.tiers)
            raise RuleViolation("NT-PCI-15", field, f"severity {code} is not a tier of {self.label} ({known})")
        return self.tiers[code]

    def behaviour(self, code: str, field: str = "behaviour_code") -> Behaviour:
        """The catalogued behaviour `code`; NT-PCI-8 refusal when it is not in the catalog."""
        if code not in self.behaviours:
            raise RuleViolation("NT-PCI-8", field, f"behaviour {code} is not in the {self.label} catalog")
        return self.behaviours[code]

    def information_kind(self, code: str, field: str = "category") -> InformationKind:
        """The catalogued basic, positive or other information kind `code` (NT-PCI-9); refusal otherwise."""
        if code not in self.information:
            known = ", ".join(self.information) or "none: this regulation keeps no such catalog"
            raise RuleViolation("NT-PCI-9", field, f"{code} is not an information kind of {self.label} ({known})")
        return self.information[code]

    def find_deadline(self, name: str) -> DeadlineRule | None:
        """The deadline rule `name`, or None when this regulation sets no such time limit."""
        return self.deadlines.get(name)

    def deadline(self, name: str, field: str = "deadline") -> DeadlineRule:
        """The deadline rule `name`; refusal citing the procedure's rule when the profile sets none."""
        if name not in self.deadlines:
            rule_id = _DEADLINE_RULES.get(name.split("_")[0], "NT-PCI-32")
            raise RuleViolation(rule_id, field, f"{self.label} sets no {name} time limit")
        return self.deadlines[name]

    def measure(self, measure_id: str, field: str = "measure_id") -> Measure:
        """The measure `measure_id`; HA-4.2 refusal for anything not on the measure list."""
        if measure_id not in self.measures:
            listed = f"the {self.id} measure list v{self.version}"
            raise RuleViolation("HA-4.2", field, f"measure {measure_id} is not on {listed}")
        return self.measures[measure_id]

    def sharing(self, measure: Measure) -> str:
        """How the implementing department receives the information for `measure` (JY-16)."""
        return measure.sharing or self.measure_sharing or ""

    def measures_for(self, tier_or_list: str) -> list[Measure]:
        """Measures triggered by a severity tier or a list code, in list order."""
        return [m for m in self.measures.values() if tier_or_list in m.triggers]

    def list_rule(self, code: str, field: str = "list_kind") -> ListRule:
        """The list `code`; JY-4 refusal when the regulation has no such list."""
        if code not in self.lists:
            raise RuleViolation("JY-4", field, f"{self.label} keeps no {code} list ({', '.join(self.lists)})")
        return self.lists[code]

    def validity_end(self, determination_date: date, tier_code: str) -> date:
        """Last day in force, counted from the determination date (NT-PCI-30, LYG-13b)."""
        tier = self.tier(tier_code)
        if tier.validity_years is not None:
            return add_years(determination_date, tier.validity_years)
        if tier.validity_days is not None:
            return determination_date + timedelta(days=tier.validity_days)
        if tier.publicity_max_months is not None:  # NAT-2025-22: publication and use stop at the maximum
            return add_months(determination_date, tier.publicity_max_months)
        raise RuleViolation("NT-PCI-30", "severity", f"{self.label} sets no validity period for tier {tier_code}")

    def minimum_publicity_end(self, determination_date: date, tier_code: str) -> date | None:
        """Last day of the minimum publicity period (NAT-2025-22); None when the tier sets none."""
        months = self.tier(tier_code).publicity_min_months
        return None if months is None else add_months(determination_date, months)

    def check_minimum_publicity(self, determination: date, tier_code: str, applied_on: date) -> None:
        """NAT-2025-22: repair may be applied for only after the minimum publicity period has run out."""
        last = self.minimum_publicity_end(determination, tier_code)
        if last is not None and applied_on <= last:
            raise RuleViolation(self.tier(tier_code).publicity_rule_id or "NAT-2025-22", "applied_on",
                                f"the minimum publicity period of a {tier_code} record runs until {last} inclusive")

    def in_force_on(self, determination_date: date, tier_code: str, day: date) -> bool:
        """Whether a record is in force on `day`; tiers without a validity period never lapse by time."""
        last = self.validity_end(determination_date, tier_code) if self.tier(tier_code).has_validity else None
        return effective.in_force_on(day, determination_date, last, None)  # the one decision (NT-PCI-30)

    def check_act_date(self, act_date: date, field: str = "act_date") -> None:
        """LYG-21: no retroactivity; an act before the profile (its first version) took effect is not sanctioned."""
        since = self.first_effective_date or self.effective_date
        if act_date < since:
            raise RuleViolation("LYG-21", field, f"act of {act_date} predates {self.label}, in force from {since}")

    def check_age(self, age: int, field: str = "id_number") -> None:
        """LYG-6: a subject under the minimum age at the time of the act is not determined dishonest."""
        if self.minimum_age is not None and age < self.minimum_age:
            rule_id = self.minimum_age_rule_id or "LYG-6"
            raise RuleViolation(rule_id, field, f"subject was {age} at the act, under {self.minimum_age}")

    def grade_for(self, points: int, field: str = "points") -> PointsGrade:
        """The points grade containing `points` (CS-2.2); refuse when the profile holds no ranges."""
        for grade in self.points_grades:
            if grade.contains(points):
                return grade
        source = f" (ranges are set by {self.points_source})" if self.points_source else ""
        raise RuleViolation("CS-2.2", field, f"{self.label} has no points grade containing {points} points{source}")

