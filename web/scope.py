"""Which subjects and items a staff account may read, by its unit (HA-5.2 query permissions, JY-21, NT-PCI-19).

- credit office and auditor: everything (the office runs the loop, JY-21; auditors and courts read the archive,
  NT-PCI-35);
- sanction department: only the sanction cases pushed to it (JY-21), and only the subjects with such a case
  (their file shows its own cases only: another department's measures and case numbers are not its business);
- recording unit: every subject file (government-shared class, NT-PCI-19: a determining unit must see prior
  records to determine a tier or a repeat), but only the sanction cases that arise from its own records or list
  entries (JY-21: the determining department initiates) — its subject file shows those only.
A read out of scope is answered exactly like a missing item (404, `NotFound`) and registers no access record.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import NotFound
from web.context import services
from web.principal import Principal, current_principal
from web.roles import DEPARTMENT, RECORDING_UNIT

SOURCES = {"record": "record", "list_entry": "list_entry"}


def _source_unit(case: Any) -> str | None:
    """The unit that determined the record or list entry a sanction case arose from."""
    getter = getattr(services().credit, SOURCES.get(case.source_kind, "record"))
    try:
        return getattr(getter(case.source_id), "determining_unit", None)
    except NotFound:
        return None


def may_read_case(principal: Principal, case: Any) -> bool:
    """Whether the principal may read this sanction case."""
    if principal.role == DEPARTMENT:
        return case.department == principal.unit
    if principal.role == RECORDING_UNIT:
        return _source_unit(case) == principal.unit
    return True


def visible_cases(principal: Principal, cases: list[Any]) -> list[Any]:
    """The cases of a subject's file the principal may see."""
    return [c for c in cases if may_read_case(principal, c)]


def may_read_subject(principal: Principal, subject_id: UUID) -> bool:
    """Whether the principal may read the subject's file (a department: only with a case pushed to it)."""
    if principal.role != DEPARTMENT:
        return True
    return any(c.department == principal.unit for c in services().credit.sanctions_of(subject_id))


def check_subject(subject_id: UUID) -> None:
    """Refuse, as if missing, a subject the current principal may not read (before any read is registered)."""
    if not may_read_subject(current_principal(), subject_id):
        raise NotFound("Subject", str(subject_id), "subject_id")


def check_item(kind: str, item: Any) -> None:
    """Refuse, as if missing, an item the current principal may not read: a sanction case by its department
    or source, any other item by its subject."""
    principal = current_principal()
    allowed = may_read_case(principal, item) if kind == "sanction" else may_read_subject(principal, item.subject_id)
    if not allowed:
        raise NotFound(type(item).__name__, str(item.id), f"{kind}_id")
