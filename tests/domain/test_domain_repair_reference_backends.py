"""JY-23 on both backends: a repair with public service is stored as the reference of the black-list exit it
causes (the determining unit may weigh it, JY-23), read back from the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from domain_helpers import ADMIN, SECRET, doc
from ledger_support.backends import initialised_ledger
from test_domain_narrative_jy import MARKET, black_list, company_with_boss, record

from domain.policy import load_all
from domain.service import CreditService
from ledger.config import Settings

UNITS = ("ledger-admin", "jy-market-supervision", "jy-credit-office", "jy-relevant-departments")


class Day:
    """A settable business day."""

    day = date(2024, 6, 3)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def service(backend_settings: Settings) -> Iterator[tuple[CreditService, Day]]:
    app = initialised_ledger(backend_settings, UNITS)
    clock = Day()
    svc = CreditService(app, {"JY": load_all()["JY"]}, SECRET, today=clock)
    svc.publish_profile(ADMIN, profile_id="JY")
    yield svc, clock
    app.close()


def test_jy_23_public_service_repair_is_the_black_list_exit_reference_on_both_backends(
        service: tuple[CreditService, Day]) -> None:
    svc, clock = service
    company, _boss = company_with_boss(svc, 31)
    record_id = record(svc, company)
    entry_id = black_list(svc, company, record_id)
    clock.day = date(2024, 9, 2)
    repair_id = svc.apply_for_repair(MARKET, record_id=record_id, applied_on=date(2024, 8, 20),
                                     corrected_on=date(2024, 8, 1), public_service=["慈善捐助 2 万元", "消除不良影响"])
    svc.give_repair_opinion(MARKET, repair_id=repair_id, favourable=True, given_on=date(2024, 8, 26),
                            opinion=doc(date(2024, 8, 26), "澄市监修〔2024〕2号", "同意修复"))
    svc.decide_repair(MARKET, repair_id=repair_id, approved=True, reasons="整改到位", decided_on=date(2024, 9, 2))
    fresh = CreditService(svc.ledger, svc.profiles, SECRET, today=clock)  # read back from storage
    closing = fresh.list_entry(entry_id).closing
    assert closing["repairs"] == [{"repair_id": str(repair_id), "record_id": str(record_id),
                                   "public_service": ["慈善捐助 2 万元", "消除不良影响"],
                                   "approved_on": date(2024, 9, 2)}]
