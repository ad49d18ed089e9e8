"""Demo narratives (domain/demo.py) on a real signed ledger, for the court-bundle scenario tests.

Each flow is one lifecycle path of a profile (LYG escalation, LYG expiry sweep, JY red list, CS points
and sanctions reaching responsible persons); the subjects come from the demo's seeded generator.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from bundle.tamper import read

from domain import demo
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.bundle import layout
from ledger.config import Settings
from ledger_support.backends import initialised_ledger
from projections.timetravel import status

SECRET = b"bundle-flow-secret-0123456789abcdef"


@dataclass
class DemoLedger:
    """A ledger with every demo unit's key and every profile published."""

    app: LedgerApplication
    service: CreditService
    clock: demo.Clock
    people: demo.Generator

    def run(self, profile: str, path: str, shape: str) -> list[UUID]:
        """Register the parties of `shape` ('p' person, 'o' organisation) and drive the demo flow."""
        parties = [self.people.organisation(profile) if kind == "o" else self.people.person() for kind in shape]
        case = demo.Case(profile, path, parties, n=len(shape) + 7)
        ids = demo._register(self.service, self.clock, case)  # the demo's own registration and linking
        demo.FLOWS[(profile, path)](self.service, self.clock, case, ids)
        return ids

    def parties(self, ids: list[UUID]) -> list[object]:
        """The registered subjects (names and identifiers, for the privacy checks)."""
        return [self.service.subject(i) for i in ids]


def demo_ledger(settings: Settings, seed: int = 11) -> DemoLedger:
    """A fresh ledger on `settings` ready for the demo flows."""
    app = initialised_ledger(settings)
    clock = demo.Clock()
    service = CreditService(app, load_all(), SECRET, today=clock)
    for unit in demo.acting_units(service):
        app.register_key(unit)
    demo.prepare(service)
    return DemoLedger(app, service, clock, demo.Generator(seed))


def assert_state_is_time_travel(app: LedgerApplication, bundle: Path, subject_id: UUID, days: list[date]) -> None:
    """The bundle's stated records and list entries equal `projections.timetravel.status` on each date."""
    files = read(bundle)
    position = json.loads(files[layout.BUNDLE])["as_of_position"]
    stated = [i for i in json.loads(files[layout.STATE])["items"] if i["kind"] in ("record", "list_entry")]
    assert stated, "the scenario should give records or list entries"
    for day in days:
        answer = status(app, subject_id, position, valid_at=day)
        assert sorted((i["kind"], i["id"], i["status"], i["version"], i["in_force_at"][day.isoformat()])
                      for i in stated) == sorted((i.kind, i.id, i.status, i.version, i.in_force_at)
                                                 for i in answer.items)


def topics(bundle: Path) -> list[str]:
    """The event names of the bundle's subject events, e.g. 'DishonestyRecord.Escalated'."""
    index = json.loads(read(bundle)[layout.EVENTS])
    return [str(e["topic"]).rsplit(":", 1)[-1] for e in index if e["kind"] == "subject"]
