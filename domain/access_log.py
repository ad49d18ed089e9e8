"""AccessRecord: one registered non-public read of a subject's credit information (HA-5.2, JY-24)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, check_choice, check_text

# How the read was made: a page or API call of the web service, the command line, or an export.
ACCESS_CHANNELS = ("web", "api", "cli", "export")


class AccessRecord(Aggregate):
    """Who read which subject's data, when (the event's transaction time), for what purpose, on what basis."""

    @event("Recorded")
    def __init__(self, subject_id: UUID, purpose: str, basis: str, channel: str, what: str,
                 actor_unit: str, actor_user: str) -> None:
        self.subject_id = subject_id
        self.purpose = purpose
        self.basis = basis
        self.channel = channel
        self.what = what
        self.actor_unit = actor_unit
        self.actor_user = actor_user

    @classmethod
    def register(cls, actor: Actor, *, subject_id: UUID, purpose: str, basis: str, channel: str,
                 what: str) -> AccessRecord:
        """Register a read; purpose and basis are required (HA-5.2: who, when, which subject, purpose, basis)."""
        return cls(
            subject_id=subject_id,
            purpose=check_text(purpose, "HA-5.2", "purpose"),
            basis=check_text(basis, "HA-5.2", "basis"),
            channel=check_choice(channel, ACCESS_CHANNELS, "HA-5.2", "channel"),
            what=check_text(what, "HA-5.2", "what"),
            **actor_stamp(actor),
        )
