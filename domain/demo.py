"""Demo data: made-up subjects driven through the credit service along the narratives' lifecycle paths.

Pure domain: everything goes through `CreditService` commands and queries (no SQL, no web). The data is
reproducible from `random.Random(seed)`: the same seed gives the same subjects, and a subject already in
the ledger (same ID number or credit code) is skipped, so re-running the demo is harmless.
Every path follows a narrative of tests/domain (dates inside the 2019-2025 working-day calendar, after
each profile's effective date); a `RuleViolation` on a path is a bug of this generator, reported as a failure.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import credit_office
from domain.errors import DomainError
from domain.identifiers import synthetic_credit_code, synthetic_resident_id
from domain.sanction import LIFT_PUSHED
from domain.service import CreditService

CLERK = "clerk"  # confirms lifts for whichever department a measure names
ADMIN = Actor("ledger-admin", "demo-publisher")  # not "admin": that is the demo admin login (`ledger users demo`)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "文博", "子涵", "雨轩", "国庆", "晓东", "春梅", "立新"]
TRADES = ["食品", "建筑工程", "化工", "物流", "商贸", "餐饮管理", "机械制造", "纺织", "房地产开发", "环保科技"]
CITY = {"LYG": "连云港", "NT": "南通", "HA": "淮安", "JY": "江阴", "CS": "常熟"}


class Clock:
    """The service's movable `today` (the narratives move it step by step)."""

    def __init__(self, day: date = date(2025, 6, 16)) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def actor(unit: str, user: str) -> Actor:
    return Actor(unit, user)


def basis(day: date, number: str, issuer: str, kind: str = "administrative_penalty") -> dict[str, Any]:
    """A legal-basis document (HA-2.2)."""
    return {"type": kind, "number": number, "issuer": issuer, "date": day}


def doc(day: date, number: str, text: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"number": number, "date": day}
    if text is not None:
        result["text"] = text
    return result


# --- the acting units of the narratives ------------------------------------------------------------
LYG_BUREAU, LYG_CREDIT, LYG_HRSS = (actor("lyg-petition-bureau", "wang"), actor("lyg-credit-office", "li"),
                                    actor("lyg-hrss", "zhao"))
NT_TAX, NT_CREDIT, NT_CENTRE, NT_BANKS = (actor("nt-tax-bureau", "qian"), actor("nt-credit-office", "sun"),
                                          actor("nt-credit-centre", "zhou"), actor("nt-financial-institutions", "wu"))
HA_MARKET, HA_NDRC = actor("ha-market-supervision", "chen"), actor("ha-ndrc", "xu")
JY_MARKET, JY_CREDIT, JY_DEPTS = (actor("jy-market-supervision", "he"), actor("jy-credit-office", "lv"),
                                  actor("jy-relevant-departments", "shi"))
CS_BUREAU, CS_UMO, CS_CREDIT, CS_HOUSING = (actor("cs-enforcement-bureaus", "gu"),
                                            actor("cs-urban-management-office", "lu"),
                                            actor("cs-credit-office", "shen"), actor("cs-housing-construction", "yao"))
ACTORS = (LYG_BUREAU, LYG_CREDIT, LYG_HRSS, NT_TAX, NT_CREDIT, NT_CENTRE, NT_BANKS, HA_MARKET, HA_NDRC,
          JY_MARKET, JY_CREDIT, JY_DEPTS, CS_BUREAU, CS_UMO, CS_CREDIT, CS_HOUSING)


def acting_units(service: CreditService) -> list[str]:
    """Every unit that signs in the demo: the profiles' units, the flows' actors, the publishing admin."""
    units = {u for profile in service.profiles.values() for u in profile.units}
    return sorted(units | {a.unit for a in ACTORS} | {ADMIN.unit})


# --- made-up subjects ------------------------------------------------------------------------------
@dataclass
class Person:
    name: str
    id_number: str


@dataclass
class Organisation:
    name: str
    uscc: str


@dataclass
class Case:
    """One lifecycle path with its made-up subjects (the first is the main subject)."""

    profile: str
    path: str
    parties: list[Person | Organisation]
    n: int  # a running number for document numbers

    @property
    def key(self) -> str:
        main = self.parties[0]
        return main.id_number if isinstance(main, Person) else main.uscc


