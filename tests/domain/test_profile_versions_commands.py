"""Issue 15.9 for every command family, on both backends: the same act on 2026-03-31 and 2026-04-02 follows NT v1
and NT v2 respectively and names the version in its event.

Validity follows the version in force at determination (a record's determination, a list entry's confirmation);
procedure (list steps, sanction steps, reports, circulars, withdrawals) follows the version in force on the day of
the act; an expiry follows the item's own version. NT v2 here is the packaged one (nt.v2.toml) with a few tables
changed as a later text might change them (a shorter sanction feedback limit, NT-JRP-4; a list-report limit one
month longer, NT-PCI-17; a prior-notice answer limit, HA-4.1; a list publicity period, JY-6.1; one more measure,
HA-4.2), so that what is derived by day visibly follows the version of that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, doc, person_id, refused

from domain.policy import PolicyProfile, load_profile, load_versions
from domain.policy_loading import merge_version
from domain.service import CreditService
from ledger.config import Settings
from ledger_support.backends import initialised_ledger

UNITS = ("ledger-admin", "nt-tax-bureau", "nt-credit-office", "nt-credit-centre", "nt-financial-institutions",
         "nt-hrss", "nt-organisation-department")
TAX, CREDIT = actor("nt-tax-bureau", "qian"), actor("nt-credit-office", "sun")
BANKS, HRSS = actor("nt-financial-institutions", "li"), actor("nt-hrss", "wu")
V1_LAST, V2_DAY = date(2026, 3, 31), date(2026, 4, 2)  # NT v2 takes effect on 2026-04-01
LATER_TEXT = {  # the tables a later text changes (see the module docstring)
    "deadlines": {
        "sanction_feedback": {"days": 10, "kind": "working", "rule_id": "NT-JRP-4"},
        "list_report": {"days": 2, "kind": "month_end", "rule_id": "NT-PCI-17"},
        "prior_notice_answer": {"days": 10, "kind": "working", "rule_id": "HA-4.1"},
        "list_publicity": {"days": 5, "kind": "working", "rule_id": "JY-6.1"},
    },
    "measures": {"NT-M-07": {
        "unit": "nt-financial-institutions", "name_zh": "限制新增授信", "name_en": "No new credit lines",
        "objects": ["person", "legal_person", "organisation"], "legal_basis": "（测试用后续文本）",
        "triggers": ["general", "serious"], "kind": "market", "rule_id": "HA-4.2"}},
}


class Day:
    """A settable business day."""

    day = V2_DAY

    def __call__(self) -> date:
        return self.day


def nt_v2() -> PolicyProfile:
    """NT v2 (nt.v2.toml, from 2026-04-01) with the later text's tables."""
    packaged = load_versions("NT").version(2)
    return PolicyProfile.from_content(merge_version(packaged.to_content(), LATER_TEXT))


@pytest.fixture
def nt(backend_settings: Settings) -> Iterator[tuple[CreditService, Day]]:
    """NT v1 as the service's own profile, the v2 above given and published beside it."""
    app = initialised_ledger(backend_settings, UNITS)
    clock = Day()
    svc = CreditService(app, {"NT": load_profile("NT")}, SECRET, today=clock, versions=[nt_v2()])
    svc.publish_profile(ADMIN, profile_id="NT")
    svc.publish_profile(ADMIN, profile_id="NT", version=2)
    yield svc, clock
    app.close()


def _person(svc: CreditService, seed: int) -> UUID:
    return svc.register_person(TAX, name="王五", id_number=person_id(date(1980, 5, 5), seed))


def _record(svc: CreditService, subject: UUID, seed: int, tier: str, determined: date) -> UUID:
    act = date(determined.year - 1, 12, 1)
    return svc.record_dishonesty(TAX, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.3", tier=tier,
                                 basis=basis(act, f"通税罚〔{act.year}〕{seed}号", "国家税务总局南通市税务局"),
                                 act_date=act, determination_date=determined, summary="欠缴税款")


def _versions(svc: CreditService, aggregate_id: UUID) -> list[tuple[str, int]]:
    """(event, profile version named in it) of every event of an aggregate, oldest first."""
    events = svc.ledger.repository.event_store.get(aggregate_id)  # type: ignore[attr-defined]
    return [(type(e).__name__, e.policy_version) for e in events if hasattr(e, "policy_version")]


def test_the_test_version_differs_only_where_the_later_text_says() -> None:
    v1, v2 = load_profile("NT"), nt_v2()
    assert (v2.version, v2.effective_date, v2.first_effective_date) == (2, date(2026, 4, 1), v1.effective_date)
    assert "NT-M-07" in v2.measures and "NT-M-07" not in v1.measures
    assert v1.deadlines["sanction_feedback"].kind != v2.deadlines["sanction_feedback"].kind
    assert v1.find_deadline("prior_notice_answer") is None and v1.find_deadline("list_publicity") is None


