"""The quarterly circular (NT-JRP-Q, NT-JRP-4): only where a profile sets it, only after the quarter, by the credit
office, once per quarter; its contents' hash is stored with the log position they were computed at."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, refused

from domain.circular import content_hash, quarter_bounds
from domain.errors import RuleViolation
from domain.policy import load_profile

CREDIT, CENTRE = actor("nt-credit-office"), actor("nt-credit-centre")
CONTENTS = {"period": "2024-Q1", "lists": {"black": {"confirmed": 1}}}




def test_nt_jrp_q_the_nt_profile_sets_a_quarterly_circular() -> None:
    [rule] = [r for r in load_profile("NT").reporting.values() if r.period == "quarterly"]
    assert rule.rule_id == "NT-JRP-Q"
    assert quarter_bounds("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds("2024-Q4") == (date(2024, 10, 1), date(2024, 12, 31))


@pytest.mark.parametrize("period", ["2024-Q5", "2024Q1", "2024-1", "", "0000-Q1"])
def test_nt_jrp_q_a_period_is_a_quarter(period: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        quarter_bounds(period)
    assert (exc.value.rule_id, exc.value.field) == ("NT-JRP-Q", "period")


def test_nt_jrp_q_issued_by_the_credit_office_after_the_quarter_once(service, ledger, clock) -> None:
    clock.day = date(2024, 4, 2)
    issue = dict(profile_id="NT", period="2024-Q1", log_position=7, contents=CONTENTS)
    assert refused(ledger, service.issue_circular, actor=CENTRE, issued_on=date(2024, 4, 1),
                   **issue) == ("NT-JRP-Q", "actor")
    assert refused(ledger, service.issue_circular, actor=CREDIT, issued_on=date(2024, 3, 31),
                   **issue) == ("NT-JRP-Q", "period")  # the quarter's last day: not ended
    assert refused(ledger, service.issue_circular, actor=CREDIT, issued_on=date(2024, 4, 3),
                   **issue) == ("NT-JRP-Q", "issued_on")  # in the future
    circular_id = service.issue_circular(CREDIT, issued_on=date(2024, 4, 1), **issue)
    circular = service.circular("NT", "2024-Q1")
    assert circular.id == circular_id and (circular.log_position, circular.unit) == (7, "nt-credit-office")
    assert circular.content_hash == content_hash(CONTENTS) and circular.contents == CONTENTS
    assert refused(ledger, service.issue_circular, actor=CREDIT, issued_on=date(2024, 4, 2),
                   **issue) == ("NT-JRP-Q", "period")  # once per quarter


def test_cs_2_6_a_profile_that_sets_no_period_refuses_a_quarterly_circular(service, ledger, clock) -> None:
    clock.day = date(2024, 4, 2)
    assert refused(ledger, service.issue_circular, actor=actor("cs-credit-office"), profile_id="CS",
                   period="2024-Q1", issued_on=date(2024, 4, 1), log_position=1,
                   contents={}) == ("NT-JRP-Q", "profile_id")  # CS-2.6 says only "定期通报"
