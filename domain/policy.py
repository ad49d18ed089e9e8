"""Policy profiles: each regulation's numbers and catalogs as versioned, hashed data (DESIGN §2)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from types import MappingProxyType
from typing import Any, TypeVar

from domain.deadlines import DayKind, Deadline, compute_deadline
from domain.errors import RuleViolation

PROFILE_IDS = ("LYG", "HA", "NT", "JY", "CS")
_T = TypeVar("_T")


@dataclass(frozen=True)
class UnitInfo:
    """A department or unit named by a profile (determining, implementing or aggregating)."""

    id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DisclosureClass:
    """One disclosure class of NT-PCI-19: public, government-shared or authorised query."""

    code: str
    name_zh: str
    name_en: str
    rule_id: str


@dataclass(frozen=True)
class Tier:
    """A severity tier (NT-PCI-15) with its default disclosure class and validity (NT-PCI-30)."""

    code: str
    name_zh: str
    name_en: str
    rule_id: str
    disclosure: str
    validity_years: int | None = None
    validity_days: int | None = None
    validity_rule_id: str | None = None

    @property
    def public(self) -> bool:
        """Whether records of this tier are published by default (NT-PCI-19 class 'public')."""
        return self.disclosure == "public"

    @property
    def has_validity(self) -> bool:
        """Whether the regulation sets a validity period for this tier."""
        return self.validity_years is not None or self.validity_days is not None


@dataclass(frozen=True)
class Behaviour:
    """A catalogued dishonest act; `tier` None means the sector standard sets it (NT-PCI-15)."""

    code: str
    name_zh: str
    name_en: str
    rule_id: str
    tier: str | None = None
    list_field: str | None = None

    def check_tier(self, tier_code: str, field: str = "severity") -> None:
        """Refuse a severity other than the one the catalog fixes for this act (NT-PCI-15)."""
        if self.tier is not None and tier_code != self.tier:
            raise RuleViolation(self.rule_id, field, f"behaviour {self.code} is {self.tier}, not {tier_code}")


@dataclass(frozen=True)
class DeadlineRule:
    """A time limit: so many natural or working days, set by a rule."""

    days: int
    kind: DayKind
    rule_id: str

    def compute(self, start: date, field: str = "deadline") -> Deadline:
        """The due date counted from `start` on the working-day calendar."""
        return compute_deadline(start, self.days, self.kind, self.rule_id, field)


@dataclass(frozen=True)
class RepairConditions:
    """Credit-repair conditions and procedure (NT-PCI-34/35, LYG-16/18, HA-5.1, JY-23, CS-2.7)."""

    rule_id: str
    correction_required: bool
    commitment_required: bool
    clean_period_years: int | None = None
    publicity_deadline: str | None = None
    automatic_on_expiry: bool = False
    automatic_rule_id: str | None = None
    free_of_charge: bool = False
    free_rule_id: str | None = None
    public_service_counts: bool = False
    conditions_source: str | None = None

    def clean_period_end(self, corrected_on: date) -> date | None:
        """Last day of the clean period after correction (NT-PCI-34 (2)); None when none is set."""
        return None if self.clean_period_years is None else add_years(corrected_on, self.clean_period_years)


@dataclass(frozen=True)
class ListField:
    """A field (领域) in which a list entry may be made (HA-2.3, JY-4)."""

    code: str
    name_zh: str
    name_en: str
    rule_id: str


@dataclass(frozen=True)
class ListRule:
    """What a list allows and which procedure it follows (JY-6, HA-4.1, NT-JRP-3, JY-17)."""

    code: str
    name_zh: str
    name_en: str
    rule_ids: tuple[str, ...]
    tier: str | None = None
    prior_notice: bool = False
    publicity: bool = False
    decision_document: bool = False
    determining_level: str | None = None
    allowed_fields: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    removes_from: tuple[str, ...] = ()
    exit_announcement: bool = False
    monitoring_after_exit: bool = False
    threshold_fields: int | None = None
    counts_list: str | None = None
    escalates_to: str | None = None

    def check_field(self, field_code: str, field: str = "list_field") -> None:
        """Refuse a field outside the list's allowed fields; no widening (HA-2.3, JY-4)."""
        if self.allowed_fields and field_code not in self.allowed_fields:
            allowed = ", ".join(self.allowed_fields)
            raise RuleViolation(self.rule_ids[0], field, f"{self.code} list field {field_code} is not one of {allowed}")


