"""Issue 15.8/15.9 on both backends: NT adopts the national procedure from 2026-04-01 (NT v2).

Validity follows the version in force at determination; repair and objection follow the version in force on
the day of the procedural act (NAT-2025-22, NAT-2025-36, NAT-22-DL). Tested across 2026-03-31 / 2026-04-01.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, doc, person_id

from domain.errors import RuleViolation
from domain.policy import load_profile, load_versions
from domain.service import CreditService
from ledger.config import Settings
from ledger_support.backends import initialised_ledger

UNITS = ("ledger-admin", "nt-tax-bureau", "nt-credit-office", "nt-credit-centre")
TAX = actor("nt-tax-bureau", "qian")
PENALTY = basis(date(2019, 3, 1), "通税罚〔2019〕3号", "国家税务总局南通市税务局")


class Day:
    """A settable business day."""

    day = date(2026, 3, 31)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def nt(backend_settings: Settings) -> Iterator[tuple[CreditService, Day]]:
    """NT v1 as the service's own profile, with NT v2 (from 2026-04-01) loaded and published beside it."""
    app = initialised_ledger(backend_settings, UNITS)
    clock = Day()
    svc = CreditService(app, {"NT": load_profile("NT")}, SECRET, today=clock, versions=load_versions("NT").versions)
    svc.publish_profile(ADMIN, profile_id="NT")
    svc.publish_profile(ADMIN, profile_id="NT", version=2)
    yield svc, clock
    app.close()


def _record(svc: CreditService, seed: int, tier: str, act: date, determined: date) -> UUID:
    subject = svc.register_person(TAX, name="王五", id_number=person_id(date(1980, 5, 5), seed))
    return svc.record_dishonesty(TAX, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.3", tier=tier,
                                 basis=basis(act, f"通税罚〔{act.year}〕{seed}号", "国家税务总局南通市税务局"),
                                 act_date=act, determination_date=determined, summary="欠缴税款")


def _events(svc: CreditService, aggregate_id: UUID) -> list[Any]:
    return list(svc.ledger.repository.event_store.get(aggregate_id))  # type: ignore[attr-defined]


def test_issue_15_9_validity_follows_the_version_in_force_at_determination(nt) -> None:
    svc, clock = nt
    clock.day = date(2026, 4, 1)
    before = svc.record(_record(svc, 1, "general", date(2026, 3, 2), date(2026, 3, 31)))
    after = svc.record(_record(svc, 2, "general", date(2026, 3, 2), date(2026, 4, 1)))
    assert (before.policy_version, after.policy_version) == (1, 2)
    assert before.valid_until == date(2027, 3, 31)  # NT-PCI-30: 1 year
    assert after.valid_until == date(2027, 4, 1)  # NAT-2025-22: at most 12 months
    # NAT-2025-22: the minor class exists only from 2026-04-01 and is never published
    with pytest.raises(RuleViolation):
        _record(svc, 3, "minor", date(2026, 3, 2), date(2026, 3, 31))
    minor = svc.record(_record(svc, 4, "minor", date(2026, 3, 2), date(2026, 4, 1)))
    assert (minor.disclosure, minor.published, minor.valid_until) == ("unpublished", False, date(2026, 7, 1))


def test_nat_2025_22_publication_stops_at_the_maximum_by_the_one_decision(nt) -> None:
    from domain.effective import item_in_force, item_published
    svc, clock = nt
    clock.day = date(2026, 4, 1)
    record = svc.record(_record(svc, 5, "general", date(2026, 3, 2), date(2026, 4, 1)))
    assert item_published(record, date(2027, 4, 1)) and not item_published(record, date(2027, 4, 2))
    assert not item_in_force(record, date(2027, 4, 2))  # no sweep has run: the day alone decides


def test_nat_2025_22_repair_only_after_the_minimum_publicity_period(nt) -> None:
    svc, clock = nt
    clock.day = date(2026, 7, 2)
    record_id = _record(svc, 6, "general", date(2026, 3, 2), date(2026, 4, 1))
    clock.day = date(2026, 7, 1)
    with pytest.raises(RuleViolation) as early:
        svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 7, 1), corrected_on=date(2026, 4, 10),
                             commitment=doc(date(2026, 7, 1), "承诺〔2026〕1号", "不再发生"))
    assert (early.value.rule_id, early.value.field) == ("NAT-2025-22", "applied_on")
    assert svc.repairs_of(svc.record(record_id).subject_id) == []  # nothing stored
    clock.day = date(2026, 7, 2)
    repair_id = svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 7, 2),
                                     corrected_on=date(2026, 4, 10),
                                     commitment=doc(date(2026, 7, 2), "承诺〔2026〕2号", "不再发生"))
    assert svc.repair(repair_id).policy_version == 2


