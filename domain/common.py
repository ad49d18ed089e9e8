"""Small helpers every aggregate shares: event stamps (actor, policy), business-date checks, deadlines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid5

from domain.actor import Actor
from domain.deadlines import Deadline
from domain.errors import RuleViolation
from domain.policy import PolicyProfile

# Namespace of the deterministic (uuid5) ids of the credit ledger: profiles, indexes, sanction cases.
LEDGER_NAMESPACE = UUID("6f1c8a52-3d0b-5e4a-9c1e-2b7d4f0a9e31")

# Responsible persons of an organisation (NT-PCI-10, NT-PCI-29, CS-2.1); the names match the
# `objects` of the measure lists.
RESPONSIBLE_ROLES = ("legal_representative", "principal", "directly_responsible_person")


def ledger_uuid(*parts: object) -> UUID:
    """A deterministic id for a named thing of the ledger (never for personal data: see subject.py)."""
    return uuid5(LEDGER_NAMESPACE, "|".join(str(p) for p in parts))


def actor_stamp(actor: Actor) -> dict[str, str]:
    """The acting unit and user, carried by every event."""
    return {"actor_unit": actor.unit, "actor_user": actor.user}


def stamp(actor: Actor, profile: PolicyProfile) -> dict[str, Any]:
    """Actor plus the policy profile a decision was taken under (id, version, content hash)."""
    ref = profile.ref()
    return {**actor_stamp(actor), "policy_id": ref.id, "policy_version": ref.version, "policy_hash": ref.content_hash}


def check_date(day: object, today: date, rule_id: str, field: str) -> date:
    """A business date given by the caller: a real `date`, not in the future (the ledger keeps time)."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise RuleViolation(rule_id, field, f"{field} must be a calendar date, got {day!r}")
    if day > today:
        raise RuleViolation(rule_id, field, f"{field} {day} is in the future (today is {today})")
    return day


def check_not_before(day: date, earlier: date, rule_id: str, field: str, what: str) -> None:
    """Refuse a business date before the date it must follow (e.g. determination before the act)."""
    if day < earlier:
        raise RuleViolation(rule_id, field, f"{field} {day} is before {what} {earlier}")


def check_text(value: object, rule_id: str, field: str) -> str:
    """A required, non-blank text."""
    if not isinstance(value, str) or not value.strip():
        raise RuleViolation(rule_id, field, f"{field} is required")
    return value.strip()


def check_choice(value: str, choices: tuple[str, ...], rule_id: str, field: str) -> str:
    """A value from a closed list."""
    if value not in choices:
        raise RuleViolation(rule_id, field, f"{field} {value!r} is not one of {', '.join(choices)}")
    return value


def check_unit(actor: Actor, units: str | tuple[str, ...], rule_id: str, field: str, role: str) -> None:
    """Role check: only the named unit(s) may take this step (JY-5, NT-PCI-4, JY-21)."""
    allowed = (units,) if isinstance(units, str) else units
    if actor.unit not in allowed:
        raise RuleViolation(rule_id, field, f"only {role} ({', '.join(allowed)}) may do this, not {actor.unit}")


def credit_office(profile: PolicyProfile) -> str:
    """The unit acting as credit office (信用办 / 信用管理部门) under `profile` (see NOTES_FOR_POLICY.md)."""
    roles = getattr(profile, "roles", None)
    if isinstance(roles, Mapping) and roles.get("credit_office"):
        return str(roles["credit_office"])
    for unit in profile.units.values():
        if "credit office" in unit.name_en.lower():
            return unit.id
    raise RuleViolation("JY-5", "policy_id", f"{profile.label} names no credit office")


def deadline_dict(deadline: Deadline | None, rule_id: str | None = None) -> dict[str, Any] | None:
    """A computed deadline as event data, with the calendar version it was computed on."""
    if deadline is None:
        return None
    return {
        "start": deadline.start, "days": deadline.days, "kind": str(deadline.kind.value),
        "due": deadline.due, "calendar_version": deadline.calendar_version, "rule_id": rule_id,
    }


def compute(profile: PolicyProfile, name: str, start: date, field: str) -> dict[str, Any] | None:
    """The profile's deadline `name` counted from `start`, or None when the regulation sets none."""
    rule = profile.find_deadline(name)
    return None if rule is None else deadline_dict(rule.compute(start, field), rule.rule_id)


def is_late(deadline: Mapping[str, Any] | None, day: date) -> bool:
    """Whether `day` is after the due day (the due day itself is in time)."""
    return deadline is not None and day > deadline["due"]


def allowed_steps(guards: Mapping[str, Callable[[], object]]) -> list[str]:
    """The steps whose guard passes now (issue 16.2): a page offers exactly what the commands would accept."""
    allowed = []
    for step, guard in guards.items():
        try:
            guard()
        except RuleViolation:
            continue
        allowed.append(step)
    return allowed
