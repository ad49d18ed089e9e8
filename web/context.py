"""The services one web app holds (one ledger, one credit service, one engine) and their typed accessor."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flask import Flask, current_app
from sqlalchemy import Engine

from domain.clock import office_today
from domain.policy import PolicyProfile, later_versions, load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from projections.db import create_views, make_engine
from projections.follower import Follower
from web.accounts import AccountStore, ensure_tables
from web.online_objections import declare_online_user

EXTENSION = "credit_ledger"


@dataclass(frozen=True)
class Services:
    """Everything a request handler needs; built once per app by `create_app`."""

    ledger: LedgerApplication
    credit: CreditService
    engine: Engine
    accounts: AccountStore
    profiles: Mapping[str, PolicyProfile]

    def follower(self) -> Follower:
        """The projection follower on the app's engine (bring read models up to date with `run_once`)."""
        return self._follower

    @cached_property
    def _follower(self) -> Follower:
        # Built once: its set-up checks the view tables by reflection (tens of ms on PostgreSQL per request).
        return Follower(self.ledger, self.engine)

    def close(self) -> None:
        """Close the ledger and dispose of the engine."""
        self.ledger.close()
        self.engine.dispose()


def build_services(settings: Settings, today: Callable[[], date] = office_today) -> Services:
    """Open the (initialised) ledger, the credit service, the engine; create account and view tables."""
    ledger = LedgerApplication(settings)
    ledger.check_initialised()
    profiles = load_all()
    engine = make_engine(settings)
    ensure_tables(engine)
    create_views(engine)
    credit = CreditService(ledger, profiles, ledger.keystore.subject_secret(), today=today,
                           versions=later_versions())  # issue 15.9: e.g. NT v2 from 2026-04-01
    accounts = AccountStore(engine, ledger)
    if accounts.book().started:
        accounts.sync()  # the tables agree with the registry from the start (rows written by hand go)
        declare_online_user(credit, profiles)  # before any filing, so a refused one stores nothing
    return Services(ledger, credit, engine, accounts, profiles)


def install(app: Flask, services_: Services) -> None:
    """Attach the services to the app."""
    app.extensions[EXTENSION] = services_


def services() -> Services:
    """The current app's services (inside a request or app context)."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]
