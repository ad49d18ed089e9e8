"""Demo data of government integrity (政务诚信, NT-GOV): made-up bodies and civil servants of the Nantong profile
driven through the credit service, each step signed by the unit the rules name, business dates before the demo's
today (2025-06-16). Pure domain; the same data on every run (its own fixed random draw), skipped when present."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.errors import DomainError
from domain.identifiers import synthetic_resident_id, uscc_check_char
from domain.service import CreditService

PROFILE = "NT"
RNG_SEED = 15_10  # issue 15.10: one fixed draw, so `ledger demo` stays the same for every --seed
ORG, HR = Actor("nt-organisation-department", "gu"), Actor("nt-hrss", "zhao")
CREDIT, DISCIPLINE = Actor("nt-credit-office", "sun"), Actor("nt-discipline-supervision", "jiang")
STATS, FINANCE = Actor("nt-statistics-bureau", "tang"), Actor("nt-finance-bureau", "fan")
GOV_ACTORS = (ORG, HR, CREDIT, DISCIPLINE, STATS, FINANCE)
SERVANT_NAMES = ("陆明远", "钱雅琴", "范志刚", "吴晓峰")  # made up


@dataclass
class GovernmentDemo:
    """What the government part of the demo did (counts only: no names, no ID numbers)."""

    created: bool = False
    counts: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _uscc(rng: random.Random) -> str:
    """A made-up credit code of type 11 (机关) in Nantong (3206)."""
    body = "11320600" + "MB" + "".join(rng.choice("0123456789") for _ in range(7))
    return body + uscc_check_char(body)


def _doc(day: date, number: str, issuer: str | None = None) -> dict[str, Any]:
    return {"number": number, "date": day, **({"issuer": issuer} if issuer else {})}


def demo_keys() -> tuple[list[str], list[str]]:
    """The credit codes of the three bodies and the ID numbers of the four civil servants (the same every run)."""
    rng = random.Random(RNG_SEED)
    codes = [_uscc(rng) for _ in range(3)]
    return codes, [synthetic_resident_id(rng, date(1970 + 4 * i, 3 + i, 10 + i)) for i in range(4)]


def run_government_demo(service: CreditService, clock: Any) -> GovernmentDemo:
    """Register the bodies and civil servants once and drive their files, records and cases (NT-GOV)."""
    result = GovernmentDemo()
    codes, people = demo_keys()
    if service.find_subject(codes[0]) is not None:
        return result
    try:
        _drive(service, clock, codes, people, result.counts)
        result.created = True
    except DomainError as exc:  # a bug of this generator: report it
        result.failures.append(f"NT:government: {type(exc).__name__}: {exc}")
    return result


def _drive(s: CreditService, c: Any, codes: list[str], people: list[str], n: Counter) -> None:
    c.day = date(2024, 1, 10)
    city = s.register_government_body(ORG, profile_id=PROFILE, name="南通市人民政府", uscc=codes[0], level="city")
    stats = s.register_government_body(ORG, profile_id=PROFILE, name="南通市统计局", uscc=codes[1], level="city",
                                       superior_id=city, unit=STATS.unit)
    finance = s.register_government_body(ORG, profile_id=PROFILE, name="南通市财政局", uscc=codes[2], level="city",
                                         superior_id=city, unit=FINANCE.unit)
    servants = [s.register_civil_servant(HR, profile_id=PROFILE, name=name, id_number=number, employer_id=body,
                                         post=post)
                for name, number, body, post in zip(SERVANT_NAMES, people,
                                                    (stats, stats, finance, finance), ("局长", "科长", "局长", "科员"))]
    n.update(bodies=3, civil_servants=4)
    _file_entries(s, c, city, stats, servants, n)
    _body_cases(s, c, stats, finance, servants[2], n)
    _servant_cases(s, c, servants[1], servants[3], n)


def _file_entries(s: CreditService, c: Any, city: UUID, stats: UUID, servants: list[UUID], n: Counter) -> None:
    """NT-GOV-2.2a: positive entries first-class; each by the department that records it."""
    c.day = date(2025, 1, 31)
    entries = [
        (ORG, city, "lawful_administration", "positive", _doc(date(2025, 1, 15), "通依法行政〔2025〕1号"),
         "法治政府建设年度考核优秀", None, None),
        (STATS, stats, "openness", "positive", _doc(date(2025, 1, 20), "通统公开〔2025〕2号"),
         "政府信息主动公开率100%", None, None),
        (HR, servants[0], "annual_assessment", "positive", _doc(date(2025, 1, 25), "通人社考〔2025〕3号"),
         "2024年度考核", 2024, "优秀"),
        (HR, servants[1], "honours", "positive", _doc(date(2025, 1, 28), "通人社奖〔2025〕4号"),
         "全国经济普查先进个人", None, None),
    ]
    for actor, subject, category, polarity, document, summary, year, outcome in entries:
        s.record_file_entry(actor, profile_id=PROFILE, subject_id=subject, category=category, polarity=polarity,
                            document=document, summary=summary, year=year, result=outcome)
    n.update(file_entries=len(entries))


def _body_cases(s: CreditService, c: Any, stats: UUID, finance: UUID, head: UUID, n: Counter) -> None:
    """NT-GOV-2.2b/3.4, 2.4a: court judgments against two departments; explained; one rectified on time, one
    overdue and criticised; the overdue body's principal held accountable."""
    c.day = date(2025, 3, 3)
    overdue = s.record_government_dishonesty(
        CREDIT, profile_id=PROFILE, subject_id=finance, source_kind="court_judgment",
        document=_doc(date(2025, 3, 1), "(2024)苏06行初88号", "南通市中级人民法院"), behaviour_code="NT-GOV-3.4",
        tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2),
        summary="未兑现招商引资政策承诺")
    on_time = s.record_government_dishonesty(
        CREDIT, profile_id=PROFILE, subject_id=stats, source_kind="court_judgment",
        document=_doc(date(2025, 3, 1), "(2024)苏06行初89号", "南通市中级人民法院"), behaviour_code="NT-GOV-3.4",
        tier="general", act_date=date(2024, 10, 8), determination_date=date(2025, 3, 3),
        summary="违约拖欠合同款项")
    c.day = date(2025, 3, 10)
    s.give_explanation(FINANCE, record_id=overdue, text="政策调整后未及时履约，已制定整改方案", explained_on=date(2025, 3, 8))
    s.give_explanation(STATS, record_id=on_time, text="合同款项审批延误", explained_on=date(2025, 3, 9))
    for record in (overdue, on_time):
        s.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 10), deadline=date(2025, 4, 30),
                              requirements="限期兑现承诺、支付款项并报送整改报告")
    c.day = date(2025, 5, 12)
    s.complete_rectification(STATS, record_id=on_time, completed_on=date(2025, 4, 25),
                             document=_doc(date(2025, 4, 25), "通统整改〔2025〕1号"))
    s.publish_criticism(CREDIT, record_id=overdue, published_on=date(2025, 5, 12),
                        notice={**_doc(date(2025, 5, 12), "通信用通报〔2025〕2号"), "text": "逾期未整改，予以通报批评"})
    s.hold_principal_accountable(
        DISCIPLINE, record_id=overdue, person_id=head, source_kind="accountability_decision",
        document=_doc(date(2025, 5, 12), "通监问〔2025〕6号", "南通市监察委员会"), tier="general",
        determination_date=date(2025, 5, 12), summary="主要负责人履职不力被问责")
    n.update(records=3, rectifications=2, criticisms=1, accountability=1)


