"""Fixtures of the domain tests: the real signed SQLite ledger, a movable clock, the service."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from domain_helpers import ADMIN, SECRET
from ledger_support.backends import initialised_ledger, sqlite_settings

from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication

START = date(2025, 6, 16)


UNITS = sorted({unit for profile in load_all().values() for unit in profile.units} | {
    "ledger-admin", "nt-tax-bureau", "jy-market-supervision"})


@pytest.fixture(scope="session")
def ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One signed SQLite ledger with every test unit's key and every profile published, built once."""
    folder = tmp_path_factory.mktemp("domain-ledger-template")
    app = initialised_ledger(sqlite_settings(folder), tuple(UNITS))
    service = CreditService(app, load_all(), SECRET, today=lambda: START)
    for profile_id in service.profiles:
        service.publish_profile(ADMIN, profile_id=profile_id)
    app.close()
    return folder


@dataclass
class Clock:
    """The service's `today`, moved by the narratives."""

    day: date = START

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def ledger(ledger_template: Path, tmp_path: Path) -> Iterator[LedgerApplication]:
    """The real signed, Merkle-logged ledger (SQLite), copied from the session template."""
    folder = tmp_path / "ledger"
    shutil.copytree(ledger_template, folder)
    app = LedgerApplication(sqlite_settings(folder))
    yield app
    app.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(ledger: LedgerApplication, clock: Clock) -> CreditService:
    """A service over every packaged profile, each published into the ledger."""
    svc = CreditService(ledger, load_all(), SECRET, today=clock)
    for profile_id in svc.profiles:
        svc.publish_profile(ADMIN, profile_id=profile_id)
    return svc

