"""Status words of the read models, computed the same way by the live views and by time travel."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Table, and_, or_

from domain.effective import in_force_on as in_force_on  # the one decision (NT-PCI-30, JY-20), re-exported

ACTIVE, OBJECTION_PENDING, CORRECTED = "active", "objection_pending", "corrected"
REPAIRED, EXPIRED, REVOKED = "repaired", "expired", "revoked"
RECORD_STATUSES = (ACTIVE, OBJECTION_PENDING, CORRECTED, REPAIRED, EXPIRED, REVOKED)
# Still in force (NT-PCI-30): an objection flag changes nothing (NT-PCI-32, LYG-17).
IN_FORCE_STATUSES = (ACTIVE, OBJECTION_PENDING, CORRECTED)
PUBLIC_CLASS = "public"  # NT-PCI-19


def record_status(closed: str | None, open_objections: int, corrections: int) -> str:
    """A record's status: its closing (repaired, expired, revoked) wins, then a pending objection."""
    if closed in (REPAIRED, EXPIRED, REVOKED):
        return closed
    if open_objections:
        return OBJECTION_PENDING
    return CORRECTED if corrections else ACTIVE


def in_force_clause(table: Table, day: date) -> ColumnElement[bool]:
    """`domain.effective.in_force_on` as a filter on a view's valid_from / valid_until / ended_on columns."""
    return and_(table.c.valid_from.is_not(None), table.c.valid_from <= day,
                or_(table.c.valid_until.is_(None), table.c.valid_until >= day),
                or_(table.c.ended_on.is_(None), table.c.ended_on > day))