# (profile, path, parties: "p" person, "o" organisation followed by its linked persons)
PATHS: list[tuple[str, str, str]] = [
    ("LYG", "record_only", "p"),
    ("LYG", "reminder_escalation", "p"),
    ("LYG", "black_sanctions_objection_rejected", "p"),
    ("LYG", "expiry_sweep_lifts_confirmed", "p"),
    ("NT", "key_attention", "p"),
    ("NT", "key_attention_big_data_warning", "p"),
    ("NT", "red_list", "p"),
    ("NT", "objection_upheld_correction", "p"),
    ("NT", "black_sanctions_repair_after_publicity", "p"),
    ("HA", "record_only", "op"),
    ("HA", "black_objection_upheld_repair", "op"),
    ("JY", "red_list", "op"),
    ("JY", "red_then_black_sanctions_repair", "op"),
    ("CS", "points_graded_record", "p"),
    ("CS", "points_sanctions_repair_lifts", "opp"),
]

# The least eventful paths, for large histories with a realistic share of quiet subjects.
QUIET_PATHS = [p for p in PATHS if p[1] == "record_only"]


class Generator:
    """Draws names and identifiers from one `random.Random(seed)`, never the same identifier twice."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def person(self) -> Person:
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN)[:1] if rng.random() < 0.4 else "")
        while True:  # adults on every business date (born 1955-1995)
            birth = date(rng.randint(1955, 1995), rng.randint(1, 12), rng.randint(1, 28))
            number = synthetic_resident_id(rng, birth)
            if number not in self.used:
                self.used.add(number)
                return Person(name, number)

    def organisation(self, profile: str) -> Organisation:
        rng = self.rng
        while True:
            code = synthetic_credit_code(rng)
            if code not in self.used:
                self.used.add(code)
                break
        name = f"{CITY[profile]}{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(TRADES)}有限公司"
        return Organisation(name, code)

    def cases(self, subjects: int, quiet_share: float = 0.0) -> list[Case]:
        """Cases totalling exactly `subjects` subjects, spread over every profile and path.

        With `quiet_share` > 0 that share of the cases is drawn from QUIET_PATHS (a registration and one
        record, as most subjects of a real ledger), so a large history has fewer events per subject.
        """
        order = list(PATHS)
        self.rng.shuffle(order)
        cases: list[Case] = []
        left, i, quiet = subjects, 0, 0
        while left > 0:
            if quiet_share > 0 and self.rng.random() < quiet_share:
                profile, path, shape = QUIET_PATHS[quiet % len(QUIET_PATHS)]
                quiet += 1
            else:
                profile, path, shape = order[i % len(order)]
                i += 1
            if len(shape) > left:
                continue
            parties: list[Person | Organisation] = [
                self.organisation(profile) if kind == "o" else self.person() for kind in shape]
            cases.append(Case(profile, path, parties, len(cases) + 1))
            left -= len(shape)
        return cases


# --- the run ---------------------------------------------------------------------------------------
@dataclass
class DemoResult:
    subject_ids: list[UUID] = field(default_factory=list)  # every demo subject, created now or before
    created: int = 0
    skipped_cases: int = 0
    paths: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    examples: list[dict[str, str]] = field(default_factory=list)


def prepare(service: CreditService) -> None:
    """Publish every loaded profile, each of its versions (idempotent, NT-PCI-36)."""
    for profile_id in sorted(service.profiles):
        for version in service.versions_of(profile_id).versions:
            service.publish_profile(ADMIN, profile_id=profile_id, version=version.version)


def run_demo(service: CreditService, clock: Clock, subjects: int, seed: int, *, quiet_share: float = 0.0) -> DemoResult:
    """Create `subjects` made-up subjects (skipping those already registered) and drive their paths."""
    result = DemoResult()
    for case in Generator(seed).cases(subjects, quiet_share):
        existing = service.find_subject(case.key)
        if existing is not None:
            result.skipped_cases += 1
            result.subject_ids += _known_ids(service, case)
            continue
        try:
            ids = _register(service, clock, case)
            result.created += len(ids)
            result.subject_ids += ids
            FLOWS[(case.profile, case.path)](service, clock, case, ids)
            result.paths[f"{case.profile}:{case.path}"] += 1
        except DomainError as exc:  # a bug of the generator: keep going, but report it
            result.failures.append(f"{case.profile}:{case.path} #{case.n}: {type(exc).__name__}: {exc}")
    picked: set[str] = set()
    for subject_id in result.subject_ids[:200]:  # a few examples; no need to read every subject
        if len(result.examples) >= 5:
            break
        subject = service.subject(subject_id)
        kinds = {e.list_code for e in service.list_entries_of(subject_id)}
        label = ",".join(sorted(kinds)) or ("records" if service.records_of(subject_id) else "")
        if label and label not in picked and len(result.examples) < 5:
            picked.add(label)
            result.examples.append({"subject_id": str(subject_id), **subject.masked(), "lists": label})
    return result


def _known_ids(service: CreditService, case: Case) -> list[UUID]:
    found = [service.find_subject(p.id_number if isinstance(p, Person) else p.uscc) for p in case.parties]
    return [s.id for s in found if s is not None]


def summary(service: CreditService, subject_ids: list[UUID]) -> dict[str, Counter]:
    """Counts over the given subjects, from the service's queries: list entries, records, sanctions."""
    lists: Counter = Counter()
    records: Counter = Counter()
    sanctions: Counter = Counter()
    for subject_id in subject_ids:
        lists.update(f"{e.list_code}:{e.status}" for e in service.list_entries_of(subject_id))
        records.update(r.status for r in service.records_of(subject_id))
        sanctions.update(c.status for c in service.sanctions_of(subject_id))
    return {"lists": lists, "records": records, "sanctions": sanctions}


