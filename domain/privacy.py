"""Data that may never be collected (NT-PCI-14) and the personal fields a subject may carry (LYG-5)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from domain.errors import RuleViolation


@dataclass(frozen=True)
class ForbiddenCategory:
    """One category NT-PCI-14 forbids, with the words that reveal it in field names and texts."""

    code: str
    name_zh: str
    name_en: str
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]


# NT-PCI-14 names exactly these (宗教信仰、基因、血型、疾病和病史); "other information the law forbids"
# has no list in the seeds, so nothing else is guessed here.
FORBIDDEN_CATEGORIES: tuple[ForbiddenCategory, ...] = (
    ForbiddenCategory("religion", "宗教信仰", "religious belief", ("宗教", "信仰"), ("religion", "religious")),
    ForbiddenCategory("genes", "基因", "genes", ("基因",), ("gene", "genes", "genetic", "genome", "dna")),
    ForbiddenCategory("blood_type", "血型", "blood type", ("血型",), ("blood type", "blood group", "bloodtype")),
    ForbiddenCategory("illness", "疾病", "illness", ("疾病", "病情", "患有"), ("illness", "disease", "diagnosis")),
    ForbiddenCategory("medical_history", "病史", "medical history", ("病史", "病历"), ("medical history", "medical record")),
)
# Names of institutions that contain a forbidden word without revealing anyone's data (e.g. the CDC
# issuing a penalty); removed before matching.
BENIGN_PHRASES: tuple[str, ...] = ("疾病预防控制", "疾病控制", "disease control", "disease prevention")
# LYG-5: a petitioner's record holds name, address, telephone and ID number, and nothing else personal.
ALLOWED_PERSON_FIELDS: frozenset[str] = frozenset({"name", "address", "telephone", "id_number"})


def _words(text: str) -> str:
    """Lower-case text with '_' and '-' turned into spaces, benign institution names removed."""
    text = re.sub(r"[_\-]+", " ", text.lower())
    for phrase in BENIGN_PHRASES:
        text = text.replace(phrase, " ")
    return " " + re.sub(r"\s+", " ", text) + " "


def find_forbidden(text: str) -> ForbiddenCategory | None:
    """The first forbidden category `text` mentions (Chinese substrings, English whole words)."""
    words = _words(text)
    for category in FORBIDDEN_CATEGORIES:
        if any(k in words for k in category.keywords_zh):
            return category
        if any(re.search(rf"(?<![a-z]){re.escape(k)}(?![a-z])", words) for k in category.keywords_en):
            return category
    return None


def _check_value(path: str, value: object) -> None:
    """Check one field: its name, and its text or nested values (NT-PCI-14)."""
    name = path.rsplit(".", 1)[-1]
    category = find_forbidden(name)
    if category is None and isinstance(value, str):
        category = find_forbidden(value)
    if category is not None:
        raise RuleViolation("NT-PCI-14", path, f"{category.name_en} ({category.name_zh}) may never be collected")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_value(f"{path}.{key}", item)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_value(f"{path}[{index}]", item)


def check_no_forbidden_data(fields: Mapping[str, object]) -> None:
    """Refuse input whose field names or texts reveal religion, genes, blood type, illness or medical history."""
    for key, value in fields.items():
        _check_value(str(key), value)


def check_person_fields(fields: Mapping[str, object], allowed: frozenset[str] = ALLOWED_PERSON_FIELDS) -> None:
    """LYG-5: refuse a person's registration carrying personal fields beyond the allowed ones."""
    for key in fields:
        if key not in allowed:
            listed = ", ".join(sorted(allowed))
            raise RuleViolation("LYG-5", str(key), f"personal field {key} is not recorded (only {listed})")
