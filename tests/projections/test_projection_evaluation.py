"""The yearly government-integrity evaluation (NT-GOV-4.1) and the circular's government records (NT-JRP-Q) on
both backends: the facts of each subordinate body computed at one log position, signed; recomputed at that
position they match; a later back-dated record changes a new computation but not the stored one; no score and
no 双公示 figure are invented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from gov_support import CREDIT, DISCIPLINE, HR, ORG, STATS, judgment, register_body, register_servant
from ledger_support.backends import initialised_ledger
from sqlalchemy import Engine

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings
from projections.db import make_engine
from projections.circular import circular_contents
from projections.evaluation import evaluation_contents
from web.circulars import produce_circular, reproduce_circular
from web.evaluations import produce_evaluation, reproduce_evaluation

SECRET = b"projection-test-secret-0123456789"
ADMIN = Actor("ledger-admin", "admin")
UNITS = ("ledger-admin", "nt-credit-office", "nt-organisation-department", "nt-hrss", "nt-discipline-supervision",
         "nt-statistics-bureau", "nt-finance-bureau")


class Clock:
    """The service's business day, moved by the test."""

    day = date(2024, 3, 1)

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def world(backend_settings: Settings) -> Iterator[tuple[LedgerApplication, CreditService, Engine, Clock]]:
    """A ledger with NT published, a movable service clock and an engine on the same database."""
    app = initialised_ledger(backend_settings, UNITS)
    clock = Clock()
    service = CreditService(app, {"NT": load_all()["NT"]}, SECRET, today=clock)
    service.publish_profile(ADMIN, profile_id="NT")
    engine = make_engine(backend_settings)
    yield app, service, engine, clock
    engine.dispose()
    app.close()


def _doc(day: date, number: str, text: str | None = None) -> dict[str, Any]:
    return {"number": number, "date": day, **({"text": text} if text else {})}


def _record(service: CreditService, subject: Any, day: date, number: str) -> Any:
    return service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=subject, source_kind="court_judgment", document=judgment(day, number),
        behaviour_code="NT-GOV-3.4", tier="general", act_date=date(2023, 12, 1), determination_date=day)


def _year_2024(service: CreditService, clock: Clock) -> tuple[Any, Any, Any]:
    """A city government, its statistics bureau (evaluated) and a body it does not supervise."""
    city = register_body(service, "南通市人民政府", 21, unit="nt-finance-bureau")
    stats = register_body(service, "南通市统计局", 22, unit="nt-statistics-bureau", superior_id=city)
    other = register_body(service, "某省直机关", 23)
    servant = register_servant(service, stats, 24, "钱七")
    clock.day = date(2024, 12, 31)
    service.record_file_entry(STATS, profile_id="NT", subject_id=stats, category="openness", polarity="positive",
                              document=_doc(date(2024, 3, 1), "通统〔2024〕1号"), summary="主动公开")
    late = _record(service, stats, date(2024, 5, 2), "(2024)苏06行初1号")
    service.order_rectification(CREDIT, record_id=late, ordered_on=date(2024, 5, 10), deadline=date(2024, 6, 30),
                                requirements="限期整改")
    service.complete_rectification(STATS, record_id=late, completed_on=date(2024, 7, 5),
                                   document=_doc(date(2024, 7, 5), "通统〔2024〕9号"))
    overdue = _record(service, stats, date(2024, 8, 1), "(2024)苏06行初2号")
    service.order_rectification(CREDIT, record_id=overdue, ordered_on=date(2024, 8, 2), deadline=date(2024, 11, 30),
                                requirements="限期整改")
    service.publish_criticism(CREDIT, record_id=overdue, notice=_doc(date(2024, 8, 5), "通信办〔2024〕8号", "通报批评"),
                              published_on=date(2024, 8, 5))
    _record(service, other, date(2024, 6, 1), "(2024)苏06行初3号")  # not the city's subordinate
    service.record_government_dishonesty(
        DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2024, 9, 1), "通纪〔2024〕30号", "南通市纪委"), behaviour_code="NT-GOV-3.6",
        tier="general", act_date=date(2024, 6, 1), determination_date=date(2024, 9, 1))
    return city, stats, other


