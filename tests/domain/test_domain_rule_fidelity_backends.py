"""The rule-fidelity aggregates and events on both backends (SQLite and PostgreSQL): NT-PCI-11 information,
HA-5.3 authorisations and authorised queries, LYG-4 submissions, HA-4.2 leniency, NT-PCI-17 roster gaps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from domain_helpers import ADMIN, SECRET, actor, basis, doc, person_id
from ledger_support.backends import initialised_ledger

from domain.errors import RuleViolation
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings

UNITS = ("ledger-admin", "nt-tax-bureau", "nt-credit-centre", "nt-financial-institutions", "lyg-petition-bureau",
         "ha-market-supervision")
TODAY = date(2025, 9, 2)


@pytest.fixture
def service(backend_settings: Settings) -> Iterator[CreditService]:
    """A service on a fresh ledger of the backend, with NT, LYG and HA published."""
    app: LedgerApplication = initialised_ledger(backend_settings, UNITS)
    profiles = {k: v for k, v in load_all().items() if k in ("NT", "LYG", "HA")}
    svc = CreditService(app, profiles, SECRET, today=lambda: TODAY)
    for profile_id in profiles:
        svc.publish_profile(ADMIN, profile_id=profile_id)
    yield svc
    app.close()


def test_nt_pci_11_ha_5_3_lyg_4_ha_4_2_and_nt_pci_17_on_both_backends(service: CreditService) -> None:
    tax, centre, bank = actor("nt-tax-bureau"), actor("nt-credit-centre"), actor("nt-financial-institutions")
    person = service.register_person(tax, name="许某", id_number=person_id(date(1982, 3, 3), 501))
    info = service.record_information(tax, profile_id="NT", subject_id=person, category="NT-PCI-11.1",
                                      document=doc(date(2025, 8, 1)), disclosure="authorised_query", summary="表彰")
    granted = service.grant_query_authorisation(
        centre, subject_id=person, requester="nt-financial-institutions", method="sms", purpose="贷款审批",
        granted_on=date(2025, 9, 1), valid_until=date(2025, 9, 30), evidence=doc(date(2025, 9, 1), "短信验证 77"))
    found = service.authorised_query(bank, subject_id=person, purpose="贷款审批", authorisation_id=granted)
    assert [i.id for i in found["information"]] == [info] and found["records"] == []
    assert service.government_shared_query(tax, subject_id=person, purpose="稽查", basis="通知")["information"] == []

    bureau = actor("lyg-petition-bureau")
    petitioner = service.register_person(bureau, name="何某", id_number=person_id(date(1970, 1, 1), 502))
    record = service.record_dishonesty(
        bureau, profile_id="LYG", subject_id=petitioner, behaviour_code="LYG-7.4", tier="general",
        basis=basis(date(2025, 8, 2), kind="other_statutory"), act_date=date(2025, 8, 1),
        determination_date=date(2025, 8, 2))
    service.submit_records(bureau, record_ids=[record], submitted_on=date(2025, 8, 3))
    assert service.record(record).submitted == {"to_unit": "lyg-credit-office", "on": date(2025, 8, 3),
                                                "by": "lyg-petition-bureau"}

    market = actor("ha-market-supervision")
    minor = service.register_person(market, name="吕某", id_number=person_id(date(2009, 1, 1), 503))
    fields = {"profile_id": "HA", "subject_id": minor, "behaviour_code": "HA-2.2", "tier": "general",
              "basis": basis(date(2025, 8, 2)), "act_date": date(2025, 8, 1), "determination_date": date(2025, 8, 2)}
    with pytest.raises(RuleViolation):
        service.record_dishonesty(market, **fields)
    lenient = service.record_dishonesty(market, leniency={"grounds": ["minor"], "statement": "未成年，从轻"}, **fields)
    assert service.record(lenient).leniency["grounds"] == ["minor"]  # type: ignore[index]

    due = {(r["unit"], r["period"]) for r in service.reports_due(TODAY, since="2025-07")}
    assert due == {(u, "2025-07") for u in ("nt-tax-bureau", "nt-hrss", "nt-discipline-supervision")}