def test_issue_15_9_repair_in_2026_names_2026_rules_the_record_keeps_its_own(nt) -> None:
    """NAT-2025-36 and NAT-22-DL: a 2025 record repaired under NT v2 — no clean year, no publicity, deadlines."""
    svc, clock = nt
    clock.day = date(2025, 6, 2)
    record_id = _record(svc, 7, "general", date(2025, 5, 20), date(2025, 6, 2))
    commitment = doc(date(2026, 3, 31), "承诺〔2026〕3号", "不再发生")
    clock.day = date(2026, 3, 31)
    with pytest.raises(RuleViolation) as v1:  # NT-PCI-34 (v1): one clean year since the correction
        svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 3, 31), corrected_on=date(2025, 7, 1),
                             commitment=commitment)
    assert (v1.value.rule_id, v1.value.field) == ("NT-PCI-34", "applied_on")
    clock.day = date(2026, 4, 1)
    repair_id = svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 4, 1),
                                     corrected_on=date(2025, 7, 1), commitment=commitment)
    repair = svc.repair(repair_id)
    assert repair.policy_version == 2
    assert {k: (d["rule_id"], d["due"] > date(2026, 4, 1)) for k, d in repair.response_deadlines.items()} == {
        "repair_feedback": ("NAT-22-DL", True), "repair_decision": ("NAT-22-DL", True)}
    late = repair.response_deadlines["repair_decision"]["due"]
    assert repair.response_deadlines["repair_feedback"]["due"] > late  # 10 working days after 3
    clock.day = date(2026, 4, 30)
    steps = {s["step"] for s in svc.overdue(date(2026, 4, 30)) if s["id"] == repair_id}
    assert steps == {"repair_feedback", "repair_decision"}  # NAT-22-DL: shown overdue until decided
    svc.give_repair_opinion(TAX, repair_id=repair_id, favourable=True, given_on=date(2026, 4, 2),
                            opinion=doc(date(2026, 4, 2), "通税修〔2026〕1号", "同意修复"))
    svc.decide_repair(TAX, repair_id=repair_id, approved=True, reasons="已纠正并承诺", decided_on=date(2026, 4, 2))
    record = svc.record(record_id)
    assert (record.status, record.published, record.policy_version) == ("repaired", False, 1)  # NAT-2025-36
    assert not [s for s in svc.overdue(date(2026, 4, 30)) if s["id"] == repair_id]
    versions = [(type(e).__name__, e.policy_version) for e in _events(svc, record_id) if hasattr(e, "policy_version")]
    assert versions[0] == ("Recorded", 1) and versions[-1] == ("Repaired", 2)


def test_issue_15_9_a_court_reconstructing_2019_sees_2019_rules(nt) -> None:
    svc, clock = nt
    clock.day = date(2019, 3, 1)
    record = svc.record(_record(svc, 8, "serious", date(2019, 2, 1), date(2019, 3, 1)))
    rules = svc.published_profile("NT", record.policy_version).profile()
    assert rules == svc.versions_of("NT").on(date(2019, 3, 1)) == load_profile("NT")
    assert set(rules.tiers) == {"general", "serious"} and rules.tiers["serious"].validity_years == 3
    assert record.valid_until == date(2022, 3, 1)
    later = svc.published_profile("NT", 2).profile()
    assert later.tiers["serious"].publicity_max_months == 36 and later.effective_date == date(2026, 4, 1)


def test_nat_apl_48_a_revoked_penalty_is_withdrawn_within_3_days_or_shows_overdue(nt) -> None:
    svc, clock = nt
    clock.day = date(2026, 4, 1)
    record_id = _record(svc, 9, "serious", date(2026, 3, 2), date(2026, 4, 1))
    clock.day = date(2026, 5, 6)
    court = doc(date(2026, 5, 6), "（2026）苏06行终12号")
    with pytest.raises(RuleViolation) as bad:
        svc.register_penalty_change(TAX, record_id=record_id, outcome="reduced", decision=court,
                                    changed_on=date(2026, 5, 6))
    assert (bad.value.rule_id, bad.value.field) == ("NAT-APL-48", "outcome")
    withdrawal_id = svc.register_penalty_change(TAX, record_id=record_id, outcome="revoked", decision=court,
                                                changed_on=date(2026, 5, 6))
    assert svc.withdrawal(withdrawal_id).deadline["due"] == date(2026, 5, 9)  # three days
    assert not [s for s in svc.overdue(date(2026, 5, 9)) if s["id"] == withdrawal_id]
    [late] = [s for s in svc.overdue(date(2026, 5, 10)) if s["id"] == withdrawal_id]
    assert (late["step"], late["rule_id"], late["days_late"]) == ("withdrawal", "NAT-APL-48", 1)
    clock.day = date(2026, 5, 11)
    svc.withdraw_penalty(TAX, withdrawal_id=withdrawal_id, withdrawn_on=date(2026, 5, 11))
    record = svc.record(record_id)
    assert (record.status, record.published) == ("revoked", False)
    assert svc.withdrawal_of(record_id).withdrawn == {"on": date(2026, 5, 11), "late": True, "by": "nt-tax-bureau"}
    assert not [s for s in svc.overdue(date(2026, 5, 20)) if s["id"] == withdrawal_id]