def _servant_cases(s: CreditService, c: Any, sanctioned: UUID, tolerated: UUID, n: Counter) -> None:
    """NT-GOV-2.2b/3.6 and 2.5b: a disciplinary sanction, then self-correction; NT-GOV-2.2c: one case kept out."""
    c.day = date(2025, 4, 2)
    record = s.record_government_dishonesty(
        DISCIPLINE, profile_id=PROFILE, subject_id=sanctioned, source_kind="disciplinary_sanction",
        document=_doc(date(2025, 4, 1), "通纪处〔2025〕15号", "南通市纪委"), behaviour_code="NT-GOV-3.6",
        tier="general", act_date=date(2025, 1, 20), determination_date=date(2025, 4, 1), summary="统计数据弄虚作假")
    c.day = date(2025, 5, 20)
    s.record_self_correction(CREDIT, record_id=record, ground="effect_removed", outcome="lighter",
                             lifted=["honours_restriction"], reason="主动更正数据并公开说明，消除不良影响",
                             document=_doc(date(2025, 5, 20), "通信办〔2025〕7号"), decided_on=date(2025, 5, 20))
    s.determine_fault_tolerance(DISCIPLINE, profile_id=PROFILE, subject_id=tolerated, case_number="通纪处〔2025〕16号",
                                document=_doc(date(2025, 5, 20), "通容〔2025〕1号"),
                                reason="改革创新中的探索性失误，未谋取私利，符合容错条件")
    n.update(records=1, self_corrections=1, fault_tolerance=1)
