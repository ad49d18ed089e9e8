"""NT-GOV scenarios on both backends (SQLite and PostgreSQL): a department with a court judgment against it
(record → explanation → rectification overdue → criticism → repair), and a civil servant (disciplinary
sanction → award refused → self-correction → lifted)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from domain_helpers import ADMIN, SECRET, doc
from gov_support import CREDIT, DISCIPLINE, HR, STATS, judgment, register_body, register_servant
from ledger_support.backends import initialised_ledger

from domain.policy import load_all
from domain.record import IN_FORCE, REPAIRED
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings

UNITS = ("ledger-admin", "nt-credit-office", "nt-credit-centre", "nt-organisation-department", "nt-hrss",
         "nt-discipline-supervision", "nt-statistics-bureau")


@dataclass
class Clock:
    """The service's movable `today`."""

    day: date = date(2025, 3, 10)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def world(backend_settings: Settings) -> Iterator[tuple[CreditService, Clock]]:
    """A service with NT published on a fresh ledger of the backend."""
    app: LedgerApplication = initialised_ledger(backend_settings, UNITS)
    clock = Clock()
    svc = CreditService(app, {"NT": load_all()["NT"]}, SECRET, today=clock)
    svc.publish_profile(ADMIN, profile_id="NT")
    yield svc, clock
    app.close()


def award(service: CreditService, subject, day: date) -> bool:
    return service.may_receive_award(HR, subject_id=subject, day=day, purpose="评先评优", basis="NT-GOV-2.4").allowed


def test_nt_gov_department_court_judgment_to_repair(world) -> None:
    service, clock = world
    city = register_body(service, "南通市人民政府", 1)
    dept = register_body(service, "南通市统计局", 2, superior_id=city, unit="nt-statistics-bureau")
    # NT-GOV-2.2b, 3.4: a court judgment finds the department broke an investment promise
    record = service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=dept, source_kind="court_judgment", document=judgment(date(2025, 3, 1)),
        behaviour_code="NT-GOV-3.4", tier="serious", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2),
        summary="换届后未兑现招商引资政策承诺")
    assert not award(service, dept, date(2025, 3, 10))  # NT-GOV-2.4a: honours eligibility lost
    # NT-GOV-2.4a: written explanation, rectification by a deadline the order states (the seed sets none)
    service.give_explanation(STATS, record_id=record, text="换届后政策衔接不到位", explained_on=date(2025, 3, 6))
    service.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 7), deadline=date(2025, 4, 7),
                                requirements="兑现承诺并赔偿损失")
    clock.day = date(2025, 4, 10)
    assert [c.record_id for c in service.overdue_rectifications(clock.day)] == [record]
    service.publish_criticism(CREDIT, record_id=record, notice=doc(date(2025, 4, 10), "通信办〔2025〕8号", "通报批评"),
                              published_on=date(2025, 4, 10))
    clock.day = date(2025, 4, 20)
    service.complete_rectification(STATS, record_id=record, completed_on=date(2025, 4, 20),
                                   document=doc(date(2025, 4, 20), "整改〔2025〕2号"))
    case = service.government_case(record)
    assert case.rectification["on_time"] is False and case.criticism["notice"]["number"] == "通信办〔2025〕8号"
    # NT-GOV-2.5a: repair through the existing machinery (NT-PCI-34: corrected, a clean year, commitment)
    clock.day = date(2026, 4, 30)
    repair = service.apply_for_repair(
        CREDIT, record_id=record, applied_on=date(2026, 4, 21), corrected_on=date(2025, 4, 20),
        commitment=doc(date(2026, 4, 21), "承诺〔2026〕1号", "依法履约，不再失信"))
    service.give_repair_opinion(CREDIT, repair_id=repair, favourable=True, given_on=date(2026, 4, 22),
                                opinion=doc(date(2026, 4, 22), "修复意见〔2026〕1号", "已整改，同意修复"))
    service.decide_repair(CREDIT, repair_id=repair, approved=True, reasons="公示无异议", decided_on=date(2026, 4, 30))
    assert service.record(record).status == REPAIRED
    assert service.as_of(record, 1).status == IN_FORCE  # the past is kept
    assert award(service, dept, date(2026, 4, 30)) and not award(service, dept, date(2026, 4, 29))


def test_nt_gov_civil_servant_sanction_award_refused_self_correction_lifted(world) -> None:
    service, clock = world
    dept = register_body(service, "南通市某局", 3, unit="nt-statistics-bureau")
    servant = register_servant(service, dept, 4, "孙八")
    record = service.record_government_dishonesty(
        DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2025, 3, 3), "通纪〔2025〕12号", "南通市纪委"), behaviour_code="NT-GOV-3.6",
        tier="general", act_date=date(2024, 12, 1), determination_date=date(2025, 3, 3), summary="统计数据弄虚作假")
    assert not award(service, servant, date(2025, 3, 5))  # NT-GOV-2.4b
    assert award(service, servant, date(2025, 3, 2))  # before the determination
    # NT-GOV-2.4b through the joint-sanction loop: NT-M-05 pushed to HR for the civil servant (HA-4.2, JY-21)
    pushed = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-05", pushed_on=date(2025, 3, 4))
    assert service.sanction(pushed).department == "nt-hrss"
    service.record_self_correction(
        CREDIT, record_id=record, ground="effect_removed", outcome="exempt", reason="主动更正数据，消除不良影响",
        document=doc(date(2025, 3, 8), "通信办〔2025〕5号"), decided_on=date(2025, 3, 8))
    assert award(service, servant, date(2025, 3, 8)) and not award(service, servant, date(2025, 3, 7))
    correction = service.government_case(record).self_corrections[0]
    assert (correction["ground"], correction["outcome"], correction["lifted"]) == (
        "effect_removed", "exempt", ["honours_restriction"])
    assert service.record(record).in_force  # the record stays; only the sanction is lifted (NT-GOV-2.5b)
    assert service.sanction(pushed).status == "withdrawn"  # never applied: withdrawn, not lifted (JY-17)
