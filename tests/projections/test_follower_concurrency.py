"""Followers of several server processes (`ledger serve --workers N`) bring the views up to date at once while
events are written: one at a time, never a deadlock, nothing applied twice (issue 17.3; both backends)."""

from __future__ import annotations

import random
import threading
from datetime import date

from ledger_support.backends import initialised_ledger

from domain.actor import Actor
from domain.identifiers import synthetic_resident_id
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from projections.db import make_engine
from projections.follower import Follower

FOLLOWERS, PEOPLE = 6, 150
SECRET = b"follower-race-secret-0123456789abc"


def test_concurrent_followers_take_turns_while_events_arrive(backend_settings: Settings) -> None:
    writer_app = initialised_ledger(backend_settings, ("nt-tax-bureau",))
    service = CreditService(writer_app, load_all(), SECRET, today=lambda: date(2025, 6, 1))
    apps = [LedgerApplication(backend_settings) for _ in range(FOLLOWERS)]
    engines = [make_engine(backend_settings) for _ in range(FOLLOWERS)]
    followers = [Follower(app, engine) for app, engine in zip(apps, engines)]
    done, errors = threading.Event(), []

    def follow(follower: Follower) -> None:
        try:
            while not done.is_set():
                follower.run_once()
            follower.run_once()
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=follow, args=(f,)) for f in followers]
    for thread in threads:
        thread.start()
    try:
        rng = random.Random(7)
        for number in sorted({synthetic_resident_id(rng) for _ in range(PEOPLE)}):
            service.register_person(Actor("nt-tax-bureau", "clerk"), name="王五", id_number=number)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    try:
        assert errors == [], errors[:1]
        end = writer_app.recorder.max_notification_id()
        assert all(position == end for position in followers[0].positions().values())
        assert followers[0].run_once() == 0
    finally:
        for app, engine in zip(apps, engines):
            engine.dispose()
            app.close()
        writer_app.close()
