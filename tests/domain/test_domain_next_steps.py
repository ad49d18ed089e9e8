"""Issue 16.2: each aggregate offers exactly the steps its own guards accept now, for the acting unit when given:
LYG-4 submission once, by the collecting department; JY-21/JY-17 the department's and the office's steps of a
sanction case; what is offered is accepted, what is not offered is refused by the same guard."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, lyg_serious_black_listing

from domain.errors import RuleViolation

PETITION, CREDIT = actor("lyg-petition-bureau"), actor("lyg-credit-office")


def test_lyg_4_submission_is_offered_to_the_collecting_department_once(service, clock) -> None:
    clock.day = date(2019, 10, 1)
    _credit, _person, record_id, _entry = lyg_serious_black_listing(service, 71)
    profile = service.profiles["LYG"]
    record = service.record(record_id)
    assert "submit" in record.next_steps(profile, clock.day, PETITION)
    assert "submit" not in record.next_steps(profile, clock.day, CREDIT)  # LYG-4: only the collector submits
    with pytest.raises(RuleViolation) as refused:
        service.submit_records(CREDIT, record_ids=[record_id], submitted_on=clock.day)
    assert (refused.value.rule_id, refused.value.field) == ("LYG-4", "actor")
    service.submit_records(PETITION, record_ids=[record_id], submitted_on=clock.day)
    assert "submit" not in service.record(record_id).next_steps(profile, clock.day, PETITION)  # once


def test_a_sanction_case_offers_the_department_and_the_office_their_own_steps(service, clock) -> None:
    clock.day = date(2019, 10, 1)
    _credit, _person, record_id, _entry = lyg_serious_black_listing(service, 72)
    profile = service.profiles["LYG"]
    measure = next(m for m in profile.measures.values() if "serious" in m.triggers and "person" in m.objects)
    case_id = service.push_sanction(CREDIT, source_id=record_id, measure_id=measure.id, pushed_on=clock.day)
    department = actor(measure.unit)
    case = service.sanction(case_id)
    assert case.next_steps(profile, clock.day, department) == ["acknowledge"]
    assert case.next_steps(profile, clock.day, CREDIT) == ["withdraw"]  # JY-17: never applied, no lift
    assert case.next_steps(profile, clock.day) == ["acknowledge", "withdraw"]  # without an actor: the state only
    service.acknowledge_sanction(department, sanction_id=case_id, acknowledged_on=clock.day)
    assert service.sanction(case_id).next_steps(profile, clock.day, department) == ["apply", "decline"]
