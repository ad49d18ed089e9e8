"""Status words of the read models, computed the same way by the live views and by time travel."""

from __future__ import annotations

from datetime import date

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


def in_force_on(day: date, valid_from: date | None, valid_until: date | None, ended_on: date | None) -> bool:
    """Whether a period is in force on `day`: started, not past its last valid day, not ended before."""
    if valid_from is None or day < valid_from:
        return False
    if valid_until is not None and day > valid_until:
        return False
    return ended_on is None or day < ended_on
