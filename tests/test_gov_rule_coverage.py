"""Every id of RULES.md section 10a (NT-GOV, NT-JRP-Q) and of the national appendix (NAT-*) is cited by a test
(issue 15: 'every NT-GOV and NAT id has a test that fails when it is broken')."""

from __future__ import annotations

from ledger_support.rule_ids import table_ids
from test_rule_coverage import RULES_MD, TESTS, cited

COVERAGE_TESTS = ("test_rule_coverage.py", "test_gov_rule_coverage.py")


def later_ids(text: str) -> list[str]:
    """The ids of section 10a and of the appendix ('NT-GOV-3.1, 3.3' names two)."""
    return table_ids(text.split("## 10a.", 1)[1])


def test_every_nt_gov_and_nat_id_is_cited_by_a_test() -> None:
    ids = later_ids(RULES_MD.read_text("utf-8"))
    assert {"NT-GOV-2.2a", "NT-GOV-2.2d", "NT-GOV-3.1", "NT-GOV-3.3", "NT-GOV-4.1", "NT-JRP-Q",
            "NAT-2025-22", "NAT-2025-36", "NAT-22-DL", "NAT-APL-48"} <= set(ids)
    sources = "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py")) if p.name not in COVERAGE_TESTS)
    missing = [i for i in ids if not cited(i, sources)]
    assert not missing, f"section 10a and appendix ids no test cites: {missing}"
