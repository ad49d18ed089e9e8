"""Issue 15.8/15.9: the national profile (NAT-*), the publicity-period format and the versions over time."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from domain.deadlines import DayKind
from domain.errors import NotFound, RuleViolation
from domain.periods import add_months
from domain.policy import PolicyProfile, ProfileVersions, load_profile, load_versions
from domain.policy_loading import merge_version

PROFILES = Path(__file__).resolve().parent.parent / "domain" / "profiles"


@pytest.fixture(scope="module")
def nat() -> PolicyProfile:
    return load_profile("NAT")


def test_nat_2025_22_three_classes_with_minimum_and_maximum_periods(nat: PolicyProfile) -> None:
    periods = {t.code: (t.publicity_min_months, t.publicity_max_months, t.disclosure, t.publicity_rule_id)
               for t in nat.tiers.values()}
    assert periods == {"minor": (None, 3, "unpublished", "NAT-2025-22"),
                       "general": (3, 12, "public", "NAT-2025-22"),
                       "serious": (12, 36, "public", "NAT-2025-22")}
    assert not nat.tiers["minor"].public and nat.tiers["general"].public  # the not-published class


def test_nat_2025_22_publication_ends_at_the_maximum_and_repair_waits_for_the_minimum(nat: PolicyProfile) -> None:
    day = date(2026, 4, 30)
    assert nat.validity_end(day, "general") == date(2027, 4, 30)
    assert nat.validity_end(day, "serious") == date(2029, 4, 30)
    assert nat.validity_end(date(2026, 11, 30), "minor") == date(2027, 2, 28)  # Civil Code art. 202: month end
    assert nat.in_force_on(day, "general", date(2027, 4, 30)) and not nat.in_force_on(day, "general", date(2027, 5, 1))
    assert nat.minimum_publicity_end(day, "serious") == date(2027, 4, 30)
    with pytest.raises(RuleViolation) as refused:
        nat.check_minimum_publicity(day, "serious", date(2027, 4, 30))
    assert (refused.value.rule_id, refused.value.field) == ("NAT-2025-22", "applied_on")
    nat.check_minimum_publicity(day, "serious", date(2027, 5, 1))
    nat.check_minimum_publicity(day, "minor", day)  # minor: repair once the duties are performed, no minimum


def test_nat_2025_22_the_format_refuses_a_minimum_above_the_maximum(nat: PolicyProfile) -> None:
    content = nat.to_content()
    content["tiers"]["general"]["publicity_min_months"] = 13
    with pytest.raises(ValueError, match="publicity minimum above maximum"):
        PolicyProfile.from_content(content)
    content = nat.to_content()
    content["tiers"]["general"]["validity_years"] = 1
    with pytest.raises(ValueError, match="both a validity period and a maximum"):
        PolicyProfile.from_content(content)


def test_nat_2025_36_repair_conditions(nat: PolicyProfile) -> None:
    repair = nat.repair
    assert (repair.rule_id, repair.correction_required, repair.commitment_required) == ("NAT-2025-36", True, True)
    assert repair.clean_period_years is None and repair.publicity_deadline is None
    assert nat.effective_date == date(2026, 4, 1)  # Order No. 36: 自2026年4月1日起施行


def test_nat_22_dl_and_nat_apl_48_deadlines(nat: PolicyProfile) -> None:
    figures = {n: (r.days, r.kind, r.rule_id) for n, r in nat.deadlines.items()}
    assert figures == {"repair_feedback": (10, DayKind.WORKING, "NAT-22-DL"),
                       "repair_decision": (3, DayKind.WORKING, "NAT-22-DL"),
                       "withdrawal": (3, DayKind.NATURAL, "NAT-APL-48")}
    assert nat.deadline("withdrawal").compute(date(2026, 4, 30)).due == date(2026, 5, 3)


def test_every_number_of_the_national_tables_cites_its_text() -> None:
    """Each publicity period and deadline of nat.toml sits under a comment naming the text it comes from."""
    for name in ("nat.toml", "nt.v2.toml"):
        blocks = re.split(r"\n\s*\n", (PROFILES / name).read_text("utf-8"))  # a comment and its table
        for block in blocks:
            if re.search(r"^(publicity_m..?_months|days) = ", block, flags=re.M):
                assert re.search(r"国办发〔2025〕22号|第四十八条|NAT-22-DL", block), (name, block[:80])


def test_nat_22_dl_cites_the_state_council_plan_not_order_36() -> None:
    """NAT-22-DL (RULES.md appendix): the 10/3 working days are cited to 国办发〔2025〕22号, never to an article of
    Order No. 36."""
    for name in ("nat.toml", "nt.v2.toml"):
        blocks = re.split(r"\n\s*\n", (PROFILES / name).read_text("utf-8"))
        cited = [b for b in blocks if re.search(r'^rule_id = "NAT-22-DL"', b, flags=re.M)]
        comments = ["\n".join(line for line in b.splitlines() if line.startswith("#")) for b in cited]
        assert any(comments), name
        for comment in filter(None, comments):
            assert "国办发〔2025〕22号" in comment and "article not confirmed" not in comment, (name, comment)


def test_add_months_counts_to_the_corresponding_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_issue_15_9_one_choice_of_version_per_day() -> None:
    versions = load_versions("NT")
    v1, v2 = versions.versions
    assert (v1.version, v2.version, v2.effective_date) == (1, 2, date(2026, 4, 1))
    assert versions.on(date(2026, 3, 31)) is v1 and versions.on(date(2026, 4, 1)) is v2
    assert versions.on(date(2019, 1, 1)) is v1 and versions.version(2) is v2
    assert versions.periods() == [(v1, v1.effective_date, date(2026, 3, 31)), (v2, date(2026, 4, 1), None)]
    with pytest.raises(NotFound):
        versions.version(9)
    with pytest.raises(ValueError):
        ProfileVersions([v1, load_profile("LYG")])


def test_issue_15_9_nt_v2_keeps_nt_v1_and_adopts_the_national_tables() -> None:
    v1, v2 = load_versions("NT").versions
    nat = load_profile("NAT")
    assert v2.content_hash() != v1.content_hash() and v2.ref().version == 2
    assert set(v2.lists) == set(v1.lists) and set(v2.measures) == set(v1.measures) and v2.units == v1.units
    for code in ("minor", "general", "serious"):
        ours, national = v2.tiers[code], nat.tiers[code]
        assert (ours.publicity_min_months, ours.publicity_max_months) == (
            national.publicity_min_months, national.publicity_max_months)
    assert v2.repair.rule_id == "NAT-2025-36" and v1.repair.rule_id == "NT-PCI-34"
    assert v2.first_effective_date == v1.effective_date
    v2.check_act_date(date(2026, 3, 1))  # LYG-21 counts from the first version, not the adoption
    with pytest.raises(RuleViolation):
        v2.check_act_date(date(2018, 6, 25))
    assert merge_version({"effective_date": "2018-01-01", "tiers": {"a": {"x": 1}, "b": {"y": 2}}},
                         {"tiers": {"b": {"z": 3}}})["tiers"] == {"a": {"x": 1}, "b": {"z": 3}}
