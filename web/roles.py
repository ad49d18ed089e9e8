"""The roles of the web service and what a role needs (a signing unit, a subject)."""

from __future__ import annotations

RECORDING_UNIT = "recording_unit"
CREDIT_OFFICE = "credit_office"
DEPARTMENT = "department"
AUDITOR = "auditor"
SUBJECT = "subject"
PUBLIC = "public"
ADMIN = "admin"

ROLES: tuple[str, ...] = (RECORDING_UNIT, CREDIT_OFFICE, DEPARTMENT, AUDITOR, SUBJECT, PUBLIC, ADMIN)
# Roles a stored account may have: "public" is the anonymous visitor, never an account.
ACCOUNT_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r != PUBLIC)
# Roles whose users act for a unit: their commands (and registered reads) are signed by that unit's key.
UNIT_ROLES: frozenset[str] = frozenset({RECORDING_UNIT, CREDIT_OFFICE, DEPARTMENT, AUDITOR, ADMIN})
# Staff roles that read subjects' non-public data; every such read is registered (HA-5.2).
STAFF_READERS: frozenset[str] = frozenset({RECORDING_UNIT, CREDIT_OFFICE, DEPARTMENT, AUDITOR})
