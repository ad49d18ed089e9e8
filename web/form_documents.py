"""The supporting documents of an objection form (NT-PCI-31): up to ROWS rows of title, number, date and issuer,
named `documents_<row>_<part>`; a row left wholly empty names no document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request

from domain.errors import RuleViolation
from web import forms

ROWS = 3
PARTS = ("title", "number", "date", "issuer")
DOMAIN_FIELD = re.compile(r"^documents\[(\d+)\](?:\.([a-z]+))?$")
T = TypeVar("T")


def row_field(row: int, part: str) -> str:
    """The form's name of one part of one row, e.g. `documents_0_number`."""
    return f"documents_{row}_{part}"


def _filled(row: int) -> bool:
    return any((request.form.get(row_field(row, part)) or "").strip() for part in PARTS)


def _read_row(row: int, rule: str) -> dict[str, Any]:
    """One row: every part required once any is given."""
    return {"title": forms.text(row_field(row, "title"), rule), "number": forms.text(row_field(row, "number"), rule),
            "date": forms.required_day(row_field(row, "date"), rule),
            "issuer": forms.text(row_field(row, "issuer"), rule)}


def _at_row(exc: RuleViolation, rows: list[int]) -> RuleViolation:
    """The domain's refusal of `documents[i].<part>` at the field of the form row the i-th document came from."""
    found = DOMAIN_FIELD.match(exc.field or "")
    if found is None or int(found.group(1)) >= len(rows):
        return exc
    return RuleViolation(exc.rule_id, row_field(rows[int(found.group(1))], found.group(2) or "title"), exc.message)


def with_documents(command: Callable[[list[dict[str, Any]]], T], rule: str = "NT-PCI-31") -> T:
    """Run `command` with the documents the form's filled rows name; a refused document is shown at its row."""
    rows = [row for row in range(ROWS) if _filled(row)]
    documents = [_read_row(row, rule) for row in rows]
    try:
        return command(documents)
    except RuleViolation as exc:
        moved = _at_row(exc, rows)
        if moved is exc:
            raise
        raise moved from None
