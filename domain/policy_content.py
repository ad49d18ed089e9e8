"""Profile content as data: TOML tables to components, canonical JSON, key and reference checks."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from domain.deadlines import DayKind
from domain.policy_model import INFORMATION_KINDS, LEVELS, DeadlineRule

if TYPE_CHECKING:
    from domain.policy_profile import PolicyProfile

_T = TypeVar("_T")


def build(cls: type[_T], table: Mapping[str, Any], **extra: Any) -> _T:
    """Construct a component dataclass from a TOML table, refusing unknown keys."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(table) - names
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown keys {sorted(unknown)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in table.items()}
    return cls(**values, **extra)


def keyed(cls: type[_T], tables: Mapping[str, Any], key: str) -> Mapping[str, _T]:
    """Build a read-only mapping of components keyed by their TOML table names."""
    return MappingProxyType({name: build(cls, table, **{key: name}) for name, table in tables.items()})


def jsonable(value: Any) -> Any:
    """The content as plain JSON types (dates as ISO strings)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def canonical_json(content: Mapping[str, Any]) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text (hashed by `content_hash`)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_TOP_KEYS = {
    "id", "version", "title_zh", "title_en", "document_number", "source", "effective_date", "roles", "units",
    "disclosure", "tiers", "behaviours", "deadlines", "repair", "lists", "list_fields", "measures", "points",
    "reporting", "determination", "information", "leniency", "measure_sharing",
    "basis_types", "first_effective_date", "government",
}
_SECTION_KEYS = {"points": {"rule_id", "source", "grades"}, "determination": {"minimum_age", "minimum_age_rule_id"},
                 "leniency": {"rule_id", "minor_age", "grounds"}}


def check_keys(content: Mapping[str, Any]) -> None:
    """Refuse unknown top-level keys and unknown keys of the free-form sections (typos are not ignored)."""
    unknown = set(content) - _TOP_KEYS
    unknown |= {f"{s}.{k}" for s, keys in _SECTION_KEYS.items() for k in content.get(s, {}) if k not in keys}
    if unknown:
        raise ValueError(f"profile {content.get('id')}: unknown keys {sorted(unknown)}")


def deadline_rule(table: Mapping[str, Any]) -> DeadlineRule:
    """A deadline rule from its TOML table (days, kind natural|working, rule_id)."""
    return DeadlineRule(days=int(table["days"]), kind=DayKind(table["kind"]), rule_id=str(table["rule_id"]))


def check_references(p: PolicyProfile) -> None:
    """Refuse a profile whose tables name tiers, lists, units or classes it does not define."""
    targets = set(p.tiers) | set(p.lists)
    tiers, lists = p.tiers.values(), p.lists.values()
    problems = [f"tier {t.code}: disclosure {t.disclosure}" for t in tiers if t.disclosure not in p.disclosure_classes]
    problems += [f"tier {t.code}: publicity minimum above maximum (NAT-2025-22)" for t in tiers
                 if None not in (t.publicity_min_months, t.publicity_max_months)
                 and t.publicity_min_months > t.publicity_max_months]  # type: ignore[operator]
    problems += [f"tier {t.code}: both a validity period and a maximum publicity period" for t in tiers
                 if t.publicity_max_months is not None and (t.validity_years or t.validity_days)]
    problems += [f"behaviour {b.code}: tier {b.tier}" for b in p.behaviours.values() if b.tier not in (None, *p.tiers)]
    problems += [f"information {i.code}: kind {i.kind}" for i in p.information.values()
                 if i.kind not in INFORMATION_KINDS or i.kind == "negative"]
    problems += [f"role {r}: unit {u}" for r, u in p.roles.items() if u not in p.units]
    problems += [f"unit {u.id}: level {u.level}" for u in p.units.values() if u.level not in (None, *LEVELS)]
    problems += [f"list {r.code}: level {r.determining_level}" for r in p.lists.values()
                 if r.determining_level not in (None, *LEVELS)]
    problems += [f"measure {m.id}: unit {m.unit}" for m in p.measures.values() if m.unit not in p.units]
    problems += [f"measure {m.id}: no sharing method (JY-16)" for m in p.measures.values()
                 if not (m.sharing or p.measure_sharing)]
    problems += [f"measure {m.id}: trigger {x}" for m in p.measures.values() for x in m.triggers if x not in targets]
    problems += [f"list {r.code}: field {f}" for r in lists for f in r.allowed_fields if f not in p.list_fields]
    problems += [f"list {r.code}: tier {r.tier}" for r in lists if r.tier and r.tier not in p.tiers]
    problems += [f"reporting {r.name}: list {x}" for r in p.reporting.values() for x in r.lists if x not in p.lists]
    problems += [f"reporting {r.name}: deadline {r.deadline}" for r in p.reporting.values()
                 if r.deadline and r.deadline not in p.deadlines]
    publicity = p.repair.publicity_deadline
    problems += [f"repair: deadline {publicity}"] if publicity and publicity not in p.deadlines else []
    if problems:
        raise ValueError(f"profile {p.label} is inconsistent: " + "; ".join(problems))

