"""Forbidden data (NT-PCI-14) and the personal fields a person's record may hold (LYG-5)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.privacy import (
    ALLOWED_PERSON_FIELDS,
    BENIGN_PHRASES,
    FORBIDDEN_CATEGORIES,
    check_no_forbidden_data,
    check_person_fields,
    find_forbidden,
)


@pytest.mark.parametrize(
    ("fields", "field", "category"),
    [
        ({"religion": "佛教"}, "religion", "religion"),
        ({"blood_type": "A"}, "blood_type", "blood_type"),
        ({"Genetic-Test": "done"}, "Genetic-Test", "genes"),
        ({"note": "该人宗教信仰为某教"}, "note", "religion"),
        ({"note": "患有糖尿病"}, "note", "illness"),
        ({"remarks": "既往病史：高血压"}, "remarks", "medical_history"),
        ({"remarks": "his medical history is attached"}, "remarks", "medical_history"),
        ({"legal_basis": {"items": ["处罚决定书", "基因检测报告"]}}, "legal_basis.items[1]", "genes"),
        ({"subject": {"血型": "O"}}, "subject.血型", "blood_type"),
    ],
)
def test_nt_pci_14_forbidden_data_is_refused(fields: dict[str, object], field: str, category: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_no_forbidden_data(fields)
    assert (refused.value.rule_id, refused.value.field) == ("NT-PCI-14", field)
    assert next(c for c in FORBIDDEN_CATEGORIES if c.code == category).name_en in refused.value.message


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "张三", "address": "南通市崇川区", "telephone": "13800000000", "id_number": "11010519491231002X"},
        {"issuer": "常熟市疾病预防控制中心", "document_number": "常卫罚〔2024〕12号"},
        {"description": "acted in bad faith; general severity", "list_field": "health_life"},
        {"behaviour_code": "JY-4.1", "description": "严重危害人民群众身体健康和生命安全"},
        {"count": 3, "flags": [True, None]},
    ],
)
def test_nt_pci_14_ordinary_records_pass(fields: dict[str, object]) -> None:
    check_no_forbidden_data(fields)


ZH_KEYWORDS = [k for c in FORBIDDEN_CATEGORIES for k in c.keywords_zh]


@given(st.sampled_from(ZH_KEYWORDS), st.text(max_size=10), st.text(max_size=10))
def test_nt_pci_14_a_chinese_keyword_anywhere_in_a_text_is_found(keyword: str, before: str, after: str) -> None:
    text = before + keyword + after
    assume(not any(phrase in text for phrase in BENIGN_PHRASES))
    assert find_forbidden(text) is not None


def test_lyg_5_person_fields_are_limited_to_name_address_telephone_id() -> None:
    assert ALLOWED_PERSON_FIELDS == {"name", "address", "telephone", "id_number"}
    check_person_fields({"name": "张三", "id_number": "11010519491231002X"})
    with pytest.raises(RuleViolation) as refused:
        check_person_fields({"name": "张三", "ethnicity": "汉"})
    assert (refused.value.rule_id, refused.value.field) == ("LYG-5", "ethnicity")
