"""The read models follow the new steps (JY-21 decline, JY-17 withdrawal, NT-PCI-32 provider verification) on
both backends, and a rebuild gives the same rows as live following."""

from __future__ import annotations

from datetime import date

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import SECRET, snapshot
from projection_support.scenario import ADMIN
from sqlalchemy import Engine, select

from domain.actor import Actor
from domain.policy import load_profile
from domain.service import CreditService
from ledger.app import LedgerApplication
from projections.db import sanction_steps, sanctions, work_items
from projections.follower import Follower
from projections.registry import PROJECTIONS

TAX, CREDIT, BANKS = Actor("nt-tax-bureau", "qian"), Actor("nt-credit-office", "sun"), \
    Actor("nt-financial-institutions", "wu")
PENALTY = {"type": "administrative_penalty", "number": "通税罚〔2024〕7号", "issuer": "南通市税务局",
           "date": date(2024, 1, 8)}


def test_jy_21_jy_17_nt_pci_32_new_steps_in_the_views_live_and_rebuilt(signed_ledger: LedgerApplication,
                                                                       engine: Engine) -> None:
    for unit in (ADMIN.unit, TAX.unit, CREDIT.unit, BANKS.unit):
        signed_ledger.register_key(unit)
    service = CreditService(signed_ledger, {"NT": load_profile("NT")}, SECRET, today=lambda: date(2024, 3, 20))
    service.publish_profile(ADMIN, profile_id="NT")
    person = service.register_person(TAX, name="李四", id_number="320102198001010016")
    records = [service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code=code,
                                         tier="serious", basis=PENALTY, act_date=date(2023, 12, 1),
                                         determination_date=date(2024, 1, 10))
               for code in ("NT-PCI-12.3", "NT-PCI-12.9")]
    declined, withdrawn = (service.push_sanction(CREDIT, source_id=r, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
                           for r in records)
    for case in (declined, withdrawn):
        service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    service.decline_sanction(BANKS, sanction_id=declined, reason="无业务往来", declined_on=date(2024, 2, 5))
    objection = service.file_objection(CREDIT, record_id=records[0], grounds="wrong_or_incomplete",
                                       statement="有误", filed_on=date(2024, 3, 1))
    service.refer_objection(CREDIT, objection_id=objection, referred_on=date(2024, 3, 4))
    service.verify_objection(TAX, objection_id=objection, correct=True, findings="无误", verified_on=date(2024, 3, 8))
    service.revoke_erroneous(TAX, target_id=records[1], reason="重复", revoked_on=date(2024, 3, 12),
                             apology={"number": "致歉〔2024〕1号", "date": date(2024, 3, 12), "text": "致歉"})
    assert service.push_due_lifts(CREDIT, reason="记录撤销", pushed_on=date(2024, 3, 12)) == [withdrawn]

    follower = Follower(signed_ledger, engine, batch_size=4)
    follower.run_once()
    with engine.connect() as conn:
        cases = dict(conn.execute(select(sanctions.c.sanction_id, sanctions.c.status)).all())
        steps = conn.execute(select(sanction_steps.c.step, sanction_steps.c.detail)
                             .where(sanction_steps.c.sanction_id == str(declined))
                             .order_by(sanction_steps.c.log_position)).all()
        verification = conn.execute(select(work_items.c.closed_position, work_items.c.late).where(
            work_items.c.item_id == str(objection), work_items.c.step == "provider_verification")).one()
    assert cases == {str(declined): "declined", str(withdrawn): "withdrawn"}
    assert [tuple(s) for s in steps] == [("pushed", steps[0][1]), ("acknowledged", None), ("declined", "无业务往来")]
    assert verification.closed_position is not None and verification.late is False  # 5 working days from 03-04
    live = snapshot(engine)
    for name in PROJECTIONS:
        follower.rebuild(name, progress=False)
    assert snapshot(engine) == live