def _register(service: CreditService, clock: Clock, case: Case) -> list[UUID]:
    """Register the case's subjects on the profile's first business date; link persons to the organisation."""
    unit = {"LYG": LYG_BUREAU, "NT": NT_TAX, "HA": HA_MARKET, "JY": JY_MARKET, "CS": CS_BUREAU}[case.profile]
    clock.day = START[case.profile]
    ids: list[UUID] = []
    for party in case.parties:
        if isinstance(party, Person):
            ids.append(service.register_person(unit, name=party.name, id_number=party.id_number,
                                               address=f"{CITY[case.profile]}市"))
        else:
            ids.append(service.register_organisation(unit, name=party.name, uscc=party.uscc,
                                                     address=f"{CITY[case.profile]}市"))
    if isinstance(case.parties[0], Organisation):
        roles = ["legal_representative", "directly_responsible_person"]
        for person_id, role in zip(ids[1:], roles):
            service.link_responsible_person(unit, organisation_id=ids[0], person_id=person_id, role=role)
    return ids


START = {"LYG": date(2019, 3, 1), "NT": date(2024, 1, 10), "HA": date(2023, 3, 1), "JY": date(2024, 5, 13),
         "CS": date(2024, 4, 1)}
Flow = Callable[[CreditService, Clock, Case, list[UUID]], None]


def _confirm_lifts(s: CreditService, ids: list[UUID], on: date) -> None:
    """The credit office lifts the applied cases whose basis ended and withdraws the others (JY-17, CS-2.7);
    each implementing department confirms the lifts pushed to it for the case's subjects (JY-21, CS-2.7)."""
    for subject in ids:
        for sanction in s.sanctions_of(subject):
            if sanction.in_force and not s.source_in_force(sanction.id, on):
                office = actor(credit_office(s.profiles[sanction.policy_id]), "clerk")
                if sanction.applied:
                    s.push_lift(office, sanction_id=sanction.id, reason="依据已失效，解除惩戒", pushed_on=on)
                else:
                    s.withdraw_sanction(office, sanction_id=sanction.id, reason="依据已失效，撤回推送", withdrawn_on=on)
    for subject in ids:
        for sanction in s.sanctions_of(subject):
            if sanction.status == LIFT_PUSHED:
                s.confirm_lift(actor(sanction.department, CLERK), sanction_id=sanction.id, confirmed_on=on)


# --- LYG (tests/domain/test_domain_narrative_lyg.py) -----------------------------------------------
def _lyg_answer(n: int) -> dict[str, Any]:
    return basis(date(2019, 2, 25), f"连信访复〔2019〕{n}号", "连云港市信访局", "other_statutory")


def _lyg_record(s: CreditService, c: Clock, case: Case, subject: UUID) -> UUID:
    c.day = date(2019, 3, 1)
    return s.record_dishonesty(LYG_BUREAU, profile_id="LYG", subject_id=subject, behaviour_code="LYG-7.4",
                               tier="general", basis=_lyg_answer(case.n), act_date=date(2019, 2, 20),
                               determination_date=date(2019, 3, 1))


