"""A tiny aggregate whose events carry `actor_unit`, used to put ordinary events in a test ledger."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event


class Widget(Aggregate):
    """Created and noted by a unit; every event names the acting unit (DESIGN §3: signer = actor)."""

    @event("Created")
    def __init__(self, name: str, actor_unit: str) -> None:
        self.name = name
        self.notes: list[str] = []

    @event("Noted")
    def note(self, text: str, actor_unit: str) -> None:
        self.notes.append(text)
