"""Registering the API's non-public reads (HA-5.2, JY-24): channel "api", the purpose and basis the caller states."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from web.api.errors import ApiError
from web.api.spec import STRING, Field
from web.context import services
from web.principal import current_principal
from web.roles import STAFF_READERS, SUBJECT

RULE = "HA-5.2"
PURPOSE_FIELDS = (
    Field("purpose", STRING, RULE, required=False,
          description="why the subject is read (HA-5.2). REQUIRED for every staff read; subjects reading "
                      "their own data need none"),
    Field("basis", STRING, RULE, required=False,
          description="the legal basis or case of the read (HA-5.2). REQUIRED for every staff read"),
)


def register_read(subject_id: UUID, what: str, args: dict[str, Any]) -> None:
    """Register the read before the data is answered; a subject may read only itself (not registered)."""
    principal = current_principal()
    if principal.role == SUBJECT:
        if principal.subject_id != subject_id:
            raise ApiError(403, "a subject may read only its own record", "subject_id", RULE)
        return
    if principal.role not in STAFF_READERS:
        raise ApiError(403, f"role {principal.role} may not read this subject's data", "role", RULE)
    purpose, basis = args.get("purpose"), args.get("basis")
    for name, value in (("purpose", purpose), ("basis", basis)):
        if not value:
            raise ApiError(422, f"every read of a subject's data states its {name} (query parameter {name})",
                           name, RULE)
    services().credit.record_access(principal.actor(), subject_id=subject_id, channel="api", what=what,
                                    purpose=purpose, basis=basis)
