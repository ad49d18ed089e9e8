"""Subject identifiers: resident ID numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import RuleViolation

# GB 11643 / ISO 7064 MOD 11-2: weight of position i is 2**(17 - i) mod 11; check value -> character.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes (first two digits of a resident ID number).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83 91".split()
)
# GB 32100: 31-character set (no I, O, Z, S, V), weights of positions 1..17, modulus 31.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation-code weights (positions 9..16 of a USCC), used for realistic demo codes.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Real Jiangsu county-level area codes: Nantong, Lianyungang, Huai'an, Jiangyin, Changshu, Haimen.
JIANGSU_AREAS = ("320601", "320701", "320803", "320281", "320581", "320612")
MASK = "*"


def _id_check_char(body: str) -> str:
    """GB 11643 check character of the first 17 digits (NT-PCI-15)."""
    return _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11]


def _parse_birth_date(digits: str, field: str) -> date:
    """Birth date YYYYMMDD at positions 7-14 of a resident ID number (NT-PCI-15)."""
    try:
        born = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise RuleViolation("NT-PCI-15", field, f"birth date {digits} is not a valid date") from None
    if born.year < 1900:
        raise RuleViolation("NT-PCI-15", field, f"birth year {born.year} is before 1900")
    return born


@dataclass(frozen=True)
class ResidentId:
    """An 18-character resident ID number with its birth date and sex (NT-PCI-15, GB 11643)."""

    number: str
    birth_date: date
    sex: str  # "M" or "F" (odd / even 17th digit)

    @classmethod
    def parse(cls, text: str, field: str = "id_number") -> ResidentId:
        """Validate length, digits, province, birth date and check character; refuse with NT-PCI-15."""
        number = text.strip().upper()
        if len(number) != 18:
            raise RuleViolation("NT-PCI-15", field, f"resident ID number must have 18 characters, got {len(number)}")
        body, check = number[:17], number[17]
        for position, char in enumerate(body, start=1):
            if not char.isascii() or not char.isdigit():
                raise RuleViolation("NT-PCI-15", field, f"character {position} is {char!r}, expected a digit")
        if check not in "0123456789X":
            raise RuleViolation("NT-PCI-15", field, f"check character is {check!r}, expected a digit or X")
        if body[:2] not in _PROVINCES:
            raise RuleViolation("NT-PCI-15", field, f"province code {body[:2]} does not exist (GB/T 2260)")
        born = _parse_birth_date(body[6:14], field)
        expected = _id_check_char(body)
        if check != expected:
            raise RuleViolation("NT-PCI-15", field, f"check character is {check}, expected {expected}")
        return cls(number=number, birth_date=born, sex="M" if int(body[16]) % 2 else "F")

    def age_on(self, day: date) -> int:
        """Age in full years on `day` (LYG-6: under 18 is not determined dishonest)."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)

    def masked(self) -> str:
        """HA-3.2 masking: first 3 and last 4 characters kept, the 11 between (birth date) hidden."""
        return self.number[:3] + MASK * 11 + self.number[-4:]


@dataclass(frozen=True)
class CreditCode:
    """An 18-character unified social credit code of an organisation (NT-PCI-18, GB 32100)."""

    code: str

    @classmethod
    def parse(cls, text: str, field: str = "uscc") -> CreditCode:
        """Validate length, character set, area digits and check character; refuse with NT-PCI-18."""
        code = text.strip().upper()
        if len(code) != 18:
            message = f"unified social credit code must have 18 characters, got {len(code)}"
            raise RuleViolation("NT-PCI-18", field, message)
        for position, char in enumerate(code, start=1):
            if char not in USCC_CHARSET:
                raise RuleViolation("NT-PCI-18", field, f"character {position} is {char!r}, not in the GB 32100 set")
        if not code[2:8].isdigit():
            raise RuleViolation("NT-PCI-18", field, f"area code {code[2:8]} (characters 3-8) must be digits")
        expected = uscc_check_char(code[:17])
        if code[17] != expected:
            raise RuleViolation("NT-PCI-18", field, f"check character is {code[17]}, expected {expected}")
        return cls(code=code)

    def masked(self) -> str:
        """Masked code for public views: first 8 (issuer, type, area) and last 4 kept, 6 hidden."""
        return self.code[:8] + MASK * 6 + self.code[-4:]


def uscc_check_char(body: str) -> str:
    """GB 32100 check character of the first 17 characters (NT-PCI-18)."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def mask_name(name: str) -> str:
    """HA-3.2 masking of a person's name: first character kept, every other one hidden (张三 -> 张*)."""
    name = name.strip()
    if len(name) <= 1:
        return MASK * len(name)
    return name[0] + MASK * (len(name) - 1)


def synthetic_resident_id(rng: random.Random, birth_date: date | None = None) -> str:
    """A valid, made-up resident ID number from a Jiangsu area (demo data and tests only)."""
    if birth_date is None:
        birth_date = date(1950, 1, 1) + timedelta(days=rng.randrange(20454))  # up to 2005-12-31
    body = rng.choice(JIANGSU_AREAS) + birth_date.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return body + _id_check_char(body)


def _org_code(rng: random.Random) -> str:
    """A made-up GB 11714 organisation code (8 characters + its check character)."""
    body = "".join(rng.choice(USCC_CHARSET[:10] + "ABCDEFGH") for _ in range(8))
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def synthetic_credit_code(rng: random.Random) -> str:
    """A valid, made-up unified social credit code of a Jiangsu enterprise (demo data and tests only)."""
    body = "91" + rng.choice(JIANGSU_AREAS) + _org_code(rng)
    return body + uscc_check_char(body)
