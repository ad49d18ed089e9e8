"""Every NT-GOV id of RULES.md section 10a that issue 15 items 1-6 implement is cited by a test."""

from __future__ import annotations

import re

from test_rule_coverage import RULES_MD, TESTS, cited

# NT-GOV-4.1 (the yearly evaluation) and NT-JRP-Q (the quarterly circular) are issue 15 item 7.
LATER = ("NT-GOV-4.1", "NT-JRP-Q")


def section_10a_ids(text: str) -> list[str]:
    """The ids of section 10a's table ('NT-GOV-3.1, 3.3' names two)."""
    section = text.split("## 10a.", 1)[1].split("\n## ", 1)[0]
    ids: list[str] = []
    for cell in re.findall(r"^\| ([A-Z][^|]*?) \|", section, re.M):
        prefix = ""
        for part in (p.strip() for p in cell.split(",")):
            match = re.fullmatch(r"([A-Z]+-[A-Z]+)-(.+)", part)
            prefix, number = match.groups() if match else (prefix, part)
            ids.append(f"{prefix}-{number}")
    return ids


def test_every_nt_gov_id_of_items_1_to_6_is_cited_by_a_test() -> None:
    ids = section_10a_ids(RULES_MD.read_text("utf-8"))
    assert {"NT-GOV-2.2a", "NT-GOV-2.2d", "NT-GOV-3.1", "NT-GOV-3.3", "NT-JRP-Q"} <= set(ids)
    sources = "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py"))
                        if p.name not in ("test_rule_coverage.py", "test_gov_rule_coverage.py"))
    missing = [i for i in ids if i not in LATER and not cited(i, sources)]
    assert not missing, f"NT-GOV ids no test cites: {missing}"
