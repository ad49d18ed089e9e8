"""LYG-9 (1) 约谈事项不落实: after an attended integrity interview, terms not carried out allow the escalation to
more serious; an attended interview alone does not, and the note must name an attended interview."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, person_id

from domain.errors import RuleViolation

BUREAU = actor("lyg-petition-bureau", "wang")
ANSWER = basis(date(2019, 2, 25), "连信访复〔2019〕13号", "连云港市信访局", "other_statutory")


def _refused(ledger, command) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        command()
    assert ledger.event_count() == before  # nothing stored
    return refused.value.rule_id, refused.value.field


def test_lyg_9_1_interview_terms_not_carried_out_allow_escalation(service, ledger, clock) -> None:
    clock.day = date(2019, 4, 10)
    person = service.register_person(BUREAU, name="钱某", id_number=person_id(date(1971, 5, 6), 77))
    record_id = service.record_dishonesty(
        BUREAU, profile_id="LYG", subject_id=person, behaviour_code="LYG-7.4", tier="general", basis=ANSWER,
        act_date=date(2019, 2, 20), determination_date=date(2019, 3, 1))
    service.register_interview(BUREAU, record_id=record_id, on=date(2019, 3, 20), method="约谈",
                               content="承诺一个月内撤回重复信访", attended=True)
    escalate = dict(record_id=record_id, behaviour_code="LYG-9.1", determination_date=date(2019, 4, 10),
                    basis=ANSWER, reason="约谈事项不落实")
    assert _refused(ledger, lambda: service.escalate(BUREAU, **escalate)) == ("LYG-9", "behaviour_code")
    assert _refused(ledger, lambda: service.register_terms_not_carried_out(
        BUREAU, record_id=record_id, interview_on=date(2019, 3, 21), noted_on=date(2019, 4, 5),
        content="未撤回")) == ("LYG-9", "interview_on")
    assert _refused(ledger, lambda: service.register_terms_not_carried_out(
        BUREAU, record_id=record_id, interview_on=date(2019, 3, 20), noted_on=date(2019, 3, 19),
        content="未撤回")) == ("LYG-9", "noted_on")
    service.register_terms_not_carried_out(BUREAU, record_id=record_id, interview_on=date(2019, 3, 20),
                                           noted_on=date(2019, 4, 5), content="一个月内未撤回重复信访")
    assert service.record(record_id).contacts[-1]["kind"] == "interview_terms_not_carried_out"
    service.escalate(BUREAU, **escalate)
    assert (service.record(record_id).behaviour_code, service.record(record_id).tier) == ("LYG-9.1", "more_serious")