def test_jy_6_list_entry_steps_follow_the_version_of_their_day(nt) -> None:
    """Draft, prior notice (HA-4.1), publicity (JY-6.1) and confirmation (JY-6.2) of two black entries, one on
    2026-03-31 and one on 2026-04-02: deadlines from each day's rules; the confirmation's version is the entry's."""
    svc, clock = nt
    entries = {}
    for seed, day in ((1, V1_LAST), (2, V2_DAY)):
        subject = _person(svc, seed)
        record = _record(svc, subject, seed, "serious", date(2026, 3, 2))
        entry_id = svc.draft_list_entry(TAX, profile_id="NT", subject_id=subject, list_code="black",
                                        record_ids=[record], drafted_on=day, reason="严重失信")
        svc.give_prior_notice(TAX, list_entry_id=entry_id, notice_on=day, content="拟列入黑名单的事由、依据和权利")
        svc.publicise_list_entry(TAX, list_entry_id=entry_id, channel="信用南通", start=day,
                                 end=date(2026, 4, 10) if day == V1_LAST else None)
        entries[day] = entry_id
    v1, v2 = (svc.list_entry(entries[d]) for d in (V1_LAST, V2_DAY))
    assert v1.notice["answer_deadline"] is None  # NT v1 sets no answer limit
    assert v2.notice["answer_deadline"]["rule_id"] == "HA-4.1" and v2.notice["answer_deadline"]["days"] == 10
    assert v1.publicity["deadline"]["kind"] == "stated"  # v1: no publicity length, the notice's last day
    assert (v2.publicity["deadline"]["rule_id"], v2.publicity["deadline"]["days"]) == ("JY-6.1", 5)
    third = svc.draft_list_entry(TAX, profile_id="NT", subject_id=v2.subject_id, list_code="key_attention",
                                 list_field=None, drafted_on=V2_DAY, reason="重点关注")
    assert refused(svc.ledger, svc.publicise_list_entry, actor=TAX, list_entry_id=third, channel="信用南通",
                   start=V2_DAY, end=date(2026, 5, 1)) == ("JY-6.1", "end")  # v2 sets the period itself
    clock.day = date(2026, 4, 20)
    for entry_id in entries.values():
        svc.confirm_list_entry(CREDIT, list_entry_id=entry_id, confirmed_on=date(2026, 4, 20),
                               decision=doc(date(2026, 4, 20), "通信黑〔2026〕1号"))
    assert _versions(svc, entries[V1_LAST]) == [("Drafted", 1), ("PriorNoticeGiven", 1), ("Publicised", 1),
                                                ("Confirmed", 2)]
    assert _versions(svc, entries[V2_DAY]) == [("Drafted", 2), ("PriorNoticeGiven", 2), ("Publicised", 2),
                                               ("Confirmed", 2)]
    assert svc.list_entry(entries[V1_LAST]).policy_version == 2  # validity follows the confirmation's version


def test_jy_17_exit_and_its_announcement_each_follow_their_own_day(nt) -> None:
    svc, clock = nt
    subject = _person(svc, 3)
    record = _record(svc, subject, 3, "serious", date(2026, 3, 2))
    entry_id = svc.draft_list_entry(TAX, profile_id="NT", subject_id=subject, list_code="black", record_ids=[record],
                                    drafted_on=date(2026, 3, 20), reason="严重失信")
    svc.confirm_list_entry(CREDIT, list_entry_id=entry_id, confirmed_on=date(2026, 3, 30),
                           decision=doc(date(2026, 3, 30), "通信黑〔2026〕3号"))
    assert svc.list_entry(entry_id).policy_version == 1  # confirmed under v1: its validity is v1's
    svc.exit_list_entry(CREDIT, list_entry_id=entry_id, reason="纠错", exited_on=V1_LAST)
    svc.announce_exit(CREDIT, list_entry_id=entry_id, channel="信用南通", announced_on=V2_DAY)
    assert _versions(svc, entry_id)[-2:] == [("Exited", 1), ("ExitAnnounced", 2)]


