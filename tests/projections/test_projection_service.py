"""The same views and answers when the history is written through the domain service (CreditService)."""

from __future__ import annotations

from datetime import date

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import BASIS, DEPT, ID_NUMBER, SECRET, TODAY, snapshot
from projection_support.scenario import ADMIN
from sqlalchemy import Engine, select

from domain.actor import Actor
from domain.policy import PolicyProfile, load_profile
from domain.service import CreditService
from ledger.app import LedgerApplication
from projections.db import records
from projections.follower import Follower
from projections.registry import PROJECTIONS
from projections.timetravel import status

CENTRE = Actor("nt-credit-centre", "zhou")  # NT-PCI-32: the centre corrects


def _nt_with_dept_a() -> PolicyProfile:
    """NT with the fixture's department among its units (JY-5: only a unit the profile names determines)."""
    content = load_profile("NT").to_content()
    content["units"][DEPT.unit] = {"name_zh": "测试部门", "name_en": "Test department"}
    return PolicyProfile.from_content(content)


def test_service_history_views_rebuild_and_time_travel(signed_ledger: LedgerApplication, engine: Engine) -> None:
    service = CreditService(signed_ledger, {"NT": _nt_with_dept_a()}, SECRET, today=lambda: TODAY)
    signed_ledger.register_key(ADMIN.unit)
    signed_ledger.register_key(CENTRE.unit)
    service.publish_profile(ADMIN, profile_id="NT")
    subject_id = service.register_person(DEPT, name="李四", id_number=ID_NUMBER)
    record_id = service.record_dishonesty(
        DEPT, profile_id="NT", subject_id=subject_id, behaviour_code="NT-PCI-12.1", tier="general", basis=BASIS,
        act_date=date(2023, 1, 10), determination_date=date(2023, 3, 1), summary="欠薪")
    objection_id = service.file_objection(DEPT, record_id=record_id, grounds="wrong_or_incomplete",
                                          statement="日期有误", filed_on=date(2023, 3, 10))
    before_correction = signed_ledger.log.tree_size() - 1
    service.decide_objection(DEPT, objection_id=objection_id, upheld=True, reasons="核实有误",
                             decided_on=date(2023, 3, 15))
    service.apply_correction(CENTRE, objection_id=objection_id, changes={"determination_date": date(2023, 2, 1)},
                             applied_on=date(2023, 3, 16))
    follower = Follower(signed_ledger, engine, batch_size=3)
    follower.run_once()
    with engine.connect() as conn:
        row = conn.execute(select(records).where(records.c.record_id == str(record_id))).mappings().one()
    assert (row["status"], row["valid_from"], row["valid_until"]) == ("corrected", date(2023, 2, 1), date(2024, 2, 1))
    live = snapshot(engine)
    for name in PROJECTIONS:
        follower.rebuild(name, progress=False)
    assert snapshot(engine) == live
    day = date(2023, 2, 15)  # in force that day only according to the corrected determination
    old = status(signed_ledger, subject_id, before_correction, valid_at=day).items[0]
    new = status(signed_ledger, subject_id, valid_at=day).items[0]
    assert (old.status, old.in_force_at, new.status, new.in_force_at) == ("objection_pending", False, "corrected", True)
