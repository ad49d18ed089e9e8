"""Policy-profile components: the frozen dataclasses a profile is built from (DESIGN §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.deadlines import DayKind, Deadline, compute_deadline
from domain.errors import RuleViolation
from domain.periods import add_months, add_years  # noqa: F401  (re-exported)


# Administrative levels, lowest first (HA-4.1: serious lists are determined at county level or above).
LEVELS = ("township", "county", "city", "province", "national")


@dataclass(frozen=True)
class UnitInfo:
    """A department or unit named by a profile (determining, implementing or aggregating)."""

    id: str
    name_zh: str
    name_en: str
    level: str | None = None
    reference_only: bool = False
    rule_id: str | None = None

    def at_least(self, level: str) -> bool:
        """Whether the unit's administrative level is `level` or above (HA-4.1); unknown levels are not."""
        return self.level in LEVELS and LEVELS.index(self.level) >= LEVELS.index(level)


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
    responsible_persons_rule_id: str | None = None  # NT-PCI-29, CS-2.1: records reach the responsible persons
    # NAT-2025-22: publicity periods in months; repair only after the minimum, publication stops at the maximum
    publicity_min_months: int | None = None
    publicity_max_months: int | None = None
    publicity_rule_id: str | None = None

    @property
    def public(self) -> bool:
        """Whether records of this tier are published by default (NT-PCI-19 class 'public')."""
        return self.disclosure == "public"

    @property
    def has_validity(self) -> bool:
        """Whether the regulation sets a validity period for this tier."""
        return (self.validity_years is not None or self.validity_days is not None
                or self.publicity_max_months is not None)


@dataclass(frozen=True)
class Behaviour:
    """A catalogued dishonest act; `tier` None means the sector standard sets it (NT-PCI-15)."""

    code: str
    name_zh: str
    name_en: str
    rule_id: str
    tier: str | None = None
    list_field: str | None = None
    after_contact: bool = False  # LYG-9 (1): only after a credit reminder or a missed interview (LYG-8)

    def check_tier(self, tier_code: str, field: str = "severity") -> None:
        """Refuse a severity other than the one the catalog fixes for this act (NT-PCI-15)."""
        if self.tier is not None and tier_code != self.tier:
            raise RuleViolation(self.rule_id, field, f"behaviour {self.code} is {self.tier}, not {tier_code}")


INFORMATION_KINDS = ("basic", "positive", "negative", "other")  # NT-PCI-9; negative ones are dishonesty records


@dataclass(frozen=True)
class InformationKind:
    """A catalogued kind of basic, positive or other information (NT-PCI-10, 11, 13); disclosure per item."""

    code: str
    kind: str
    name_zh: str
    name_en: str
    rule_id: str


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
    decision_to_credit_office: bool = False  # LYG-16: the repair decision document goes to the credit office
    free_of_charge: bool = False
    free_rule_id: str | None = None
    public_service_counts: bool = False
    conditions_source: str | None = None
    review_role: str | None = None  # CS-2.7: the role whose unit reviews an application before the opinion

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
    confirm_rule_id: str | None = None
    reward: bool = False  # JY-4 red lists (守信): a wrongly listed subject returns the benefits (JY-24)

    @property
    def procedure_rule_id(self) -> str:
        """The rule of the confirmation step (JY-6.1 red, JY-6.2 black, HA-4.1), cited by its errors."""
        return self.confirm_rule_id or self.rule_ids[0]

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
    sharing: str | None = None  # JY-16: how the department receives the information (else the profile's default)


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
    """A periodic report (NT-PCI-17 monthly lists, NT-JRP-4 monthly cases and quarterly circular)."""

    name: str
    period: str
    rule_id: str
    zero_report: bool = False
    lists: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    deadline: str | None = None
    # NT-PCI-17 (and zero reports): the units obliged to report every month from `roster_from` ('YYYY-MM') on
    roster: tuple[str, ...] = ()
    roster_from: str | None = None


@dataclass(frozen=True)
class PolicyRef:
    """The profile a decision was taken under: every decision event carries one."""

    id: str
    version: int
    content_hash: str
