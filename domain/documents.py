"""Documents a decision rests on: legal-basis documents (HA-2.2), decision documents, apologies, commitments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain.common import check_date, check_text
from domain.errors import RuleViolation
from domain.privacy import check_no_forbidden_data

def legal_basis(value: object, today: date, types: tuple[str, ...], field: str = "basis") -> dict[str, Any]:
    """Validate a legal-basis document (HA-2.2) of one of the profile's `types`: type, number, issuer and date."""
    if not isinstance(value, Mapping) or not value:
        raise RuleViolation("HA-2.2", field, "a determination must rest on a legally effective document")
    check_no_forbidden_data({field: dict(value)})
    kind = value.get("type")
    if kind not in types:
        known = ", ".join(types) or "none: the profile names no legally effective document types"
        raise RuleViolation("HA-2.2", f"{field}.type", f"document type {kind!r} is not one of {known}")
    return {
        "type": kind,
        "number": check_text(value.get("number"), "HA-2.2", f"{field}.number"),
        "issuer": check_text(value.get("issuer"), "HA-2.2", f"{field}.issuer"),
        "date": check_date(value.get("date"), today, "HA-2.2", f"{field}.date"),
    }


def document(value: object, today: date, rule_id: str, field: str, *, text: bool = False,
             titled: bool = False) -> dict[str, Any]:
    """A numbered, dated document (decision document, apology, commitment letter, repair opinion); a `titled` one
    also names what it is and who issued it (a supporting document)."""
    if not isinstance(value, Mapping) or not value:
        raise RuleViolation(rule_id, field, f"{field} (a written document with number and date) is required")
    check_no_forbidden_data({field: dict(value)})
    result: dict[str, Any] = {"title": check_text(value.get("title"), rule_id, f"{field}.title")} if titled else {}
    result["number"] = check_text(value.get("number"), rule_id, f"{field}.number")
    result["date"] = check_date(value.get("date"), today, rule_id, f"{field}.date")
    if titled:
        result["issuer"] = check_text(value.get("issuer"), rule_id, f"{field}.issuer")
    if text:
        result["text"] = check_text(value.get("text"), rule_id, f"{field}.text")
    return result


# How many supporting documents one filing names (more go on paper with the file; the form offers 3).
MAX_SUPPORTING = 10


def supporting_documents(value: object, today: date, rule_id: str,
                         field: str = "documents") -> list[dict[str, Any]]:
    """The documents a filing rests on (证明材料: a court's revocation decision, a payment receipt), each with its
    title, number, date (not in the future) and issuer; none at all is fine. A refusal names `documents[i].<part>`."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise RuleViolation(rule_id, field, f"{field} must be a list of documents")
    if len(value) > MAX_SUPPORTING:
        raise RuleViolation(rule_id, field, f"at most {MAX_SUPPORTING} documents, got {len(value)}")
    return [document(one, today, rule_id, f"{field}[{i}]", titled=True) for i, one in enumerate(value)]