def _lyg_escalated(s: CreditService, c: Clock, case: Case, subject: UUID) -> UUID:
    record_id = _lyg_record(s, c, case, subject)
    c.day = date(2019, 3, 20)
    s.register_reminder(LYG_BUREAU, record_id=record_id, on=date(2019, 3, 5), method="书面", content="信用提醒书")
    s.register_interview(LYG_BUREAU, record_id=record_id, on=date(2019, 3, 20), method="约谈",
                         content="诚信约谈，未到场", attended=False)
    c.day = date(2019, 5, 10)
    s.escalate(LYG_BUREAU, record_id=record_id, behaviour_code="LYG-9.1", determination_date=date(2019, 4, 1),
               basis=_lyg_answer(case.n), reason="约谈未到场")
    s.escalate(LYG_BUREAU, record_id=record_id, behaviour_code="LYG-12.2", determination_date=date(2019, 5, 10),
               basis=basis(date(2019, 5, 8), f"京公训〔2019〕{case.n}号", "北京市公安局", "other_statutory"),
               reason="进京非正常上访被训诫")
    return record_id


def _lyg_black(s: CreditService, c: Clock, case: Case, subject: UUID) -> tuple[UUID, UUID, list[UUID]]:
    record_id = _lyg_escalated(s, c, case, subject)
    c.day = date(2019, 6, 1)
    entry_id = s.draft_list_entry(LYG_BUREAU, profile_id="LYG", subject_id=subject, list_code="black",
                                  record_ids=[record_id], drafted_on=date(2019, 5, 20), reason="严重信访失信")
    s.confirm_list_entry(LYG_CREDIT, list_entry_id=entry_id, confirmed_on=date(2019, 6, 1),
                         decision=doc(date(2019, 6, 1), f"连信用认〔2019〕{case.n}号"))
    exam_ban = s.push_sanction(LYG_CREDIT, source_id=entry_id, measure_id="LYG-M-13a.4", pushed_on=date(2019, 6, 1))
    no_accept = s.push_sanction(LYG_CREDIT, source_id=record_id, measure_id="LYG-M-13a.9", pushed_on=date(2019, 6, 1))
    c.day = date(2019, 6, 20)
    s.acknowledge_sanction(LYG_HRSS, sanction_id=exam_ban, acknowledged_on=date(2019, 6, 3))
    s.apply_sanction(LYG_HRSS, sanction_id=exam_ban, case={
        "number": f"人社考〔2019〕{case.n}号", "date": date(2019, 6, 15), "description": "公务员考试报名不予通过"})
    s.feed_back_sanction(LYG_HRSS, sanction_id=exam_ban, report="已实施 1 例", fed_back_on=date(2019, 6, 20))
    c.day = date(2019, 7, 20)
    objection_id = s.file_objection(LYG_BUREAU, record_id=record_id, grounds="wrong_or_incomplete",
                                    statement="本人未被训诫", filed_on=date(2019, 7, 1))
    s.decide_objection(LYG_BUREAU, objection_id=objection_id, upheld=False, reasons="训诫书在案，核实无误",
                       decided_on=date(2019, 7, 20))
    return record_id, entry_id, [exam_ban, no_accept]


