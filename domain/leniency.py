"""HA-4.2 leniency: minors' acts, force majeure, unintentional and minor acts are determined with leniency."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.common import check_text
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject


def check_leniency(profile: PolicyProfile, subject: Subject, act_date: date, given: object) -> dict[str, Any] | None:
    """The stated leniency grounds and how they were weighed; a minor's act must state it (HA-4.2).

    A profile without a `leniency` table refuses any ground rather than guess what its regulation allows.
    """
    rules = profile.leniency
    rule_id = str(rules.get("rule_id", "HA-4.2"))
    if given is None:
        minor_age = rules.get("minor_age")
        if minor_age is not None and subject.is_person and subject.age_on(act_date) < int(minor_age):
            raise RuleViolation(rule_id, "leniency", f"the subject was under {minor_age} at the act: "
                                "state the lenient determination (ground 'minor')")
        return None
    if not rules:
        raise RuleViolation("HA-4.2", "leniency", f"{profile.label} sets no leniency grounds")
    if not isinstance(given, Mapping):
        raise RuleViolation(rule_id, "leniency", "leniency is given as grounds and a statement")
    grounds = list(given.get("grounds") or [])
    unknown = [g for g in grounds if g not in rules["grounds"]]
    if not grounds or unknown:
        raise RuleViolation(rule_id, "leniency.grounds", f"grounds are among {', '.join(rules['grounds'])}")
    statement = check_text(given.get("statement"), rule_id, "leniency.statement")
    check_no_forbidden_data({"leniency.statement": statement})
    return {"grounds": grounds, "statement": statement, "rule_id": rule_id}
