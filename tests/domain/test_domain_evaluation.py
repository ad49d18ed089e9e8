"""The yearly government-integrity evaluation (NT-GOV-4.1) in the domain: a calendar year, after it ended, by the
evaluating body or the credit office, of a government body, once per body and year; the hash of its contents
is stored with the log position they were computed at."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import refused
from gov_support import CREDIT, STATS, register_body

from domain.circular import content_hash
from domain.errors import RuleViolation
from domain.evaluation import year_bounds

CONTENTS = {"year": 2024, "bodies": [], "scoring": {"score": None}}


@pytest.mark.parametrize("year", [1949, "2024", 2024.0, True, None, 10000])
def test_nt_gov_4_1_the_period_is_a_calendar_year(year: object) -> None:
    with pytest.raises(RuleViolation) as exc:
        year_bounds(year)
    assert (exc.value.rule_id, exc.value.field) == ("NT-GOV-4.1", "year")
    assert year_bounds(2024) == (date(2024, 1, 1), date(2024, 12, 31))


def test_nt_gov_4_1_issued_after_the_year_by_the_evaluator_once(service, ledger, clock) -> None:
    clock.day = date(2025, 1, 10)
    city = register_body(service, "南通市人民政府", 51, unit="nt-finance-bureau")
    issue = dict(profile_id="NT", evaluator_id=city, year=2024, log_position=3, contents=CONTENTS)
    assert refused(ledger, service.issue_evaluation, actor=STATS, issued_on=date(2025, 1, 2),
                   **issue) == ("NT-GOV-4.1", "actor")  # neither the evaluating body nor the credit office
    assert refused(ledger, service.issue_evaluation, actor=CREDIT, issued_on=date(2024, 12, 31),
                   **issue) == ("NT-GOV-4.1", "year")
    assert refused(ledger, service.issue_evaluation, actor=CREDIT, issued_on=date(2025, 1, 11),
                   **issue) == ("NT-GOV-4.1", "issued_on")
    assert refused(ledger, service.issue_evaluation, actor=CREDIT, issued_on=date(2025, 1, 2),
                   **{**issue, "log_position": -1}) == ("NT-GOV-4.1", "log_position")
    assert refused(ledger, service.issue_evaluation, actor=CREDIT, issued_on=date(2025, 1, 2),
                   **{**issue, "profile_id": "CS"}) == ("NT-GOV-2.2a", "profile_id")  # no government rules
    service.issue_evaluation(CREDIT, issued_on=date(2025, 1, 2), **issue)
    evaluation = service.evaluation("NT", city, 2024)
    assert (evaluation.log_position, evaluation.unit, evaluation.year) == (3, "nt-credit-office", 2024)
    assert evaluation.content_hash == content_hash(CONTENTS) and evaluation.contents == CONTENTS
    assert refused(ledger, service.issue_evaluation, actor=CREDIT, issued_on=date(2025, 1, 3),
                   **issue) == ("NT-GOV-4.1", "year")  # once per body and year