def test_nt_gov_4_1_yearly_evaluation_reports_facts_signed_and_reproducible(world) -> None:
    app, service, engine, clock = world
    city, stats, other = _year_2024(service, clock)
    clock.day = date(2025, 1, 15)
    issue = dict(profile_id="NT", evaluator_id=city, year=2024)
    count = app.event_count()
    for actor, day, field in ((STATS, date(2025, 1, 15), "actor"), (CREDIT, date(2024, 12, 31), "year"),
                              (CREDIT, date(2025, 1, 16), "issued_on")):
        with pytest.raises(RuleViolation) as exc:
            produce_evaluation(app, engine, service, actor, issued_on=day, **issue)
        assert (exc.value.rule_id, exc.value.field) == ("NT-GOV-4.1", field)
    with pytest.raises(RuleViolation) as exc:  # a civil servant evaluates nobody
        produce_evaluation(app, engine, service, CREDIT, issued_on=date(2025, 1, 15), profile_id="NT",
                           evaluator_id=register_servant(service, city, 25, "孙八"), year=2024)
    assert (exc.value.rule_id, exc.value.field) == ("NT-GOV-4.1", "evaluator_id")
    assert app.event_count() == count + 2  # only the civil servant's registration was stored

    produce_evaluation(app, engine, service, Actor("nt-finance-bureau", "zhou"), issued_on=date(2025, 1, 15),
                       **issue)
    shown = reproduce_evaluation(app, engine, service, "NT", city, 2024)
    assert shown["matches"] and shown["issued_by"] == "nt-finance-bureau"
    contents = shown["contents"]
    assert contents["scoring"]["score"] is None and contents["shuanggongshi"]["recorded"] is False
    [body] = contents["bodies"]  # the body it does not supervise is not evaluated
    assert body["subject_id"] == str(stats) and body["name"] == "南通市统计局"
    assert body["records"] == {"court_judgment": 2} and body["civil_servant_records"] == {"disciplinary_sanction": 1}
    assert [r["status"] for r in body["rectifications"]] == ["late", "overdue"]
    assert body["rectification_counts"] == {"late": 1, "overdue": 1}
    assert (body["criticisms"], body["honours_lost"], body["honours_barred_at_end"]) == (1, 2, True)
    assert body["positive_entries"] == {"openness": 1}
    with pytest.raises(RuleViolation) as exc:
        produce_evaluation(app, engine, service, CREDIT, issued_on=date(2025, 1, 15), **issue)
    assert (exc.value.rule_id, exc.value.field) == ("NT-GOV-4.1", "year")  # once per body and year

    # a back-dated record of 2024 entered later: the stored evaluation still reproduces; a new one differs
    clock.day = date(2025, 2, 1)
    _record(service, stats, date(2024, 10, 1), "(2024)苏06行初4号")
    again = reproduce_evaluation(app, engine, service, "NT", city, 2024)
    assert again["matches"] and again["contents"] == contents
    _, now = evaluation_contents(app, engine, "NT", city, 2024)
    assert now["bodies"][0]["records"] == {"court_judgment": 3}
    _, then = evaluation_contents(app, engine, "NT", city, 2024, shown["log_position"])
    assert then == contents


def test_nt_jrp_q_the_quarterly_circular_counts_government_dishonesty_records(world) -> None:
    app, service, engine, clock = world
    _year_2024(service, clock)
    clock.day = date(2025, 1, 15)
    service.report_government_records(CREDIT, profile_id="NT", period="2024-08", reported_on=date(2025, 1, 15))
    produce_circular(app, engine, service, CREDIT, profile_id="NT", period="2024-Q3", issued_on=date(2025, 1, 15))
    shown = reproduce_circular(app, engine, service, "NT", "2024-Q3")
    government = shown["contents"]["government"]
    assert shown["matches"] and shown["contents"]["method"] == 2
    # Q3: the overdue body record (08-01) and the civil servant's sanction (09-01); its criticism (08-05)
    assert government["determined"] == {"civil_servant": {"disciplinary_sanction": 1},
                                        "government_body": {"court_judgment": 1}}
    assert (government["criticisms"], government["in_force_at_end"]) == (1, 4)
    assert government["rectifications_overdue_at_end"] == 0  # its deadline is 2024-11-30
    # NT-GOV-2.3 carried out? August was reported upward (its one record), September not yet
    assert (government["months_reported_upward"], government["reported_upward"]) == (["2024-08"], 1)
    # a circular issued before government records were counted (no `method`) still reproduces
    position, old = circular_contents(app, engine, "NT", sorted(load_all()["NT"].behaviours), date(2024, 10, 1),
                                      date(2024, 12, 31), method=1)
    service.issue_circular(CREDIT, profile_id="NT", period="2024-Q4", issued_on=date(2025, 1, 15),
                           log_position=position, contents={"period": "2024-Q4", **old})
    legacy = reproduce_circular(app, engine, service, "NT", "2024-Q4")
    assert legacy["matches"] and "government" not in legacy["contents"]
    _, q4 = circular_contents(app, engine, "NT", sorted(load_all()["NT"].behaviours), date(2024, 10, 1),
                              date(2024, 12, 31))
    assert q4["government"]["rectifications_overdue_at_end"] == 1
