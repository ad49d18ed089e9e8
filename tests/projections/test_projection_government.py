"""NT-GOV-2.3 in the read models on both backends: the public view names government bodies and masks civil
servants as persons; every view rebuilt from zero equals the followed one with government events in the log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from ledger_support.backends import initialised_ledger
from gov_support import CREDIT, DISCIPLINE, judgment, register_body, register_servant
from projection_support.history import snapshot
from sqlalchemy import Engine, select

from domain.actor import Actor
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from projections.db import make_engine, subjects
from projections.follower import Follower
from projections.public import public_records
from projections.registry import PROJECTIONS

SECRET = b"projection-test-secret-0123456789"
ADMIN = Actor("ledger-admin", "admin")

UNITS = ("ledger-admin", "nt-credit-office", "nt-organisation-department", "nt-hrss", "nt-discipline-supervision",
         "nt-statistics-bureau")


@pytest.fixture
def world(backend_settings: Settings) -> Iterator[tuple[LedgerApplication, CreditService, Engine]]:
    """A ledger with NT published, a service at 2025-04-10 and an engine on the same database."""
    app = initialised_ledger(backend_settings, UNITS)
    service = CreditService(app, {"NT": load_all()["NT"]}, SECRET, today=lambda: date(2025, 4, 10))
    service.publish_profile(ADMIN, profile_id="NT")
    engine = make_engine(backend_settings)
    yield app, service, engine
    engine.dispose()
    app.close()


def test_nt_gov_2_3_public_view_names_bodies_masks_civil_servants_and_rebuilds(world) -> None:
    app, service, engine = world
    dept = register_body(service, "南通市某局", 11, unit="nt-statistics-bureau")
    servant = register_servant(service, dept, 12, "郑十")
    service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=dept, source_kind="court_judgment", document=judgment(date(2025, 3, 1)),
        behaviour_code="NT-GOV-3.4", tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    record = service.record_government_dishonesty(
        DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2025, 3, 3), "通纪〔2025〕30号", "南通市纪委"), behaviour_code="NT-GOV-3.6",
        tier="general", act_date=date(2024, 12, 1), determination_date=date(2025, 3, 3))
    service.record_self_correction(CREDIT, record_id=record, ground="harm_prevented", outcome="exempt", reason="及时纠正",
                                   document={"number": "通信办〔2025〕6号", "date": date(2025, 3, 9)}, decided_on=date(2025, 3, 9))
    follower = Follower(app, engine)
    follower.run_once()
    with engine.connect() as conn:
        shown = {r["masked_name"] for r in public_records(conn, date(2025, 4, 10))}
        kinds = dict(conn.execute(select(subjects.c.masked_name, subjects.c.kind)).all())
    assert shown == {"南通市某局", "郑*"}
    assert kinds == {"南通市某局": "government_body", "郑*": "civil_servant"}
    followed = snapshot(engine)
    for name in PROJECTIONS:
        follower.rebuild(name, progress=False)
        assert snapshot(engine) == followed, f"rebuilt {name} differs from the live view"