def test_ha_4_2_the_measures_offered_are_those_of_the_push_day(nt) -> None:
    """NT-M-07 exists only from 2026-04-01: refused on 03-31 (nothing stored), pushed on 04-02 naming v2."""
    svc, _ = nt
    record = _record(svc, _person(svc, 4), 4, "serious", date(2026, 3, 2))
    assert refused(svc.ledger, svc.push_sanction, actor=CREDIT, source_id=record, measure_id="NT-M-07",
                   pushed_on=V1_LAST) == ("HA-4.2", "measure_id")
    new_case = svc.push_sanction(CREDIT, source_id=record, measure_id="NT-M-07", pushed_on=V2_DAY)
    old_case = svc.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=V1_LAST)
    assert _versions(svc, new_case) == [("Pushed", 2)] and _versions(svc, old_case) == [("Pushed", 1)]
    assert [m.id for m in svc.rules_on("NT", V1_LAST).measures.values()].count("NT-M-07") == 0
    assert "NT-M-07" in svc.rules_on("NT", V2_DAY).measures


def test_jy_21_feedback_deadline_follows_the_version_of_the_case_day(nt) -> None:
    """NT-JRP-4: a case applied on 03-31 is fed back by the end of April (v1); one applied on 04-02 within 10
    working days (v2); the lift pushed on 04-02 names v2."""
    svc, _ = nt
    cases = {}
    for seed, day in ((5, V1_LAST), (6, V2_DAY)):
        record = _record(svc, _person(svc, seed), seed, "serious", date(2026, 3, 2))
        case = svc.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=day)
        svc.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=day)
        svc.apply_sanction(BANKS, sanction_id=case, case={"number": f"贷审〔2026〕{seed}号", "date": day,
                                                          "description": "提高贷款利率"})
        cases[day] = case
    v1, v2 = (svc.sanction(cases[d]).feedback_deadline for d in (V1_LAST, V2_DAY))
    assert (v1["kind"], v1["due"]) == ("month_end", date(2026, 4, 30))
    assert (v2["kind"], v2["days"]) == ("working", 10) and v2["due"] < date(2026, 4, 30)
    svc.feed_back_sanction(BANKS, sanction_id=cases[V1_LAST], report="已实施", fed_back_on=V2_DAY)
    svc.push_lift(CREDIT, sanction_id=cases[V1_LAST], reason="纠错", pushed_on=V2_DAY)
    assert _versions(svc, cases[V1_LAST]) == [("Pushed", 1), ("Acknowledged", 1), ("Applied", 1), ("FedBack", 2),
                                              ("LiftPushed", 2)]
    assert _versions(svc, cases[V2_DAY]) == [("Pushed", 2), ("Acknowledged", 2), ("Applied", 2)]


def test_nt_pci_30_expiry_follows_the_records_own_version_its_lifts_the_sweep_day(nt) -> None:
    """A v1 general record (1 year, NT-PCI-30) expires on the first sweep after its last day, 2026-04-01: the
    expiry names v1 (validity); the push it ends is withdrawn under v2 (procedure on the sweep day, JY-17)."""
    svc, clock = nt
    clock.day = date(2025, 4, 1)
    record = _record(svc, _person(svc, 7), 7, "general", date(2025, 4, 1))
    case = svc.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2025, 4, 1))
    clock.day = V2_DAY
    assert svc.sweep(CREDIT) == [record]
    assert _versions(svc, record) == [("Recorded", 1), ("Expired", 1)]
    assert _versions(svc, case) == [("Pushed", 1), ("Withdrawn", 2)]


def test_nt_pci_17_a_monthly_report_follows_the_version_of_its_day(nt) -> None:
    """February's report: on 03-31 under v1 (due by the end of March); on 04-02 under v2 (due by the end of April),
    so not late, as `reports_due` on that day agrees."""
    svc, clock = nt
    clock.day = V1_LAST
    early = svc.report_list_entries(TAX, profile_id="NT", period="2026-02", list_entry_ids=[], reported_on=V1_LAST)
    clock.day = V2_DAY
    late = svc.report_list_entries(HRSS, profile_id="NT", period="2026-02", list_entry_ids=[], reported_on=V2_DAY)
    first, second = svc.list_report("NT", "nt-tax-bureau", "2026-02"), svc.list_report("NT", "nt-hrss", "2026-02")
    assert (first.deadline["due"], first.late) == (date(2026, 3, 31), False)
    assert (second.deadline["due"], second.late) == (date(2026, 4, 30), False)  # v1 would have said late
    assert _versions(svc, early) == [("Submitted", 1)] and _versions(svc, late) == [("Submitted", 2)]
    due = [(d["unit"], d["period"]) for d in svc.reports_due(V2_DAY, since="2026-02")]
    assert ("nt-discipline-supervision", "2026-02") not in due  # v2: February is due by 2026-04-30