def test_nat_apl_48_a_version_without_the_time_limit_refuses_to_guess(nt) -> None:
    svc, clock = nt
    clock.day = date(2025, 6, 2)
    record_id = _record(svc, 10, "general", date(2025, 5, 20), date(2025, 6, 2))
    with pytest.raises(RuleViolation) as refused:  # NT v1 (before 2026-04-01) sets no withdrawal limit
        svc.register_penalty_change(TAX, record_id=record_id, outcome="changed", changed_on=date(2025, 6, 2),
                                    decision=doc(date(2025, 6, 2), "通复决〔2025〕1号"))
    assert (refused.value.rule_id, refused.value.field) == ("NAT-APL-48", "record_id")
    assert svc.withdrawal_of(record_id) is None


def test_nat_2025_36_repair_ends_publication_and_the_sanctions_rest_on_nothing(nt) -> None:
    """A general record under NT v2: repair after the 3-month minimum ends publication; its sanction goes on the
    credit office's desk to be withdrawn (JY-17) and the credit office withdraws it. (The working-day calendar
    covers 2026 at most: a serious record's 12-month minimum ends in 2027, whose NAT-22-DL deadlines cannot be
    counted yet, so that application is refused until the calendar is updated.)"""
    svc, clock = nt
    credit = actor("nt-credit-office", "sun")
    clock.day = date(2026, 4, 1)
    record_id = _record(svc, 11, "general", date(2026, 3, 2), date(2026, 4, 1))
    case_id = svc.push_sanction(credit, source_id=record_id, measure_id="NT-M-06", pushed_on=date(2026, 4, 1))
    clock.day = date(2026, 7, 2)
    commitment = doc(date(2026, 7, 1), "承诺〔2026〕9号", "不再发生")
    with pytest.raises(RuleViolation) as early:  # NAT-2025-22: general, at least 3 months
        svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 7, 1), corrected_on=date(2026, 5, 1),
                             commitment=commitment)
    assert early.value.rule_id == "NAT-2025-22"
    repair_id = svc.apply_for_repair(TAX, record_id=record_id, applied_on=date(2026, 7, 2),
                                     corrected_on=date(2026, 5, 1), commitment=commitment)
    svc.give_repair_opinion(TAX, repair_id=repair_id, favourable=True, given_on=date(2026, 7, 2),
                            opinion=doc(date(2026, 7, 2), "通税修〔2026〕9号", "同意修复"))
    svc.decide_repair(TAX, repair_id=repair_id, approved=True, reasons="已纠正", decided_on=date(2026, 7, 2))
    assert not svc.record(record_id).published
    assert [d["sanction_id"] for d in svc.lifts_due(office="nt-credit-office")] == [case_id]
    svc.withdraw_sanction(credit, sanction_id=case_id, reason="信用修复 (NAT-2025-36)", withdrawn_on=date(2026, 7, 2))
    assert not svc.sanction(case_id).in_force and svc.lifts_due(office="nt-credit-office") == []


def test_issue_15_9_a_correction_keeps_the_records_own_rules_for_validity(nt) -> None:
    """NT-PCI-32 correction of an NT v2 minor record while the service's own profile is NT v1 (which has no minor
    class): its validity is recomputed under its own version (NAT-2025-22, 3 months)."""
    svc, clock = nt
    centre = actor("nt-credit-centre", "zhou")
    clock.day = date(2026, 4, 10)
    record_id = _record(svc, 12, "minor", date(2026, 3, 2), date(2026, 4, 1))
    objection_id = svc.file_objection(centre, record_id=record_id, grounds="wrong_or_incomplete",
                                      statement="认定日期有误", filed_on=date(2026, 4, 8))
    svc.decide_objection(TAX, objection_id=objection_id, upheld=True, reasons="日期录入错误",
                         decided_on=date(2026, 4, 9))
    svc.apply_correction(centre, objection_id=objection_id, changes={"determination_date": date(2026, 4, 2)},
                         applied_on=date(2026, 4, 10))
    record = svc.record(record_id)
    assert (record.tier, record.valid_until, record.policy_version) == ("minor", date(2026, 7, 2), 2)
