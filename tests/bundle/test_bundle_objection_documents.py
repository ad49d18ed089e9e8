"""NT-PCI-31: the court report states the documents an objection rests on (title, number, issuer, date); an
objection filed without them states none."""

from __future__ import annotations

from datetime import date

from ledger.bundle.describe import content
from ledger.bundle.names import Names

FILED = {"grounds": "wrong_or_incomplete", "statement": "处罚决定已被撤销", "filed_on": date(2025, 6, 16)}
COURT = {"title": "行政判决书", "number": "(2025)苏06行终12号", "date": date(2025, 6, 12), "issuer": "南通市中级人民法院"}
RECEIPT = {"title": "税款缴纳凭证", "number": "苏税缴〔2025〕42号", "date": date(2025, 5, 20), "issuer": "南通市税务局"}


def test_nt_pci_31_the_report_lists_every_supporting_document() -> None:
    said = dict(content({**FILED, "documents": [COURT, RECEIPT]}, Names()))
    assert said["证明材料 Supporting documents"] == (
        "行政判决书，(2025)苏06行终12号，南通市中级人民法院，2025-06-12；"
        "税款缴纳凭证，苏税缴〔2025〕42号，南通市税务局，2025-05-20")


def test_an_objection_without_documents_states_none() -> None:
    for event in (FILED, {**FILED, "documents": None}, {**FILED, "documents": []}):
        assert "证明材料 Supporting documents" not in dict(content(event, Names()))
