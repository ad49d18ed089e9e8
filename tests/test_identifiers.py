"""Resident ID numbers (GB 11643) and credit codes (GB 32100): NT-PCI-15/18, LYG-6, HA-3.2."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.identifiers import (
    USCC_CHARSET,
    CreditCode,
    ResidentId,
    mask_name,
    synthetic_credit_code,
    synthetic_resident_id,
)

try:  # tests/ on sys.path (rootdir import) or the repository root (tests as a package)
    from strategies import credit_codes, resident_ids
except ImportError:  # pragma: no cover
    from tests.strategies import credit_codes, resident_ids

ID_CHARS = "0123456789X"


@given(resident_ids())
def test_nt_pci_15_generated_resident_ids_parse(number: str) -> None:
    parsed = ResidentId.parse(number)
    assert parsed.number == number
    assert parsed.birth_date.strftime("%Y%m%d") == number[6:14]
    assert parsed.sex == ("M" if int(number[16]) % 2 else "F")


@given(resident_ids(), st.integers(0, 17), st.sampled_from(ID_CHARS))
def test_nt_pci_15_any_single_character_change_is_rejected(number: str, position: int, char: str) -> None:
    if number[position] == char:
        return
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(RuleViolation) as refused:
        ResidentId.parse(changed)
    assert refused.value.rule_id == "NT-PCI-15"
    assert refused.value.field == "id_number"


def test_nt_pci_15_known_answer_gb_11643_example() -> None:
    parsed = ResidentId.parse(" 11010519491231002x ")
    assert parsed == ResidentId("11010519491231002X", date(1949, 12, 31), "F")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("11010519491231002", "resident ID number must have 18 characters, got 17"),
        ("1101051949123100A2", "character 17 is 'A', expected a digit"),
        ("11010519490231002X", "birth date 19490231 is not a valid date"),
        ("110105194912310025", "check character is 5, expected X"),
        ("990105194912310025", "province code 99 does not exist (GB/T 2260)"),
    ],
)
def test_nt_pci_15_refusals_say_exactly_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        ResidentId.parse(text, field="legal_representative.id_number")
    assert (refused.value.rule_id, refused.value.field, refused.value.message) == (
        "NT-PCI-15",
        "legal_representative.id_number",
        message,
    )


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2000, 3, 1), date(2018, 2, 28), 17),
        (date(2000, 3, 1), date(2018, 3, 1), 18),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
        (date(2004, 2, 29), date(2024, 2, 29), 20),
    ],
)
def test_lyg_6_age_in_full_years(born: date, day: date, age: int) -> None:
    number = synthetic_resident_id(random.Random(1), born)
    assert ResidentId.parse(number).age_on(day) == age


@given(resident_ids(), st.integers(0, 90))
def test_lyg_6_age_on_birthdays_and_the_day_before(number: str, years: int) -> None:
    parsed = ResidentId.parse(number)
    born = parsed.birth_date
    if (born.month, born.day) == (2, 29):
        return
    birthday = born.replace(year=born.year + years)
    assert parsed.age_on(birthday) == years
    assert parsed.age_on(date.fromordinal(birthday.toordinal() - 1)) == years - 1


@given(resident_ids())
def test_ha_3_2_masked_id_keeps_first_3_and_last_4(number: str) -> None:
    masked = ResidentId.parse(number).masked()
    assert len(masked) == 18
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert masked[3:14] == "*" * 11


@given(credit_codes())
def test_nt_pci_18_generated_credit_codes_parse(code: str) -> None:
    assert CreditCode.parse(code.lower()).code == code


@pytest.mark.parametrize("code", ["914403001922038216", "91440300708461136T", "91330100716105852F"])
def test_nt_pci_18_known_answer_real_codes(code: str) -> None:
    assert CreditCode.parse(code).code == code


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_CHARSET + "IOZSV"))
def test_nt_pci_18_any_single_character_change_is_rejected(code: str, position: int, char: str) -> None:
    if code[position] == char:
        return
    with pytest.raises(RuleViolation) as refused:
        CreditCode.parse(code[:position] + char + code[position + 1 :])
    assert (refused.value.rule_id, refused.value.field) == ("NT-PCI-18", "uscc")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("91440300708461136", "unified social credit code must have 18 characters, got 17"),
        ("914403007084611I6T", "character 16 is 'I', not in the GB 32100 set"),
        ("9144A300708461136T", "area code 44A300 (characters 3-8) must be digits"),
        ("91440300708461136A", "check character is A, expected T"),
    ],
)
def test_nt_pci_18_refusals_say_exactly_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        CreditCode.parse(text)
    assert refused.value.message == message


@given(credit_codes())
def test_ha_3_2_masked_credit_code_hides_characters_9_to_14(code: str) -> None:
    masked = CreditCode(code).masked()
    assert masked == code[:8] + "******" + code[-4:]


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), (" 李四 ", "李*"), ("王", "*")])
def test_ha_3_2_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@given(st.text(min_size=2, max_size=12).map(str.strip).filter(lambda s: len(s) >= 2))
def test_ha_3_2_mask_name_keeps_only_the_first_character(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name) and masked[0] == name[0] and set(masked[1:]) == {"*"}


def test_synthetic_identifiers_are_deterministic() -> None:
    assert synthetic_resident_id(random.Random(7)) == synthetic_resident_id(random.Random(7))
    assert synthetic_credit_code(random.Random(7)) == synthetic_credit_code(random.Random(7))
    CreditCode.parse(synthetic_credit_code(random.Random(7)))
