"""Policy profiles: data per regulation, hashed and versioned (NT-PCI-30, LYG-13b, HA-4.2, LYG-21)."""

from __future__ import annotations

import os

import copy
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from domain.deadlines import DayKind
from domain.errors import RuleViolation
from domain.policy import PROFILE_IDS, PolicyProfile, PolicyRef, load_all, load_profile

PROFILES = load_all()
RULES_MD = Path(__file__).resolve().parents[2] / "shared" / "domain" / "RULES.md"
DOMAIN = Path(__file__).resolve().parents[1] / "domain"
# A rule id as cited in code, comments and profiles: LYG-9, JY-6.1, LYG-13b, NT-PCI-31..33, CS-2.4..2.7.
CITED_ID = re.compile(r"\b(?:LYG|HA|NT-PCI|NT-JRP|NT-GOV|JY|CS)-\d+[a-z]?(?:\.\d+[a-z]?)*(?:\.\.\d+(?:\.\d+)?)?")
EFFECTIVE = {"LYG": "2018-03-26", "HA": "2021-06-28", "NT": "2018-06-26", "JY": "2018-06-22", "CS": "2018-08-21"}


def number_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every integer leaf of the content (booleans excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from number_paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from number_paths(value, path + (index,))
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path


def tables(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every table of the content with its dotted path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from tables(value, f"{path}.{key}")


def cited_rule_ids(content: dict[str, Any]) -> set[str]:
    """Every rule id the content cites (rule_id, *_rule_id, rule_ids)."""
    cited: set[str] = set()
    for _, table in tables(content):
        for key, value in table.items():
            if key.endswith("rule_id") and value:
                cited.add(value)
            elif key == "rule_ids":
                cited.update(value)
    return cited


def rules_md_ids(text: str) -> set[str]:
    """Rule ids in the first column of RULES.md tables, ranges and shared prefixes expanded."""
    ids: set[str] = set()
    for cell in re.findall(r"^\| ([A-Z][^|]*?) \|", text, re.M):
        prefix = ""
        for part in (p.strip() for p in cell.split(",")):
            match = re.fullmatch(r"([A-Z]+(?:-[A-Z]+)?)-(.+)", part)
            prefix, number = match.groups() if match else (prefix, part)
            if ".." in number:
                low, high = number.split("..")
                ids.update(f"{prefix}-{n}" for n in range(int(low), int(high) + 1))
            else:
                ids.add(f"{prefix}-{number}")
    return ids


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_profile_loads_with_its_seed_and_effective_date(profile_id: str) -> None:
    profile = load_profile(profile_id.lower())
    assert (profile.id, profile.version) == (profile_id, 1)
    assert profile.effective_date == date.fromisoformat(EFFECTIVE[profile_id])
    assert profile.source.endswith(".txt") and profile.units and profile.tiers and profile.disclosure_classes


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_content_hash_is_stable_and_canonical(profile_id: str) -> None:
    profile = PROFILES[profile_id]
    canonical = json.dumps(profile.to_content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert profile.content_hash() == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert load_profile(profile_id).content_hash() == profile.content_hash()
    assert profile.ref() == PolicyRef(profile_id, 1, profile.content_hash())


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_round_trip_from_content_to_content(profile_id: str) -> None:
    profile = PROFILES[profile_id]
    again = PolicyProfile.from_content(profile.to_content())
    assert again == profile and again.to_content() == profile.to_content()
    assert again.tiers == profile.tiers and again.measures == profile.measures and again.repair == profile.repair
    raw = tomllib.loads(files("domain").joinpath("profiles", f"{profile_id.lower()}.toml").read_text("utf-8"))
    assert profile.to_content() == raw


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_content_hash_changes_when_any_number_changes(profile_id: str) -> None:
    profile = PROFILES[profile_id]
    paths = list(number_paths(profile.to_content()))
    assert paths
    for path in paths:
        content = copy.deepcopy(profile.to_content())
        node = content
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] += 1
        assert PolicyProfile.from_content(content).content_hash() != profile.content_hash(), path


def test_content_hash_changes_when_a_text_changes() -> None:
    content = PROFILES["CS"].to_content()
    content["measures"]["CS-M-07"]["name_en"] += "."
    assert PolicyProfile.from_content(content).content_hash() != PROFILES["CS"].content_hash()


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_every_number_in_a_profile_is_cited_by_a_rule_id(profile_id: str) -> None:
    for path, table in tables(PROFILES[profile_id].to_content()):
        numbers = [k for k, v in table.items() if isinstance(v, int) and not isinstance(v, bool) and path]
        if numbers:
            assert any(k.endswith(("rule_id", "rule_ids")) for k in table), f"{profile_id}{path}: {numbers}"


@pytest.mark.skipif(not RULES_MD.exists() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
                    reason="../shared is absent (on CI it must be present)")
def test_every_cited_rule_id_is_in_rules_md() -> None:
    known = rules_md_ids(RULES_MD.read_text("utf-8"))
    for profile in PROFILES.values():
        unknown = cited_rule_ids(profile.to_content()) - known
        assert not unknown, f"{profile.id}: {sorted(unknown)}"


def resolves(cited: str, known: set[str]) -> bool:
    """A cited id is a RULES.md id, a family of them (JY-6 for JY-6.1/6.2), an item of one (LYG-9.1 of LYG-9,
    a behaviour code) or a range whose ends are ids (NT-PCI-31..33)."""
    if ".." in cited:
        low, high = cited.split("..")
        prefix = low[: len(low) - len(low.rsplit("-", 1)[1])] if "." not in high else low.rsplit("-", 1)[0] + "-"
        return resolves(low, known) and resolves(prefix + high, known)
    if cited in known or any(k.startswith(cited + ".") for k in known):
        return True
    parent = cited
    while "." in parent.rsplit("-", 1)[1]:
        parent = parent.rsplit(".", 1)[0]
        if parent in known:
            return True
    return False


def test_resolves_accepts_ids_families_items_and_ranges_only() -> None:
    known = {"NT-PCI-31", "NT-PCI-32", "NT-PCI-33", "JY-6.1", "CS-2.4", "CS-2.7", "LYG-9"}
    assert all(resolves(c, known) for c in ("NT-PCI-31..33", "JY-6", "LYG-9.1", "CS-2.4..2.7", "JY-6.1"))
    assert not any(resolves(c, known) for c in ("NT-PCI-28", "NT-PCI-31..34", "JY-7", "LYG-10.1", "CS-2.4..2.8"))


@pytest.mark.skipif(not RULES_MD.exists() and os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
                    reason="../shared is absent (on CI it must be present)")
def test_every_rule_id_cited_in_domain_code_comments_and_profiles_is_in_rules_md() -> None:
    known = rules_md_ids(RULES_MD.read_text("utf-8"))
    sources = sorted(p for p in DOMAIN.rglob("*") if p.suffix in (".py", ".toml"))
    assert len(sources) > 30
    unknown = {f"{path.relative_to(DOMAIN)}: {cited}" for path in sources
               for cited in CITED_ID.findall(path.read_text("utf-8")) if not resolves(cited, known)}
    assert not unknown, sorted(unknown)


@pytest.mark.parametrize(
    ("profile_id", "tier", "determined", "end"),
    [
        ("NT", "general", date(2024, 3, 1), date(2025, 3, 1)),
        ("NT", "serious", date(2024, 3, 1), date(2027, 3, 1)),
        ("NT", "serious", date(2024, 2, 29), date(2027, 2, 28)),
        ("LYG", "serious", date(2019, 5, 6), date(2024, 5, 6)),
    ],
)
def test_nt_pci_30_lyg_13b_validity_end(profile_id: str, tier: str, determined: date, end: date) -> None:
    profile = PROFILES[profile_id]
    assert profile.validity_end(determined, tier) == end
    assert profile.in_force_on(determined, tier, end)
    assert not profile.in_force_on(determined, tier, date.fromordinal(end.toordinal() + 1))


@pytest.mark.parametrize(
    ("profile_id", "tier"),
    [("LYG", "general"), ("LYG", "more_serious"), ("HA", "serious"), ("JY", "serious"), ("CS", "serious")],
)
def test_nt_pci_30_tiers_without_a_validity_period_refuse_rather_than_guess(profile_id: str, tier: str) -> None:
    profile = PROFILES[profile_id]
    assert not profile.tier(tier).has_validity
    with pytest.raises(RuleViolation) as refused:
        profile.validity_end(date(2022, 1, 1), tier)
    assert refused.value.rule_id == "NT-PCI-30"
    assert profile.in_force_on(date(2022, 1, 1), tier, date(2099, 1, 1))


def test_nt_pci_15_unknown_tier_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        PROFILES["NT"].tier("more_serious")
    assert (refused.value.rule_id, refused.value.field) == ("NT-PCI-15", "severity")


def test_lyg_7_behaviour_fixes_its_tier() -> None:
    behaviour = PROFILES["LYG"].behaviour("LYG-9.2")
    assert behaviour.tier == "more_serious"
    with pytest.raises(RuleViolation) as refused:
        behaviour.check_tier("serious")
    assert refused.value.rule_id == "LYG-9"
    PROFILES["NT"].behaviour("NT-PCI-12.9").check_tier("serious")  # NT-PCI-15: tier set per sector standard
    with pytest.raises(RuleViolation, match="not in the LYG v1 catalog"):
        PROFILES["LYG"].behaviour("LYG-8.1")


@pytest.mark.parametrize(("profile_id", "measure_id"), [("NT", "CS-M-01"), ("HA", "HA-M-01"), ("CS", "CS-M-99")])
def test_ha_4_2_measure_outside_the_list_is_refused(profile_id: str, measure_id: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        PROFILES[profile_id].measure(measure_id)
    assert refused.value.to_dict() == {
        "rule": "HA-4.2",
        "field": "measure_id",
        "message": f"measure {measure_id} is not on the {profile_id} measure list v1",
    }


def test_cs_2_5_eleven_departments_apply_measures_to_serious_subjects() -> None:
    cs = PROFILES["CS"]
    measures = cs.measures_for("serious")
    assert len({m.unit for m in measures}) == 11
    assert cs.measure("CS-M-07").unit == "cs-hrss"
    assert all(m.unit in cs.units and m.rule_id == "CS-2.5" for m in measures)


def test_lyg_10_and_13a_measures_by_tier() -> None:
    lyg = PROFILES["LYG"]
    assert [m.id for m in lyg.measures_for("more_serious")] == [f"LYG-M-10.{n}" for n in range(1, 6)]
    assert [m.id for m in lyg.measures_for("black")] == [f"LYG-M-13a.{n}" for n in range(1, 11)]
    assert lyg.measures_for("general") == []


def test_lyg_21_acts_before_the_effective_date_are_refused() -> None:
    for profile in PROFILES.values():
        profile.check_act_date(profile.effective_date)
        with pytest.raises(RuleViolation) as refused:
            profile.check_act_date(date.fromordinal(profile.effective_date.toordinal() - 1))
        assert (refused.value.rule_id, refused.value.field) == ("LYG-21", "act_date")


def test_lyg_6_minimum_age() -> None:
    PROFILES["LYG"].check_age(18)
    with pytest.raises(RuleViolation) as refused:
        PROFILES["LYG"].check_age(17)
    assert refused.value.rule_id == "LYG-6"
    PROFILES["NT"].check_age(15)  # HA-4.2 leniency is a judgement, not an age bar


def test_deadlines_carry_days_kind_and_rule() -> None:
    assert PROFILES["LYG"].deadline("objection_answer").kind is DayKind.NATURAL
    assert PROFILES["HA"].deadline("prior_notice_answer").compute(date(2025, 1, 27)).due == date(2025, 2, 17)
    nt = PROFILES["NT"]
    assert [nt.deadline(n).days for n in ("objection_review", "provider_verification", "correction")] == [10, 5, 3]
    assert nt.deadline(nt.repair.publicity_deadline or "").rule_id == "NT-PCI-35"
    assert PROFILES["JY"].find_deadline("objection_review") is None
    with pytest.raises(RuleViolation) as refused:
        PROFILES["LYG"].deadline("repair_publicity")
    assert refused.value.rule_id == "NT-PCI-35"


def test_nt_pci_34_repair_conditions() -> None:
    repair = PROFILES["NT"].repair
    assert repair.correction_required and repair.commitment_required
    assert repair.clean_period_end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert PROFILES["LYG"].repair.automatic_on_expiry and PROFILES["LYG"].repair.automatic_rule_id == "LYG-18"
    assert PROFILES["HA"].repair.free_of_charge


def test_nt_jrp_3_lists() -> None:
    nt = PROFILES["NT"]
    assert nt.list_rule("big_data_warning").threshold_fields == 3
    assert nt.list_rule("key_attention").escalates_to == "black"
    with pytest.raises(RuleViolation) as refused:
        PROFILES["LYG"].list_rule("red")
    assert refused.value.rule_id == "JY-4"


def test_ha_2_3_black_list_fields_may_not_be_widened() -> None:
    black = PROFILES["HA"].list_rule("black")
    assert black.prior_notice and black.decision_document
    black.check_field("national_defence")
    with pytest.raises(RuleViolation) as refused:
        black.check_field("false_documents_public_funds")
    assert refused.value.rule_id == "HA-2.3"


def test_jy_6_red_and_black_cross_checks() -> None:
    jy = PROFILES["JY"]
    assert jy.list_rule("red").excludes == ("black",)
    assert jy.list_rule("black").removes_from == ("red",)
    assert jy.list_rule("black").monitoring_after_exit


def test_cs_2_2_points_grading_is_refused_without_ranges() -> None:
    cs = PROFILES["CS"]
    assert [g.code for g in cs.points_grades if g.triggers_sanctions] == ["serious"]
    with pytest.raises(RuleViolation) as refused:
        cs.grade_for(12)
    assert refused.value.rule_id == "CS-2.2" and "常熟市城市管理失信行为管理办法" in refused.value.message


def test_nt_pci_19_default_disclosure_per_tier() -> None:
    assert PROFILES["LYG"].tier("serious").public and not PROFILES["LYG"].tier("general").public
    assert set(PROFILES["NT"].disclosure_classes) == {"public", "government_shared", "authorised_query"}


def test_inconsistent_content_is_refused() -> None:
    content = PROFILES["CS"].to_content()
    content["measures"]["CS-M-01"]["unit"] = "cs-nowhere"
    with pytest.raises(ValueError, match="unit cs-nowhere"):
        PolicyProfile.from_content(content)
    content = PROFILES["NT"].to_content()
    content["deadlines"]["objection_review"]["kind"] = "lunar"
    with pytest.raises(ValueError):
        PolicyProfile.from_content(content)


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_jy_5_every_profile_names_its_credit_office(profile_id: str) -> None:
    profile = PROFILES[profile_id]
    assert profile.role_unit("credit_office") in profile.units
    with pytest.raises(RuleViolation) as refused:
        profile.role_unit("court")
    assert refused.value.rule_id == "JY-5"


@pytest.mark.parametrize(("section", "key"), [(None, "validity"), ("tiers.general", "validity_year"), ("points", "grade")])
def test_unknown_keys_are_refused_not_ignored(section: str | None, key: str) -> None:
    content = PROFILES["NT"].to_content()
    node = content
    for part in section.split(".") if section else []:
        node = node.setdefault(part, {})
    node[key] = 1
    with pytest.raises(ValueError, match="unknown keys"):
        PolicyProfile.from_content(content)


def test_policy_is_split_into_modules_and_re_exports_them() -> None:
    from domain import policy, policy_content, policy_loading, policy_model, policy_profile

    assert policy.PolicyProfile is policy_profile.PolicyProfile and policy.load_all is policy_loading.load_all
    assert policy.ListRule is policy_model.ListRule and policy.canonical_json is policy_content.canonical_json
    assert set(policy.__all__) <= set(dir(policy))
    for module in (policy, policy_content, policy_loading, policy_model, policy_profile):
        assert module.__file__ is not None and len(Path(module.__file__).read_text("utf-8").splitlines()) < 250


def test_ha_4_1_serious_lists_are_decided_at_county_level_or_above() -> None:
    ha = PROFILES["HA"]
    assert ha.list_rule("black").determining_level == "county"
    ha.check_level("ha-market-supervision", "county")  # a city bureau
    ha.check_level("ha-relevant-departments", "county")
    content = ha.to_content()
    content["units"]["ha-town"] = {"name_zh": "某镇政府", "name_en": "A township government", "level": "township"}
    township = PolicyProfile.from_content(content)
    for unit in ("ha-town", "unknown-unit"):
        with pytest.raises(RuleViolation) as refused:
            township.check_level(unit, "county")
        assert (refused.value.rule_id, refused.value.field) == ("HA-4.1", "actor")
    content["units"]["ha-town"]["level"] = "village-ish"
    with pytest.raises(ValueError, match="unit ha-town: level village-ish"):
        PolicyProfile.from_content(content)


def test_jy_5_third_parties_give_reference_information_only() -> None:
    for profile_id, unit in (("JY", "jy-financial-institutions"), ("JY", "jy-industry-associations"),
                             ("NT", "nt-financial-institutions")):
        with pytest.raises(RuleViolation) as refused:
            PROFILES[profile_id].check_determining_unit(unit)
        assert (refused.value.rule_id, refused.value.field) == ("JY-5", "actor")
    PROFILES["JY"].check_determining_unit("jy-relevant-departments")
    with pytest.raises(RuleViolation) as unknown:  # unit scope: a unit the profile does not name
        PROFILES["JY"].check_determining_unit("a-unit-the-profile-does-not-name")
    assert (unknown.value.rule_id, unknown.value.field) == ("JY-5", "actor")


def test_nt_pci_17_and_jy_22_reporting_rules() -> None:
    lists = PROFILES["NT"].reporting["list_entries"]
    assert (lists.lists, lists.deadline, lists.zero_report) == (("black", "red"), "list_report", True)
    assert PROFILES["NT"].deadline("list_report").compute(date(2024, 2, 1)).due == date(2024, 3, 31)
    upward = PROFILES["JY"].reporting["upward_push"]
    assert (upward.rule_id, upward.lists, upward.targets) == ("JY-22", ("black",), ("jiangsu-province", "wuxi-city"))
    content = PROFILES["NT"].to_content()
    content["reporting"]["list_entries"]["lists"] = ["grey"]
    with pytest.raises(ValueError, match="reporting list_entries: list grey"):
        PolicyProfile.from_content(content)


def test_role_units_skip_roles_a_profile_does_not_name() -> None:
    assert PROFILES["CS"].role_units("collector", "aggregator") == ("cs-enforcement-bureaus",
                                                                    "cs-urban-management-office")
    assert PROFILES["LYG"].role_units("petition_department") == ("lyg-petition-bureau",)
    assert PROFILES["NT"].role_units("petition_department", "collector") == ()
