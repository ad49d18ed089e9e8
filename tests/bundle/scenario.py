"""A scenario history for the court-bundle tests, written through CreditService on a real signed ledger.

The subject (李四) gets a serious NT tax record, a confirmed black-list entry, a sanction case closed by
feedback, and an upheld objection with a correction; `repair` later repairs the record (NT-PCI-35),
which exits the black list (JY-17) and pushes the lift of the sanction. Another person (王五) has a
record of their own: their data must never appear in the subject's bundle (privacy).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.actor import Actor
from domain.identifiers import synthetic_resident_id
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from ledger.transparency import create_checkpoint
from ledger_support.backends import initialised_ledger

SECRET = b"bundle-test-secret-0123456789abcdef"
ADMIN = Actor("ledger-admin", "admin")
TAX = Actor("nt-tax-bureau", "qian")
CREDIT = Actor("nt-credit-office", "sun")
CENTRE = Actor("nt-credit-centre", "zhou")
BANKS = Actor("nt-financial-institutions", "wu")
EXPORTER = "nt-credit-office"  # the unit that signs the bundles' completeness statements
UNITS = ("ledger-admin", "nt-tax-bureau", "nt-credit-office", "nt-credit-centre", "nt-financial-institutions")
NAME, OTHER_NAME = "李四", "王五"
ID_NUMBER = synthetic_resident_id(random.Random(7), date(1985, 7, 9))
OTHER_ID_NUMBER = synthetic_resident_id(random.Random(8), date(1979, 3, 3))
PENALTY = {"type": "administrative_penalty", "number": "通税罚〔2024〕7号", "issuer": "国家税务总局南通市税务局",
           "date": date(2024, 1, 8)}


@dataclass
class Clock:
    """The service's movable `today`."""

    day: date = date(2024, 1, 10)

    def __call__(self) -> date:
        return self.day


@dataclass
class Scenario:
    """The ledger, its service and the ids a test asserts on."""

    app: LedgerApplication
    service: CreditService
    clock: Clock
    subject_id: UUID
    other_id: UUID
    record_id: UUID
    black_id: UUID
    case_id: UUID
    objection_id: UUID


def build(settings: Settings) -> Scenario:
    """Write the history up to (not including) the repair."""
    app = initialised_ledger(settings, UNITS)
    clock = Clock()
    service = CreditService(app, {"NT": load_all()["NT"]}, SECRET, today=clock)
    service.publish_profile(ADMIN, profile_id="NT")
    subject = service.register_person(TAX, name=NAME, id_number=ID_NUMBER, address="南通市崇川区某路1号")
    other = service.register_person(TAX, name=OTHER_NAME, id_number=OTHER_ID_NUMBER)
    record = service.record_dishonesty(
        TAX, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.3", tier="serious", basis=PENALTY,
        act_date=date(2023, 12, 1), determination_date=date(2024, 1, 10), summary="欠缴税款逾期未缴")
    service.record_dishonesty(
        TAX, profile_id="NT", subject_id=other, behaviour_code="NT-PCI-12.3", tier="serious",
        basis=dict(PENALTY, number="通税罚〔2024〕8号"), act_date=date(2023, 12, 2),
        determination_date=date(2024, 1, 10), summary="另一人欠税")
    clock.day = date(2024, 2, 1)
    black = service.draft_list_entry(TAX, profile_id="NT", subject_id=subject, list_code="black",
                                     record_ids=[record], drafted_on=date(2024, 2, 1), reason="严重失信")
    service.confirm_list_entry(CREDIT, list_entry_id=black, confirmed_on=date(2024, 2, 1),
                               decision={"number": "通信用认〔2024〕2号", "date": date(2024, 2, 1)})
    case = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
    clock.day = date(2024, 2, 29)
    service.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2024, 2, 2))
    clock.day = date(2024, 3, 12)
    objection = service.file_objection(CENTRE, record_id=record, grounds="wrong_or_incomplete",
                                       statement="处罚决定书文号有误", filed_on=date(2024, 3, 1))
    service.refer_objection(CENTRE, objection_id=objection, referred_on=date(2024, 3, 4))
    service.decide_objection(TAX, objection_id=objection, upheld=True, reasons="文号录入错误",
                             decided_on=date(2024, 3, 8))
    service.apply_correction(CENTRE, objection_id=objection, changes={"basis": dict(PENALTY, number="通税罚〔2024〕17号")},
                             applied_on=date(2024, 3, 12))
    create_checkpoint(app)  # an older checkpoint covers the subject's events ...
    service.register_person(TAX, name="赵六", id_number=synthetic_resident_id(random.Random(9), date(1990, 1, 1)))
    create_checkpoint(app)  # ... and a newer one: the bundle carries a real consistency proof
    return Scenario(app, service, clock, subject, other, record, black, case, objection)


def repair(s: Scenario) -> UUID:
    """Repair the record after a clean year (NT-PCI-34/35); the black-list entry exits (JY-17)."""
    s.clock.day = date(2025, 2, 13)
    repair_id = s.service.apply_for_repair(
        CENTRE, record_id=s.record_id, applied_on=date(2025, 2, 5), corrected_on=date(2024, 2, 1),
        commitment={"number": "承诺〔2025〕3号", "date": date(2025, 2, 5), "text": "本人承诺依法纳税"})
    s.service.give_repair_opinion(TAX, repair_id=repair_id, favourable=True, given_on=date(2025, 2, 6),
                                  opinion={"number": "修复意见〔2025〕1号", "date": date(2025, 2, 6), "text": "同意修复"})
    s.service.decide_repair(TAX, repair_id=repair_id, approved=True, reasons="公示无异议", decided_on=date(2025, 2, 13))
    return repair_id
