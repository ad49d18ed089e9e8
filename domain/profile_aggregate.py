"""A policy profile published into the ledger: the rules a court must see next to the decisions."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, ledger_uuid
from domain.errors import RuleViolation
from domain.policy import PolicyProfile


class PublishedProfile(Aggregate):
    """One version of one policy profile, with its full content and content hash (immutable)."""

    @staticmethod
    def create_id(profile_id: str, version: int) -> UUID:
        """uuid5 of (profile id, version): one aggregate per version."""
        return ledger_uuid("policy-profile", profile_id, version)

    @classmethod
    def id_for(cls, profile: PolicyProfile) -> UUID:
        """The aggregate id of `profile`'s version."""
        return cls.create_id(profile.id, profile.version)

    @classmethod
    def publish(cls, actor: Actor, profile: PolicyProfile) -> PublishedProfile:
        """Publish a profile version with its content (NT-PCI-8: the catalog is public data)."""
        return cls(
            profile_id=profile.id, version=profile.version, effective_date=profile.effective_date,
            content=profile.to_content(), content_hash=profile.content_hash(), **actor_stamp(actor),
        )

    @event("Published")
    def __init__(
        self, profile_id: str, version: int, effective_date: date, content: dict[str, Any],
        content_hash: str, actor_unit: str, actor_user: str,
    ) -> None:
        self.profile_id = profile_id
        self.profile_version = version
        self.effective_date = effective_date
        self.content = content
        self.content_hash = content_hash

    def check_same_content(self, profile: PolicyProfile) -> None:
        """NT-PCI-36: a published version never changes; changed content needs a new version."""
        if profile.content_hash() != self.content_hash:
            raise RuleViolation(
                "NT-PCI-36", "version",
                f"{profile.label} is already published with other content (hash {self.content_hash[:12]}…); "
                "publish the change as a new version",
            )

    def profile(self) -> PolicyProfile:
        """The profile rebuilt from the stored content (its hash must match: tampering is detectable)."""
        rebuilt = PolicyProfile.from_content(self.content)
        if rebuilt.content_hash() != self.content_hash:
            raise RuleViolation("NT-PCI-37", "content_hash", f"stored {rebuilt.label} does not match its hash")
        return rebuilt