def lyg_record_only(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _lyg_record(s, c, case, ids[0])


def lyg_reminder_escalation(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _lyg_escalated(s, c, case, ids[0])


def lyg_black(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _lyg_black(s, c, case, ids[0])


def lyg_expiry(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """LYG-18: the 5-year validity ends, the sweep repairs automatically; the department confirms the lift."""
    _lyg_black(s, c, case, ids[0])
    _lyg_sweep(s, c, [ids])


def _lyg_sweep(s: CreditService, c: Clock, cases: list[list[UUID]]) -> None:
    """The sweep of 2024-05-11 expires the 2019 entries (LYG-18); the departments confirm the lifts."""
    c.day = date(2024, 5, 11)
    s.sweep(LYG_CREDIT)
    for ids in cases:
        _confirm_lifts(s, ids, date(2024, 5, 11))


# --- NT (tests/domain/test_domain_narrative_nt.py) -------------------------------------------------
def _nt_penalty(n: int) -> dict[str, Any]:
    return basis(date(2024, 1, 8), f"通税罚〔2024〕{n}号", "国家税务总局南通市税务局")


def _nt_record(s: CreditService, c: Clock, case: Case, subject: UUID) -> UUID:
    c.day = date(2024, 1, 10)
    return s.record_dishonesty(NT_TAX, profile_id="NT", subject_id=subject, behaviour_code="NT-PCI-12.3",
                               tier="serious", basis=_nt_penalty(case.n), act_date=date(2023, 12, 1),
                               determination_date=date(2024, 1, 10), summary="欠缴税款逾期未缴")


def _nt_key_attention(s: CreditService, c: Clock, subject: UUID, fields: tuple[str, ...]) -> None:
    c.day = date(2024, 2, 1)
    for list_field in fields:
        entry = s.draft_list_entry(NT_TAX, profile_id="NT", subject_id=subject, list_code="key_attention",
                                   list_field=list_field, drafted_on=date(2024, 1, 20), reason=f"{list_field} 重点关注")
        s.confirm_list_entry(NT_CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))


def nt_key_attention(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _nt_key_attention(s, c, ids[0], ("tax",))


def nt_big_data_warning(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """NT-JRP-3: key attention in three key fields raises a big-data warning."""
    _nt_key_attention(s, c, ids[0], ("tax", "social_insurance", "environment"))


def nt_red_list(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    c.day = date(2024, 3, 1)
    entry = s.draft_list_entry(NT_CREDIT, profile_id="NT", subject_id=ids[0], list_code="red",
                               drafted_on=date(2024, 2, 26), reason="纳税信用A级")
    s.confirm_list_entry(NT_CREDIT, list_entry_id=entry, confirmed_on=date(2024, 3, 1))


def _nt_objection_upheld(s: CreditService, c: Clock, case: Case, record_id: UUID) -> None:
    """NT-PCI-31/32: filed with the centre, referred, upheld, corrected within 3 working days."""
    c.day = date(2024, 3, 12)
    objection_id = s.file_objection(NT_CENTRE, record_id=record_id, grounds="wrong_or_incomplete",
                                    statement="处罚决定书文号有误", filed_on=date(2024, 3, 1))
    s.refer_objection(NT_CENTRE, objection_id=objection_id, referred_on=date(2024, 3, 4))
    s.decide_objection(NT_TAX, objection_id=objection_id, upheld=True, reasons="文号录入错误",
                       decided_on=date(2024, 3, 8))
    corrected = dict(_nt_penalty(case.n), number=f"通税罚〔2024〕{case.n + 100}号")
    s.apply_correction(NT_CENTRE, objection_id=objection_id, changes={"basis": corrected}, applied_on=date(2024, 3, 12))


def nt_objection_upheld(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _nt_objection_upheld(s, c, case, _nt_record(s, c, case, ids[0]))


def nt_black_repair(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """Record → black list → NT-M-06 closed loop → objection upheld → repair after 5 working days' publicity."""
    subject = ids[0]
    record_id = _nt_record(s, c, case, subject)
    c.day = date(2024, 2, 1)
    black_id = s.draft_list_entry(NT_TAX, profile_id="NT", subject_id=subject, list_code="black",
                                  record_ids=[record_id], drafted_on=date(2024, 2, 1), reason="严重失信")
    s.confirm_list_entry(NT_CREDIT, list_entry_id=black_id, confirmed_on=date(2024, 2, 1),
                         decision=doc(date(2024, 2, 1), f"通信用认〔2024〕{case.n}号"))
    case_id = s.push_sanction(NT_CREDIT, source_id=record_id, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
    c.day = date(2024, 2, 29)
    s.acknowledge_sanction(NT_BANKS, sanction_id=case_id, acknowledged_on=date(2024, 2, 2))
    s.apply_sanction(NT_BANKS, sanction_id=case_id, case={"number": f"贷审〔2024〕{case.n}号", "date": date(2024, 2, 20),
                                                           "description": "个人经营贷款申请提高利率"})
    s.feed_back_sanction(NT_BANKS, sanction_id=case_id, report="2 月实施 1 例", fed_back_on=date(2024, 2, 29))
    _nt_objection_upheld(s, c, case, record_id)
    c.day = date(2025, 2, 13)
    repair_id = s.apply_for_repair(
        NT_CENTRE, record_id=record_id, applied_on=date(2025, 2, 5), corrected_on=date(2024, 2, 1),
        commitment=doc(date(2025, 2, 5), f"承诺〔2025〕{case.n}号", "本人承诺依法纳税，不再失信"))
    s.give_repair_opinion(NT_TAX, repair_id=repair_id, favourable=True, given_on=date(2025, 2, 6),
                          opinion=doc(date(2025, 2, 6), f"修复意见〔2025〕{case.n}号", "已补缴税款及滞纳金，同意修复"))
    s.decide_repair(NT_TAX, repair_id=repair_id, approved=True, reasons="公示无异议", decided_on=date(2025, 2, 13))
    _confirm_lifts(s, ids, date(2025, 2, 13))


# --- HA (tests/domain/test_domain_narrative_ha.py) -------------------------------------------------
def _ha_record(s: CreditService, c: Clock, case: Case, company: UUID) -> tuple[UUID, dict[str, Any]]:
    c.day = date(2023, 3, 1)
    penalty = basis(date(2023, 2, 20), f"淮市监罚〔2023〕{case.n}号", "淮安市市场监督管理局")
    record_id = s.record_dishonesty(
        HA_MARKET, profile_id="HA", subject_id=company, behaviour_code="HA-2.3.1", tier="serious", basis=penalty,
        act_date=date(2023, 1, 15), determination_date=date(2023, 2, 20), summary="生产销售不符合食品安全标准的食品")
    return record_id, penalty


def ha_record_only(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _ha_record(s, c, case, ids[0])


def ha_black_repair(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """HA-4.1 prior notice and decision; objection upheld and corrected; HA-5.1 free repair; exit announced."""
    company = ids[0]
    record_id, penalty = _ha_record(s, c, case, company)
    entry_id = s.draft_list_entry(HA_MARKET, profile_id="HA", subject_id=company, list_code="black",
                                  list_field="health_life", record_ids=[record_id], drafted_on=date(2023, 3, 1),
                                  reason="严重危害人民群众身体健康")
    c.day = date(2023, 3, 27)
    s.give_prior_notice(HA_MARKET, list_entry_id=entry_id, notice_on=date(2023, 3, 10),
                        content="拟列入严重失信主体名单的事由、依据和陈述申辩权利")
    s.confirm_list_entry(HA_NDRC, list_entry_id=entry_id, confirmed_on=date(2023, 3, 27),
                         decision=doc(date(2023, 3, 27), f"淮信认〔2023〕{case.n}号"))
    objection_id = s.file_objection(HA_MARKET, record_id=record_id, grounds="wrong_or_incomplete",
                                    statement="处罚机关名称不完整", filed_on=date(2023, 3, 20))
    s.decide_objection(HA_MARKET, objection_id=objection_id, upheld=True, reasons="名称不完整",
                       decided_on=date(2023, 3, 24))
    full = dict(penalty, issuer="淮安市市场监督管理局（食品安全处）")
    s.apply_correction(HA_MARKET, objection_id=objection_id, changes={"basis": full}, applied_on=date(2023, 3, 27))
    c.day = date(2023, 4, 20)
    repair_id = s.apply_for_repair(HA_MARKET, record_id=record_id, applied_on=date(2023, 4, 10),
                                   corrected_on=date(2023, 4, 1))
    s.give_repair_opinion(HA_MARKET, repair_id=repair_id, favourable=True, given_on=date(2023, 4, 12),
                          opinion=doc(date(2023, 4, 12), f"淮市监修〔2023〕{case.n}号", "已整改到位"))
    s.decide_repair(HA_MARKET, repair_id=repair_id, approved=True, reasons="整改到位", decided_on=date(2023, 4, 20))
    s.announce_exit(HA_NDRC, list_entry_id=entry_id, channel="信用淮安网站", announced_on=date(2023, 4, 20))


# --- JY (tests/domain/test_domain_narrative_jy.py) -------------------------------------------------
JY_CHANNEL = "信用江阴网站"


def _jy_red(s: CreditService, c: Clock, company: UUID) -> UUID:
    """JY-6.1: drafted, publicised, confirmed."""
    c.day = date(2024, 5, 13)
    red_id = s.draft_list_entry(JY_CREDIT, profile_id="JY", subject_id=company, list_code="red",
                                drafted_on=date(2024, 5, 6), reason="纳税信用A级")
    s.publicise_list_entry(JY_CREDIT, list_entry_id=red_id, channel=JY_CHANNEL, start=date(2024, 5, 6),
                           end=date(2024, 5, 12))
    s.confirm_list_entry(JY_CREDIT, list_entry_id=red_id, confirmed_on=date(2024, 5, 13))
    return red_id


def jy_red_list(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _jy_red(s, c, ids[0])


def jy_red_black_repair(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """Red list, then a black list removes it (JY-6.2); sanctions reach the legal representative; objection
    rejected; JY-23 repair exits the black list; every case lifted; exit announced (JY-17)."""
    company = ids[0]
    _jy_red(s, c, company)
    c.day = date(2024, 6, 3)
    record_id = s.record_dishonesty(
        JY_MARKET, profile_id="JY", subject_id=company, behaviour_code="JY-4.1", tier="serious",
        basis=basis(date(2024, 5, 20), f"澄市监罚〔2024〕{case.n}号", "江阴市市场监督管理局"),
        act_date=date(2024, 4, 2), determination_date=date(2024, 5, 20))
    entry_id = s.draft_list_entry(JY_MARKET, profile_id="JY", subject_id=company, list_code="black",
                                  list_field="health_life", record_ids=[record_id], drafted_on=date(2024, 5, 21),
                                  reason="严重危害人民群众身体健康")
    s.publicise_list_entry(JY_CREDIT, list_entry_id=entry_id, channel=JY_CHANNEL, start=date(2024, 5, 22))
    s.give_prior_notice(JY_MARKET, list_entry_id=entry_id, notice_on=date(2024, 5, 27), content="事前告知书")
    s.confirm_list_entry(JY_CREDIT, list_entry_id=entry_id, confirmed_on=date(2024, 6, 3),
                         decision=doc(date(2024, 6, 3), f"澄信认〔2024〕{case.n}号"))
    bid_ban = s.push_sanction(JY_CREDIT, source_id=entry_id, measure_id="JY-M-11.9", pushed_on=date(2024, 6, 3))
    c.day = date(2024, 7, 1)
    s.acknowledge_sanction(JY_DEPTS, sanction_id=bid_ban, acknowledged_on=date(2024, 6, 4))
    s.apply_sanction(JY_DEPTS, sanction_id=bid_ban, case={"number": f"澄采〔2024〕{case.n}号", "date": date(2024, 6, 20),
                                                           "description": "政府采购投标资格不予通过"})
    s.feed_back_sanction(JY_DEPTS, sanction_id=bid_ban, report="已限制 1 次投标", fed_back_on=date(2024, 7, 1))
    objection_id = s.file_objection(JY_CREDIT, record_id=record_id, grounds="beyond_validity",
                                    statement="已整改", filed_on=date(2024, 6, 10))
    s.decide_objection(JY_MARKET, objection_id=objection_id, upheld=False, reasons="仍在有效期内",
                       decided_on=date(2024, 6, 20))
    c.day = date(2024, 9, 2)
    repair_id = s.apply_for_repair(JY_MARKET, record_id=record_id, applied_on=date(2024, 8, 20),
                                   corrected_on=date(2024, 8, 1), public_service=["志愿服务 40 小时"])
    s.give_repair_opinion(JY_MARKET, repair_id=repair_id, favourable=True, given_on=date(2024, 8, 26),
                          opinion=doc(date(2024, 8, 26), f"澄市监修〔2024〕{case.n}号", "同意修复"))
    s.decide_repair(JY_MARKET, repair_id=repair_id, approved=True, reasons="整改到位", decided_on=date(2024, 9, 2))
    _confirm_lifts(s, ids, date(2024, 9, 2))
    s.announce_exit(JY_CREDIT, list_entry_id=entry_id, channel=JY_CHANNEL, announced_on=date(2024, 9, 2))


# --- CS (tests/domain/test_domain_narrative_cs.py) -------------------------------------------------
def _cs_points(s: CreditService, c: Clock, case: Case, subject: UUID) -> UUID:
    """CS-2.2: points collected by the bureaus, graded serious by the office: a record results."""
    c.day = date(2024, 4, 1)
    issuer = "常熟市综合行政执法局"
    s.add_points(CS_BUREAU, profile_id="CS", subject_id=subject, points=6, reason="建筑垃圾违规倾倒",
                 act_date=date(2024, 3, 1),
                 basis=basis(date(2024, 3, 5), f"常综执罚〔2024〕{2 * case.n}号", issuer))
    s.add_points(CS_BUREAU, profile_id="CS", subject_id=subject, points=8, reason="夜间违规施工",
                 act_date=date(2024, 3, 20),
                 basis=basis(date(2024, 3, 25), f"常综执罚〔2024〕{2 * case.n + 1}号", issuer))
    s.grade_points(CS_UMO, profile_id="CS", subject_id=subject, grade="serious", graded_on=date(2024, 4, 1),
                   basis=basis(date(2024, 4, 1), f"常城办定〔2024〕{case.n}号", "常熟市城管办", "other_statutory"))
    [record] = [r for r in s.records_of(subject) if r.origin_record_id is None]
    return record.id


def cs_points_graded(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    _cs_points(s, c, case, ids[0])


def cs_sanctions_repair(s: CreditService, c: Clock, case: Case, ids: list[UUID]) -> None:
    """CS-M-03 reaches both linked persons (CS-2.1); closed loop (CS-2.6); objection rejected; repair, lifts (CS-2.7)."""
    company = ids[0]
    record_id = _cs_points(s, c, case, company)
    c.day = date(2024, 4, 30)
    case_id = s.push_sanction(CS_CREDIT, source_id=record_id, measure_id="CS-M-03", pushed_on=date(2024, 4, 2))
    s.acknowledge_sanction(CS_HOUSING, sanction_id=case_id, acknowledged_on=date(2024, 4, 3))
    s.apply_sanction(CS_HOUSING, sanction_id=case_id, case={"number": f"常住建评〔2024〕{case.n}号",
                                                             "date": date(2024, 4, 15),
                                                             "description": "取消年度优质工程评选资格"})
    s.feed_back_sanction(CS_HOUSING, sanction_id=case_id, report="台账：1 例", fed_back_on=date(2024, 4, 30))
    c.day = date(2024, 6, 3)
    objection_id = s.file_objection(CS_BUREAU, record_id=record_id, grounds="wrong_or_incomplete",
                                    statement="积分计算有误", filed_on=date(2024, 5, 6))
    s.decide_objection(CS_UMO, objection_id=objection_id, upheld=False, reasons="积分无误", decided_on=date(2024, 5, 10))
    repair_id = s.apply_for_repair(CS_BUREAU, record_id=record_id, applied_on=date(2024, 5, 20))
    s.review_repair(CS_BUREAU, repair_id=repair_id, approved=True, opinion="整改到位，审核通过",
                    reviewed_on=date(2024, 5, 24))  # CS-2.7: the bureau reviews, the office adjusts
    s.give_repair_opinion(CS_UMO, repair_id=repair_id, favourable=True, given_on=date(2024, 5, 27),
                          opinion=doc(date(2024, 5, 27), f"常综执修〔2024〕{case.n}号", "整改到位，同意修复"))
    s.decide_repair(CS_UMO, repair_id=repair_id, approved=True, reasons="同意", decided_on=date(2024, 6, 3))
    _confirm_lifts(s, ids, date(2024, 6, 3))


FLOWS: dict[tuple[str, str], Flow] = {
    ("LYG", "record_only"): lyg_record_only,
    ("LYG", "reminder_escalation"): lyg_reminder_escalation,
    ("LYG", "black_sanctions_objection_rejected"): lyg_black,
    ("LYG", "expiry_sweep_lifts_confirmed"): lyg_expiry,
    ("NT", "key_attention"): nt_key_attention,
    ("NT", "key_attention_big_data_warning"): nt_big_data_warning,
    ("NT", "red_list"): nt_red_list,
    ("NT", "objection_upheld_correction"): nt_objection_upheld,
    ("NT", "black_sanctions_repair_after_publicity"): nt_black_repair,
    ("HA", "record_only"): ha_record_only,
    ("HA", "black_objection_upheld_repair"): ha_black_repair,
    ("JY", "red_list"): jy_red_list,
    ("JY", "red_then_black_sanctions_repair"): jy_red_black_repair,
    ("CS", "points_graded_record"): cs_points_graded,
    ("CS", "points_sanctions_repair_lifts"): cs_sanctions_repair,
}
