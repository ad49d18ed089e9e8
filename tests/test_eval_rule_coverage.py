"""Issue 15 item 7: NT-GOV-4.1 (the yearly evaluation) and NT-JRP-Q (the quarterly circular) are cited by tests."""

from __future__ import annotations

from test_rule_coverage import TESTS, cited


def test_nt_gov_4_1_and_nt_jrp_q_are_cited_by_a_test() -> None:
    sources = "\n".join(p.read_text("utf-8") for p in sorted(TESTS.rglob("*.py"))
                        if p.name not in ("test_rule_coverage.py", "test_gov_rule_coverage.py",
                                          "test_eval_rule_coverage.py"))
    assert [i for i in ("NT-GOV-4.1", "NT-JRP-Q") if not cited(i, sources)] == []