@dataclass(frozen=True)
class Measure:
    """One joint-sanction measure of the measure list (HA-4.2, JY-16)."""

    id: str
    unit: str
    name_zh: str
    name_en: str
    objects: tuple[str, ...]
    legal_basis: str
    triggers: tuple[str, ...]
    kind: str
    rule_id: str


@dataclass(frozen=True)
class PointsGrade:
    """A grade of dishonesty points (CS-2.2); open bounds are None."""

    code: str
    name_zh: str
    name_en: str
    triggers_sanctions: bool
    tier: str | None = None
    min_points: int | None = None
    max_points: int | None = None
    rule_id: str | None = None

    def contains(self, points: int) -> bool:
        """Whether `points` falls in this grade's range (a grade without bounds matches nothing)."""
        if self.min_points is None and self.max_points is None:
            return False
        low = self.min_points if self.min_points is not None else points
        high = self.max_points if self.max_points is not None else points
        return low <= points <= high


@dataclass(frozen=True)
class ReportingRule:
    """A periodic report (NT-PCI-17 monthly lists, NT-PCI-28 cases, NT-JRP quarterly circular)."""

    name: str
    period: str
    rule_id: str
    zero_report: bool = False


@dataclass(frozen=True)
class PolicyRef:
    """The profile a decision was taken under: every decision event carries one."""

    id: str
    version: int
    content_hash: str


def add_years(day: date, years: int) -> date:
    """The corresponding day `years` later, month end when it does not exist (Civil Code Art. 202)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _build(cls: type[_T], table: Mapping[str, Any], **extra: Any) -> _T:
    """Construct a component dataclass from a TOML table, refusing unknown keys."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(table) - names
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    return cls(**values, **extra)


def _keyed(cls: type[_T], tables: Mapping[str, Any], key: str) -> Mapping[str, _T]:
    """Build a read-only mapping of components keyed by their TOML table names."""
    return MappingProxyType({name: _build(cls, table, **{key: name}) for name, table in tables.items()})


