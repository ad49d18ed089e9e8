"""NT-PCI-17 monthly reports of new red/black entries (within the following month, everything, zero reports
per NT-PCI-17) and JY-22 upward pushes of confirmed serious entries to the provincial and Wuxi systems."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, basis, credit_code, doc, person_id

from domain.errors import RuleViolation
from domain.reporting import ListReport, period_start

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
JY_MARKET = actor("jy-market-supervision")
JY_CREDIT = actor("jy-credit-office")


def nt_black(service, seed: int, confirmed_on: date):  # type: ignore[no-untyped-def]
    """A person with a serious NT record, black-listed by the tax bureau, confirmed on `confirmed_on`."""
    person = service.register_person(TAX, name="李四", id_number=person_id(date(1985, 7, 9), seed))
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=person, list_code="black", record_ids=[record],
                                     drafted_on=confirmed_on, reason="严重失信")
    service.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=confirmed_on)
    return entry


def test_nt_pci_17_monthly_report_due_by_the_end_of_the_following_month(service, ledger, clock) -> None:
    clock.day = date(2024, 4, 2)
    first = nt_black(service, 81, date(2024, 2, 1))
    second = nt_black(service, 82, date(2024, 2, 27))
    nt_black(service, 83, date(2024, 3, 4))  # March: reported in April
    key = service.draft_list_entry(TAX, profile_id="NT", subject_id=service.list_entry(first).subject_id,
                                   list_code="key_attention", list_field="tax", drafted_on=date(2024, 2, 2),
                                   reason="重点关注")
    service.confirm_list_entry(CREDIT, list_entry_id=key, confirmed_on=date(2024, 2, 2))  # not a red/black list
    assert service.reports_due(date(2024, 3, 31)) == []
    [due] = service.reports_due(date(2024, 4, 2))
    assert (due["unit"], due["period"], set(due["list_entry_ids"]), due["due"], due["days_late"]) == (
        "nt-tax-bureau", "2024-02", {first, second}, date(2024, 3, 31), 2)
    assert (due["rule_id"], due["deadline"]["kind"]) == ("NT-PCI-17", "month_end")

    before = ledger.event_count()
    with pytest.raises(RuleViolation) as partial:
        service.report_list_entries(TAX, profile_id="NT", period="2024-02", list_entry_ids=[first],
                                    reported_on=date(2024, 4, 2))
    assert (partial.value.rule_id, partial.value.field) == ("NT-PCI-17", "list_entry_ids")
    assert str(second) in partial.value.message and ledger.event_count() == before

    report_id = service.report_list_entries(TAX, profile_id="NT", period="2024-02", list_entry_ids=[second, first],
                                            reported_on=date(2024, 4, 2))
    report = service.list_report("NT", "nt-tax-bureau", "2024-02")
    assert report.id == report_id == ListReport.create_id("NT", "nt-tax-bureau", "2024-02")
    assert (report.late, report.zero, set(report.entry_ids)) == (True, False, {str(first), str(second)})
    assert report.deadline["calendar_version"] and report.policy_id == "NT"
    assert service.reports_due(date(2024, 4, 2)) == []
    with pytest.raises(RuleViolation) as twice:
        service.report_list_entries(TAX, profile_id="NT", period="2024-02", list_entry_ids=[],
                                    reported_on=date(2024, 4, 2))
    assert (twice.value.rule_id, twice.value.field) == ("NT-PCI-17", "period")
    [april] = service.reports_due(date(2024, 5, 1))
    assert (april["period"], april["due"], april["days_late"]) == ("2024-03", date(2024, 4, 30), 1)


def test_nt_jrp_2_zero_report_when_a_unit_listed_nobody(service, clock) -> None:
    clock.day = date(2024, 4, 2)
    service.report_list_entries(TAX, profile_id="NT", period="2024-03", list_entry_ids=[], reported_on=date(2024, 4, 2))
    report = service.list_report("NT", "nt-tax-bureau", "2024-03")
    assert (report.zero, report.late, report.entry_ids) == (True, False, [])


def test_jy_22_confirmed_black_entries_are_pushed_to_the_province_and_wuxi(service, ledger, clock) -> None:
    clock.day = date(2025, 4, 1)
    company = service.register_organisation(JY_MARKET, name="江阴某公司", uscc=credit_code(84))
    record = service.record_dishonesty(JY_MARKET, profile_id="JY", subject_id=company, behaviour_code="JY-4.1",
                                       tier="serious", basis=basis(date(2025, 3, 3)), act_date=date(2025, 2, 1),
                                       determination_date=date(2025, 3, 3))
    entry = service.draft_list_entry(JY_MARKET, profile_id="JY", subject_id=company, list_code="black",
                                     list_field="health_life", record_ids=[record], drafted_on=date(2025, 3, 4),
                                     reason="严重失信")
    service.give_prior_notice(JY_MARKET, list_entry_id=entry, notice_on=date(2025, 3, 6), content="事前告知")
    assert service.upward_pushes_pending() == []  # only confirmed entries are pushed
    service.confirm_list_entry(JY_CREDIT, list_entry_id=entry, confirmed_on=date(2025, 3, 20),
                               decision=doc(date(2025, 3, 20)))
    [pending] = service.upward_pushes_pending()
    assert (pending["list_entry_id"], pending["missing"]) == (entry, ["jiangsu-province", "wuxi-city"])
    service.push_upward(JY_CREDIT, list_entry_id=entry, pushed_on=date(2025, 3, 21), systems=["jiangsu-province"])
    assert service.upward_pushes_pending()[0]["missing"] == ["wuxi-city"]
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as again:
        service.push_upward(JY_CREDIT, list_entry_id=entry, pushed_on=date(2025, 3, 21))
    assert (again.value.rule_id, again.value.field) == ("JY-22", "systems") and ledger.event_count() == before
    service.push_upward(JY_CREDIT, list_entry_id=entry, pushed_on=date(2025, 3, 24), systems=["wuxi-city"])
    assert service.upward_pushes_pending() == []
    assert service.list_entry(entry).pushed_to() == {"jiangsu-province", "wuxi-city"}


@pytest.mark.parametrize("period", ["0000-01", "2024-13", "2024-1", "24-01", None])
def test_nt_pci_17_period_that_is_not_a_calendar_month_is_refused_naming_the_field(period: object) -> None:
    """A reporting month outside the calendar is a refusal (never a crash)."""
    with pytest.raises(RuleViolation) as raised:
        period_start(period, "NT-PCI-17")
    assert (raised.value.rule_id, raised.value.field) == ("NT-PCI-17", "period")


def test_nt_pci_17_roster_unit_without_a_report_or_zero_report_is_overdue(service, clock) -> None:
    """NT-PCI-17 (zero reports, NT-JRP-2): every roster unit reports each month; silence is overdue."""
    roster = service.profiles["NT"].reporting["list_entries"].roster
    assert set(roster) == {"nt-tax-bureau", "nt-hrss", "nt-discipline-supervision"}
    clock.day = date(2025, 9, 2)
    # 2025-06 was due 2025-07-31 and 2025-07 on 2025-08-31; 2025-08 is due 2025-09-30, not yet late
    on_due_day = service.reports_due(date(2025, 8, 31), since="2025-06")
    assert {(r["unit"], r["period"]) for r in on_due_day} == {(u, "2025-06") for u in roster}
    due = service.reports_due(date(2025, 9, 1), since="2025-06")
    assert {(r["unit"], r["period"]) for r in due} == {(u, p) for u in roster for p in ("2025-06", "2025-07")}
    assert all(r["list_entry_ids"] == [] and r["rule_id"] == "NT-PCI-17" for r in due)
    service.report_list_entries(TAX, profile_id="NT", period="2025-06", list_entry_ids=[], reported_on=date(2025, 9, 2))
    after = {(r["unit"], r["period"]) for r in service.reports_due(date(2025, 9, 2), since="2025-06")}
    assert ("nt-tax-bureau", "2025-06") not in after and ("nt-tax-bureau", "2025-07") in after and len(after) == 5
    # by default the roster counts from the month the profile was published in this ledger (transaction time)
    assert service.reports_due(date(2025, 9, 2)) == []