def test_nt_jrp_q_a_circular_names_the_version_of_its_issue_day(nt) -> None:
    svc, clock = nt
    clock.day = date(2026, 1, 5)
    q4 = svc.issue_circular(CREDIT, profile_id="NT", period="2025-Q4", issued_on=date(2026, 1, 5), log_position=3,
                            contents={"period": "2025-Q4"})
    clock.day = V2_DAY
    q1 = svc.issue_circular(CREDIT, profile_id="NT", period="2026-Q1", issued_on=V2_DAY, log_position=4,
                            contents={"period": "2026-Q1"})
    assert _versions(svc, q4) == [("Issued", 1)] and _versions(svc, q1) == [("Issued", 2)]


def test_nt_pci_35_no_repair_past_the_records_last_day_swept_or_not(nt) -> None:
    """A record determined in 2019 keeps its 2019 validity (NT-PCI-30: 3 years, last day 2022-03-01): in 2026 it
    is not in force although no sweep has run, so no repair is taken (NT-PCI-35), and nothing is stored."""
    svc, clock = nt
    clock.day = date(2019, 3, 1)
    record = _record(svc, _person(svc, 8), 8, "serious", date(2019, 3, 1))
    assert svc.record(record).status == "in_force"  # stored status: never swept
    clock.day = V2_DAY
    apply: dict[str, Any] = dict(actor=TAX, record_id=record, applied_on=V2_DAY, corrected_on=date(2019, 6, 1),
                                 commitment=doc(V2_DAY, "承诺〔2026〕8号", "不再发生"))
    assert refused(svc.ledger, svc.apply_for_repair, **apply) == ("NT-PCI-35", "record_id")
    assert svc.record(record).valid_until == date(2022, 3, 1) and svc.record(record).policy_version == 1


def test_issue_15_9_the_as_of_view_of_2025_shows_the_rules_of_2025(nt) -> None:
    """Time travel (DESIGN §4): as of a 2025 position the record stands under NT v1, the version in force on its
    determination; a record determined after 2026-04-01 under v2; the published texts are those versions."""
    from projections.timetravel import status
    svc, clock = nt
    clock.day = date(2025, 6, 2)
    subject = _person(svc, 9)
    old = _record(svc, subject, 9, "general", date(2025, 6, 2))
    position_2025 = svc.ledger.log.tree_size() - 1
    clock.day = V2_DAY
    new = _record(svc, subject, 10, "minor", V2_DAY)
    then = status(svc.ledger, subject, position_2025, valid_at=date(2025, 6, 2))
    assert [(i.id, i.policy_id, i.policy_version) for i in then.items] == [(str(old), "NT", 1)]
    now = {i.id: i.policy_version for i in status(svc.ledger, subject, valid_at=V2_DAY).items}
    assert now == {str(old): 1, str(new): 2}
    rules = svc.published_profile("NT", then.items[0].policy_version).profile()
    assert rules == svc.versions_of("NT").on(date(2025, 6, 2)) and "minor" not in rules.tiers


def test_nt_gov_2_2b_a_government_record_and_its_case_steps_follow_their_days(nt) -> None:
    """NT-GOV-2.2b: the record's version is its determination day's; NT-GOV-2.4a: the explanation and the
    rectification order each name the version of their own day."""
    from gov_support import judgment, register_body
    svc, _ = nt
    body = register_body(svc, seed=11)
    records = [svc.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=body, source_kind="court_judgment",
        document=judgment(date(2026, 3, 1), f"(2026)苏06行初{seed}号"), behaviour_code="NT-GOV-3.4", tier="general",
        act_date=date(2025, 11, 1), determination_date=day) for seed, day in ((1, V1_LAST), (2, V2_DAY))]
    assert [svc.record(r).policy_version for r in records] == [1, 2]
    org = actor("nt-organisation-department", "zhao")
    svc.give_explanation(org, record_id=records[0], text="说明原因", explained_on=V1_LAST)
    svc.order_rectification(CREDIT, record_id=records[0], ordered_on=V2_DAY, deadline=date(2026, 5, 29),
                            requirements="限期整改")
    case = svc.government_case(records[0])
    assert _versions(svc, case.id)[-2:] == [("ExplanationGiven", 1), ("RectificationOrdered", 2)]


def test_nat_apl_48_the_withdrawal_names_the_version_of_its_day(nt) -> None:
    svc, clock = nt
    record = _record(svc, _person(svc, 12), 12, "serious", date(2026, 3, 2))
    withdrawal = svc.register_penalty_change(TAX, record_id=record, outcome="revoked", changed_on=V2_DAY,
                                             decision=doc(V2_DAY, "（2026）苏06行终9号"))
    svc.withdraw_penalty(TAX, withdrawal_id=withdrawal, withdrawn_on=V2_DAY)
    assert _versions(svc, record) == [("Recorded", 1), ("Revoked", 2)]  # validity v1, the withdrawal v2
