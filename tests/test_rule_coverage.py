"""Every rule id of RULES.md sections 1-10 is cited by a test, or is in the reviewed allow-list below (issue 14).

A test cites an id by naming it (`NT-PCI-30`) or by its test-name form (`nt_pci_30`) anywhere under tests/,
except in this file. Section 10a (NT-GOV government integrity, and NT-JRP-Q) is outside sections 1-10.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ledger_support.rule_ids import table_ids

TESTS = Path(__file__).resolve().parent
RULES_MD = TESTS.parent.parent / "shared" / "domain" / "RULES.md"

# Ids that state no rule the software enforces, each with the reason; reviewed with every change.
INFORMATIONAL = {
    "HA-3.1": "the information catalog is a document the credit department publishes; its machine form (the "
              "profiles' behaviour and information tables) is tested under NT-PCI-8 and NT-PCI-9",
}


def rule_ids(text: str) -> list[str]:
    """The ids of the tables of sections 1-10, expanded: 'NT-PCI-15, 18' → NT-PCI-15, NT-PCI-18; '9..13' → each."""
    return table_ids(re.split(r"^## 10a\.", text, flags=re.M)[0].split("## 1. ", 1)[1])


@cache
def _test_sources() -> str:
    """Every test file's text except this one."""
    return "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py")) if p.name != Path(__file__).name)


def cited(rule_id: str, text: str) -> bool:
    """Whether `text` names the id itself, or its test-name form (lower case, '-' and '.' as '_')."""
    literal = re.escape(rule_id) + r"(?![0-9A-Za-z]|\.[0-9])"
    snake = re.escape(re.sub(r"[-.]", "_", rule_id.lower())) + r"(?![0-9a-z]|_[0-9])"
    return bool(re.search(literal, text) or re.search(snake, text))


def test_rule_ids_parse_the_sections_one_to_ten() -> None:
    ids = rule_ids(RULES_MD.read_text("utf-8"))
    assert ids[:3] == ["LYG-4", "NT-PCI-4", "JY-5"] and ids[-1] == "JY-22"
    assert {"NT-PCI-15", "NT-PCI-18", "NT-PCI-9", "NT-PCI-13", "LYG-14", "LYG-15", "CS-2.4"} <= set(ids)
    assert not any(i.startswith("NT-GOV") for i in ids) and "NT-JRP-Q" not in ids
    assert len(ids) == len(set(ids)) > 60


def test_cited_matches_whole_ids_only() -> None:
    assert cited("NT-PCI-3", "see NT-PCI-3.") and cited("HA-4.1", "def test_ha_4_1_level()")
    assert not cited("NT-PCI-3", "NT-PCI-30") and not cited("LYG-13", "LYG-13b") and not cited("HA-4.1", "HA-4.12")
    assert not cited("LYG-9", "LYG-9.1 only") and not cited("JY-6", "test_jy_6_1")


def test_every_rule_id_is_cited_by_a_test_or_marked_informational() -> None:
    ids = rule_ids(RULES_MD.read_text("utf-8"))
    missing = [i for i in ids if i not in INFORMATIONAL and not cited(i, _test_sources())]
    assert not missing, f"RULES.md ids no test cites (add a test named after the rule, or a reviewed reason): {missing}"


def test_the_allow_list_is_small_reviewed_and_current() -> None:
    ids = rule_ids(RULES_MD.read_text("utf-8"))
    assert len(INFORMATIONAL) <= 8 and all(reason.strip() for reason in INFORMATIONAL.values())
    assert set(INFORMATIONAL) <= set(ids), "allow-listed ids must be RULES.md ids of sections 1-10"
    stale = [i for i in INFORMATIONAL if cited(i, _test_sources())]
    assert not stale, f"now cited by a test: remove from the allow-list {stale}"
