"""Each number or boundary a regulation sets, pinned by one test named after its rule id (issue 14 part 5).

The profiles are data: changing a number in domain/profiles/*.toml must fail exactly the test of its rule.
Each test reads the number from the profile and checks the boundary on both sides where there is one.
(NT-PCI-32/34/35, JY-6.1, JY-17, JY-21, NT-JRP-3/4/Q and CS-2.6/2.7 are pinned with their own features.)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.deadlines import DayKind
from domain.errors import RuleViolation
from domain.policy import load_all
from domain.subject import LINK_ROLES, ORGANISATION_FORMS

PROFILES = load_all()
DAY = timedelta(days=1)


def _refused(call: object, *args: object) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        call(*args)  # type: ignore[operator]
    return refused.value


def test_nt_pci_2_subjects_are_persons_legal_persons_and_unincorporated_organisations() -> None:
    assert ORGANISATION_FORMS == ("legal_person", "unincorporated")


def test_nt_pci_10_responsible_persons_and_senior_managers() -> None:
    assert LINK_ROLES == ("legal_representative", "principal", "directly_responsible_person", "senior_manager")


def test_nt_pci_12_ten_kinds_of_negative_information() -> None:
    kinds = [b for b in PROFILES["NT"].behaviours.values() if b.rule_id == "NT-PCI-12"]
    assert [b.code for b in kinds] == [f"NT-PCI-12.{n}" for n in range(1, 11)]
    assert {b.tier for b in kinds} == {None}  # NT-PCI-15: the degree is set per sector standard


def test_nt_pci_19_three_disclosure_classes_in_every_profile() -> None:
    for profile in PROFILES.values():
        assert tuple(profile.disclosure_classes) == ("public", "government_shared", "authorised_query")


def test_nt_pci_29_only_the_serious_tier_reaches_responsible_persons() -> None:
    reach = {(p.id, t.code): t.responsible_persons_rule_id for p in PROFILES.values() for t in p.tiers.values()
             if t.responsible_persons_rule_id}
    assert reach == {("NT", "serious"): "NT-PCI-29", ("JY", "serious"): "NT-PCI-29", ("CS", "serious"): "CS-2.1"}


def test_nt_pci_30_general_information_valid_one_year_from_determination() -> None:
    nt = PROFILES["NT"]
    assert nt.tier("general").validity_years == 1
    assert nt.in_force_on(date(2024, 3, 1), "general", date(2025, 3, 1))
    assert not nt.in_force_on(date(2024, 3, 1), "general", date(2025, 3, 2))


def test_nt_pci_30_serious_information_valid_three_years_from_determination() -> None:
    nt = PROFILES["NT"]
    assert nt.tier("serious").validity_years == 3
    assert nt.in_force_on(date(2024, 3, 1), "serious", date(2027, 3, 1))
    assert not nt.in_force_on(date(2024, 3, 1), "serious", date(2027, 3, 2))


def test_lyg_13b_petition_black_list_valid_five_years_and_public() -> None:
    lyg = PROFILES["LYG"]
    tier = lyg.tier(lyg.list_rule("black").tier or "")
    assert (tier.validity_years, tier.validity_rule_id, tier.disclosure) == (5, "LYG-13b", "public")
    assert lyg.validity_end(date(2019, 9, 10), tier.code) == date(2024, 9, 10)


def test_lyg_6_under_eighteen_at_the_act_is_not_determined() -> None:
    lyg = PROFILES["LYG"]
    assert (lyg.minimum_age, lyg.minimum_age_rule_id) == (18, "LYG-6")
    lyg.check_age(18)
    assert _refused(lyg.check_age, 17).rule_id == "LYG-6"


def test_lyg_21_no_retroactivity_before_2018_03_26() -> None:
    lyg = PROFILES["LYG"]
    assert lyg.effective_date == date(2018, 3, 26)
    lyg.check_act_date(date(2018, 3, 26))
    assert _refused(lyg.check_act_date, date(2018, 3, 25)).rule_id == "LYG-21"


def test_lyg_7_seven_kinds_of_general_dishonesty() -> None:
    kinds = [b for b in PROFILES["LYG"].behaviours.values() if b.rule_id == "LYG-7"]
    assert [(b.code, b.tier) for b in kinds] == [(f"LYG-7.{n}", "general") for n in range(1, 8)]


def test_lyg_9_three_kinds_of_more_serious_dishonesty_the_first_after_a_reminder() -> None:
    kinds = [b for b in PROFILES["LYG"].behaviours.values() if b.rule_id == "LYG-9"]
    assert [(b.code, b.tier, b.after_contact) for b in kinds] == [
        ("LYG-9.1", "more_serious", True), ("LYG-9.2", "more_serious", False), ("LYG-9.3", "more_serious", False)]


def test_lyg_12_five_kinds_of_serious_dishonesty() -> None:
    kinds = [b for b in PROFILES["LYG"].behaviours.values() if b.rule_id == "LYG-12"]
    assert [(b.code, b.tier) for b in kinds] == [(f"LYG-12.{n}", "serious") for n in range(1, 6)]


def test_lyg_15_objection_answered_within_thirty_natural_days() -> None:
    rule = PROFILES["LYG"].deadline("objection_answer")
    assert (rule.days, rule.kind, rule.rule_id) == (30, DayKind.NATURAL, "LYG-15")
    assert rule.compute(date(2025, 1, 27)).due == date(2025, 2, 26)  # the Spring Festival counts too


def test_lyg_10_five_measures_for_more_serious_dishonesty() -> None:
    assert len(PROFILES["LYG"].measures_for("more_serious")) == 5


def test_lyg_13a_ten_measures_for_the_petition_black_list() -> None:
    assert len(PROFILES["LYG"].measures_for("black")) == 10


def test_ha_4_1_objection_to_a_prior_notice_answered_in_ten_working_days() -> None:
    rule = PROFILES["HA"].deadline("prior_notice_answer")
    assert (rule.days, rule.kind, rule.rule_id) == (10, DayKind.WORKING, "HA-4.1")
    assert rule.compute(date(2025, 1, 27)).due == date(2025, 2, 17)  # the Spring Festival holidays skipped


def test_ha_4_1_serious_entries_determined_at_county_level_or_above() -> None:
    ha = PROFILES["HA"]
    assert ha.list_rule("black").determining_level == ha.level_for_tier("serious") == "county"
    assert ha.level_for_tier("general") is None
    ha.check_level("ha-relevant-departments", "county")
    assert _refused(ha.check_level, "ha-township", "county").rule_id == "HA-4.1"


def test_ha_2_3_four_fields_of_the_serious_dishonesty_list() -> None:
    assert len(PROFILES["HA"].list_rule("black").allowed_fields) == 4


def test_jy_4_seven_fields_of_the_jiangyin_black_list() -> None:
    assert len(PROFILES["JY"].list_rule("black").allowed_fields) == 7


def test_nt_pci_17_new_entries_reported_within_the_following_month() -> None:
    nt = PROFILES["NT"]
    rule = nt.reporting["list_entries"]
    deadline = nt.deadline(rule.deadline or "")
    assert (rule.period, rule.zero_report, deadline.days, deadline.kind) == ("monthly", True, 1, DayKind.MONTH_END)
    assert deadline.compute(date(2024, 2, 1)).due == date(2024, 3, 31)
    assert set(rule.lists) == {"black", "red"} and len(rule.roster) == 3


def test_cs_2_2_the_serious_grade_triggers_joint_sanctions() -> None:
    [grade] = PROFILES["CS"].points_grades
    assert (grade.code, grade.tier, grade.triggers_sanctions) == ("serious", "serious", True)


def test_jy_22_serious_entries_pushed_to_province_and_wuxi() -> None:
    assert PROFILES["JY"].reporting["upward_push"].targets == ("jiangsu-province", "wuxi-city")


def test_ha_4_2_leniency_grounds_and_the_age_of_a_minor() -> None:
    leniency = PROFILES["HA"].leniency
    assert (leniency["minor_age"], tuple(leniency["grounds"])) == (
        18, ("minor", "force_majeure", "unintentional", "minor_act"))
    assert [p for p in PROFILES if PROFILES[p].leniency] == ["HA"]


def test_jy_16_every_measure_states_its_information_sharing_method() -> None:
    for profile in PROFILES.values():
        assert all(profile.sharing(m) for m in profile.measures.values()), profile.id
    assert PROFILES["JY"].sharing(PROFILES["JY"].measure("JY-M-11.1")).startswith("联合奖惩系统推送")
    content = PROFILES["JY"].to_content()
    del content["measure_sharing"]
    with pytest.raises(ValueError, match="no sharing method"):
        type(PROFILES["JY"]).from_content(content)


def test_lyg_16_only_lyg_sends_the_repair_decision_to_the_credit_office() -> None:
    assert [p for p in PROFILES if PROFILES[p].repair.decision_to_credit_office] == ["LYG"]


def test_jy_24_only_red_lists_are_reward_lists() -> None:
    rewards = {(p.id, r.code) for p in PROFILES.values() for r in p.lists.values() if r.reward}
    assert rewards == {("JY", "red"), ("NT", "red")}


def test_ha_2_2_legally_effective_documents_are_the_profiles_basis_types() -> None:
    expected = ("court_judgment", "arbitral_award", "administrative_penalty", "administrative_ruling",
                "other_statutory")
    assert {p: PROFILES[p].basis_types for p in PROFILES} == {p: expected for p in PROFILES}
    from domain.documents import legal_basis
    given = {"type": "notice", "number": "1号", "issuer": "某局", "date": date(2025, 1, 2)}
    refused = _refused(legal_basis, given, date(2025, 1, 3), ())
    assert (refused.rule_id, refused.field) == ("HA-2.2", "basis.type") and "names no" in refused.message
