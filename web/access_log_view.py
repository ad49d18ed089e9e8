"""Reading the access log back: the registered reads of one subject (HA-5.2: reviewable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.access_log import AccessRecord
from ledger.app import LedgerApplication

TOPIC = f"{AccessRecord.__module__}:{AccessRecord.__qualname__}.Recorded"
PAGE = 500


@dataclass(frozen=True)
class Read:
    """One registered read: who (unit, user), when (transaction time), purpose, basis, channel, what."""

    when: datetime
    unit: str
    user: str
    purpose: str
    basis: str
    channel: str
    what: str


def reads_of(ledger: LedgerApplication, subject_id: UUID) -> list[Read]:
    """Every registered read of the subject, newest first (scans the log's access events by topic)."""
    found, start = [], 1
    while True:
        batch = ledger.recorder.select_notifications(start, PAGE, topics=[TOPIC])
        for notification in batch:
            event = ledger.mapper.to_domain_event(notification)  # signature verified on read
            if event.subject_id == subject_id:
                found.append(Read(event.timestamp, event.actor_unit, event.actor_user, event.purpose, event.basis,
                                  event.channel, event.what))
        if len(batch) < PAGE:
            return sorted(found, key=lambda r: r.when, reverse=True)
        start = batch[-1].id + 1
