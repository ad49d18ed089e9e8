"""The government-integrity tables of a profile (NT-GOV): registrars, source kinds, file categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.errors import RuleViolation
from domain.policy import PolicyProfile

GOVERNMENT_BODY, CIVIL_SERVANT = "government_body", "civil_servant"
GOVERNMENT_KINDS = (GOVERNMENT_BODY, CIVIL_SERVANT)
POLARITIES = ("positive", "negative", "neutral")  # NT-GOV-2.2a: positive entries are first-class


@dataclass(frozen=True)
class FileCategory:
    """One category of the government-affairs credit file (NT-GOV-2.2a/d)."""

    code: str
    subject_kind: str
    rule_id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class GovernmentRules:
    """A profile's `[government]` table; absent when the regulation has no government-integrity rules."""

    profile_label: str
    table: dict[str, Any]

    def units(self, key: str) -> tuple[str, ...]:
        """The units named under `key` (registrars, fault-tolerance, consequence or accountability units)."""
        return tuple(self.table.get(key, ()))

    def registrars(self, kind: str) -> tuple[str, ...]:
        """NT-GOV-2.2a: the units that register a government body or civil servant."""
        return self.units("body_registrars" if kind == GOVERNMENT_BODY else "civil_servant_registrars")

    def basis_type(self, source_kind: str, field: str = "source_kind") -> str:
        """NT-GOV-2.2b: the HA-2.2 document type of a judgment, penalty, disciplinary sanction or accountability."""
        kinds: dict[str, str] = self.table.get("source_kinds", {})
        if source_kind not in kinds:
            raise RuleViolation("NT-GOV-2.2b", field, f"source kind must be one of {', '.join(kinds)}")
        return kinds[source_kind]

    def category(self, code: str, subject_kind: str, field: str = "category") -> FileCategory:
        """A file category for this kind of subject (NT-GOV-2.2a); refusal otherwise."""
        tables: dict[str, dict[str, Any]] = self.table.get("file_categories", {})
        known = [c for c, t in tables.items() if t["subject_kind"] == subject_kind]
        if code not in known:
            raise RuleViolation("NT-GOV-2.2a", field,
                                f"{code} is not a file category of a {subject_kind} ({', '.join(known)})")
        return FileCategory(code=code, **tables[code])

    def measures_of(self, consequences: list[str]) -> set[str]:
        """NT-GOV-2.5b: the listed measures carrying out these consequences."""
        table: dict[str, list[str]] = self.table.get("consequence_measures", {})
        return {m for c in consequences for m in table.get(c, ())}

    @property
    def self_correction_grounds(self) -> tuple[str, ...]:
        """NT-GOV-2.5b: loss recovered, effect removed, harm prevented."""
        return tuple(self.table.get("self_correction_grounds", ()))


def government_rules(profile: PolicyProfile, field: str = "profile_id") -> GovernmentRules:
    """The profile's government-integrity rules; NT-GOV-2.2a refusal when it has none."""
    table = profile.to_content().get("government")
    if not table:
        raise RuleViolation("NT-GOV-2.2a", field, f"{profile.label} has no government-integrity rules")
    return GovernmentRules(profile.label, table)
