"""Registering non-public reads of credit information (HA-5.2, JY-24)."""

from __future__ import annotations

from uuid import UUID

from domain.access_log import AccessRecord
from domain.actor import Actor
from domain.service_base import ServiceBase


class AccessCommands(ServiceBase):
    """record_access: every non-public read of a subject's data is registered as a signed event."""

    def record_access(self, actor: Actor, *, subject_id: UUID, purpose: str, basis: str, channel: str,
                      what: str = "subject status") -> UUID:
        """Register that `actor` read `subject_id`'s data; the ledger's transaction time is the 'when'."""
        uow = self._uow(actor)
        self.check_subject(subject_id, "subject_id")
        record = AccessRecord.register(actor, subject_id=subject_id, purpose=purpose, basis=basis,
                                       channel=channel, what=what)
        uow.add(record)
        uow.commit()
        return record.id
