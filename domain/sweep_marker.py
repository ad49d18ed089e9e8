"""DailySweep: the signed marker of one business day's expiry sweep (NT-PCI-30, LYG-18, JY-20).

Its id is derived from the day, and it is saved in the same transaction as the sweep's `Expired` and
automatic-repair events. So a day's sweep is recorded once: a second process sweeping the same day either
finds the marker and stops, or loses the version race on it and, re-reading, finds it (domain.retry).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, ledger_uuid


class DailySweep(Aggregate):
    """The sweep of one business day (Asia/Shanghai) has run; it names what it expired."""

    @staticmethod
    def create_id(day: date) -> UUID:
        """One marker per business day."""
        return ledger_uuid("daily-sweep", day.isoformat())

    @classmethod
    def mark(cls, actor: Actor, day: date, expired: list[UUID]) -> DailySweep:
        """The marker of `day`'s sweep, listing the items it expired."""
        return cls(day=day, expired=[str(i) for i in expired], **actor_stamp(actor))

    @event("Swept")
    def __init__(self, day: date, expired: list[str], actor_unit: str, actor_user: str) -> None:
        self.day = day
        self.expired = expired