def _jsonable(value: Any) -> Any:
    """The content as plain JSON types (dates as ISO strings)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def canonical_json(content: Mapping[str, Any]) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text (hashed by `content_hash`)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> PolicyProfile:
        """Build and cross-check a profile from its content (a parsed TOML file or `to_content()`)."""
        plain = _jsonable(content)
        c = dict(plain)
        _check_keys(c)
        profile = cls(
            id=c["id"], version=c["version"], title_zh=c["title_zh"], title_en=c["title_en"],
            document_number=c["document_number"], source=c["source"],
            effective_date=date.fromisoformat(c["effective_date"]),
            tiers=_keyed(Tier, c["tiers"], "code"), behaviours=_keyed(Behaviour, c.get("behaviours", {}), "code"),
            deadlines=MappingProxyType({n: _deadline_rule(t) for n, t in c.get("deadlines", {}).items()}),
            measures=_keyed(Measure, c.get("measures", {}), "id"), units=_keyed(UnitInfo, c["units"], "id"),
            disclosure_classes=_keyed(DisclosureClass, c["disclosure"], "code"),
            lists=_keyed(ListRule, c.get("lists", {}), "code"),
            list_fields=_keyed(ListField, c.get("list_fields", {}), "code"),
            repair=_build(RepairConditions, c["repair"]),
            points_grades=tuple(_keyed(PointsGrade, c.get("points", {}).get("grades", {}), "code").values()),
            reporting=_keyed(ReportingRule, c.get("reporting", {}), "name"), roles=MappingProxyType(c["roles"]),
            minimum_age=c.get("determination", {}).get("minimum_age"),
            minimum_age_rule_id=c.get("determination", {}).get("minimum_age_rule_id"),
            points_source=c.get("points", {}).get("source"), content_json=canonical_json(plain),
        )
        _check_references(profile)
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
        raise RuleViolation("NT-PCI-30", "severity", f"{self.label} sets no validity period for tier {tier_code}")

    def in_force_on(self, determination_date: date, tier_code: str, day: date) -> bool:
        """Whether a record is in force on `day`; tiers without a validity period never lapse by time."""
        if not self.tier(tier_code).has_validity:
            return day >= determination_date
        return determination_date <= day <= self.validity_end(determination_date, tier_code)

    def check_act_date(self, act_date: date, field: str = "act_date") -> None:
        """LYG-21: no retroactivity; an act before the profile took effect is not sanctioned."""
        if act_date < self.effective_date:
            raise RuleViolation(
                "LYG-21", field, f"act of {act_date} predates {self.label}, in force from {self.effective_date}"
            )

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


_DEADLINE_RULES = {"objection": "NT-PCI-32", "provider": "NT-PCI-32", "correction": "NT-PCI-32",
                   "prior": "HA-4.1", "repair": "NT-PCI-35"}


_TOP_KEYS = {
    "id", "version", "title_zh", "title_en", "document_number", "source", "effective_date", "roles", "units",
    "disclosure", "tiers", "behaviours", "deadlines", "repair", "lists", "list_fields", "measures", "points",
    "reporting", "determination",
}
_SECTION_KEYS = {"points": {"rule_id", "source", "grades"}, "determination": {"minimum_age", "minimum_age_rule_id"}}


def _check_keys(content: Mapping[str, Any]) -> None:
    """Refuse unknown top-level keys and unknown keys of the free-form sections (typos are not ignored)."""
    unknown = set(content) - _TOP_KEYS
    unknown |= {f"{s}.{k}" for s, keys in _SECTION_KEYS.items() for k in content.get(s, {}) if k not in keys}
    if unknown:
        raise ValueError(f"profile {content.get('id')}: unknown keys {sorted(unknown)}")


def _deadline_rule(table: Mapping[str, Any]) -> DeadlineRule:
    """A deadline rule from its TOML table (days, kind natural|working, rule_id)."""
    return DeadlineRule(days=int(table["days"]), kind=DayKind(table["kind"]), rule_id=str(table["rule_id"]))


def _check_references(p: PolicyProfile) -> None:
    """Refuse a profile whose tables name tiers, lists, units or classes it does not define."""
    targets = set(p.tiers) | set(p.lists)
    tiers, lists = p.tiers.values(), p.lists.values()
    problems = [f"tier {t.code}: disclosure {t.disclosure}" for t in tiers if t.disclosure not in p.disclosure_classes]
    problems += [f"behaviour {b.code}: tier {b.tier}" for b in p.behaviours.values() if b.tier not in (None, *p.tiers)]
    problems += [f"role {r}: unit {u}" for r, u in p.roles.items() if u not in p.units]
    problems += [f"measure {m.id}: unit {m.unit}" for m in p.measures.values() if m.unit not in p.units]
    problems += [f"measure {m.id}: trigger {x}" for m in p.measures.values() for x in m.triggers if x not in targets]
    problems += [f"list {r.code}: field {f}" for r in lists for f in r.allowed_fields if f not in p.list_fields]
    problems += [f"list {r.code}: tier {r.tier}" for r in lists if r.tier and r.tier not in p.tiers]
    publicity = p.repair.publicity_deadline
    problems += [f"repair: deadline {publicity}"] if publicity and publicity not in p.deadlines else []
    if problems:
        raise ValueError(f"profile {p.label} is inconsistent: " + "; ".join(problems))


def load_profile(profile_id: str) -> PolicyProfile:
    """Load the packaged profile `profile_id` (e.g. 'NT') from domain/profiles/<id>.toml."""
    text = files("domain").joinpath("profiles", f"{profile_id.lower()}.toml").read_text(encoding="utf-8")
    profile = PolicyProfile.from_content(tomllib.loads(text))
    if profile.id != profile_id.upper():
        raise ValueError(f"profiles/{profile_id.lower()}.toml declares id {profile.id}")
    return profile


def load_all() -> dict[str, PolicyProfile]:
    """Every packaged profile, keyed by id."""
    return {profile_id: load_profile(profile_id) for profile_id in PROFILE_IDS}
