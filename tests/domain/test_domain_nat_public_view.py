"""NAT-2025-22 in the read models, on both backends: the public view agrees with the one decision on any day.

A general record under NT v2 is published up to the last day of its maximum period and not after (no sweep
has run); a minor record (the not-published class) is never shown; a withdrawn penalty (NAT-APL-48) leaves
the public view from its withdrawal. Past days read the same as the domain's `item_published`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, doc, person_id
from ledger_support.backends import initialised_ledger
from sqlalchemy import Engine

from domain.effective import item_published
from domain.policy import load_profile, load_versions
from domain.service import CreditService
from ledger.config import Settings
from projections.db import make_engine
from projections.follower import Follower
from projections.public import public_records

TAX = actor("nt-tax-bureau", "qian")


class Day:
    """A settable business day."""

    day = date(2026, 4, 1)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def nt_views(backend_settings: Settings) -> Iterator[tuple[CreditService, Day, Engine]]:
    app = initialised_ledger(backend_settings, ("ledger-admin", "nt-tax-bureau", "nt-credit-office"))
    engine = make_engine(backend_settings)
    clock = Day()
    svc = CreditService(app, {"NT": load_profile("NT")}, SECRET, today=clock, versions=load_versions("NT").versions)
    svc.publish_profile(ADMIN, profile_id="NT")
    svc.publish_profile(ADMIN, profile_id="NT", version=2)
    yield svc, clock, engine
    engine.dispose()
    app.close()


def _record(svc: CreditService, seed: int, tier: str) -> object:
    subject = svc.register_person(TAX, name="赵六", id_number=person_id(date(1979, 9, 9), seed))
    return svc.record_dishonesty(TAX, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.3", tier=tier,
                                 basis=basis(date(2026, 3, 20), f"通税罚〔2026〕{seed}号", "国家税务总局南通市税务局"),
                                 act_date=date(2026, 3, 2), determination_date=date(2026, 4, 1), summary="欠缴税款")


def test_nat_2025_22_public_view_agrees_with_the_one_decision_on_any_day(nt_views) -> None:
    svc, clock, engine = nt_views
    general, minor, withdrawn = _record(svc, 1, "general"), _record(svc, 2, "minor"), _record(svc, 3, "serious")
    clock.day = date(2026, 5, 6)
    withdrawal = svc.register_penalty_change(TAX, record_id=withdrawn, outcome="revoked", changed_on=date(2026, 5, 6),
                                             decision=doc(date(2026, 5, 6), "（2026）苏06行终3号"))
    svc.withdraw_penalty(TAX, withdrawal_id=withdrawal, withdrawn_on=date(2026, 5, 6))
    Follower(svc.ledger, engine).run_once()
    days = [date(2026, 4, 1), date(2026, 5, 5), date(2026, 5, 6), date(2027, 4, 1), date(2027, 4, 2)]
    with engine.connect() as conn:
        shown = {day: {r["record_id"] for r in public_records(conn, day)} for day in days}
    assert shown[date(2026, 5, 5)] == {str(general), str(withdrawn)}
    assert shown[date(2026, 5, 6)] == {str(general)}  # NAT-APL-48: withdrawn from that day
    assert shown[date(2027, 4, 1)] == {str(general)} and shown[date(2027, 4, 2)] == set()  # the maximum, unswept
    for day in days + [day + timedelta(days=1) for day in days]:
        with engine.connect() as conn:
            view = {r["record_id"] for r in public_records(conn, day)}
        domain = {str(i) for i in (general, minor, withdrawn) if item_published(svc.record(i), day)}
        assert view == domain, day  # the SQL form and the one function agree, past days included
    assert str(minor) not in set().union(*shown.values())  # the not-published class
