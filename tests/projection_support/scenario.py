"""A bitemporal scenario written through CreditService on two profiles, for the projection tests.

NT: A is black-listed on a serious record; B's general (public) record is objected to, the objection is
upheld and the determination date is corrected to an EARLIER date; later the record expires (sweep).
JY: company C is red-listed, then black-listed (the red entry exits, JY-6.2), a bid ban is pushed on
the black entry and goes round the whole loop (JY-21), an objection is rejected, the record is repaired
(the black entry exits, the lift is pushed and confirmed, CS-2.7). Reads of A are registered (HA-5.2).
`Scenario.positions` keeps the log position after each named step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.policy import load_profile
from domain.service import CreditService
from ledger.app import LedgerApplication

ADMIN = Actor("ledger-admin", "admin")
NT_TAX, NT_CREDIT, NT_CENTRE = Actor("nt-tax-bureau", "qian"), Actor("nt-credit-office", "sun"), \
    Actor("nt-credit-centre", "zhou")
JY_MARKET, JY_CREDIT, JY_DEPTS = Actor("jy-market-supervision", "he"), Actor("jy-credit-office", "lv"), \
    Actor("jy-relevant-departments", "shi")
UNITS = tuple(sorted({a.unit for a in (ADMIN, NT_TAX, NT_CREDIT, NT_CENTRE, JY_MARKET, JY_CREDIT, JY_DEPTS)}))
A_ID, B_ID, C_USCC = "320102198001010016", "320102199003070025", "91320701H4BF20F840"
JY_CHANNEL = "信用江阴网站"


class Clock:
    """The service's movable business 'today'."""

    def __init__(self) -> None:
        self.day = date(2024, 1, 10)

    def __call__(self) -> date:
        return self.day


@dataclass
class Scenario:
    """Ids and positions of the scenario, for assertions."""

    service: CreditService
    ids: dict[str, UUID] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)


def basis(day: date, number: str, issuer: str, kind: str = "administrative_penalty") -> dict[str, Any]:
    """A legal-basis document (HA-2.2)."""
    return {"type": kind, "number": number, "issuer": issuer, "date": day}


def build(app: LedgerApplication) -> Scenario:
    """Register the units' keys and write the whole scenario."""
    for unit in UNITS:
        if app.keybook.active_for(unit) is None:
            app.register_key(unit)
    clock = Clock()
    profiles = {p: load_profile(p) for p in ("NT", "JY")}
    service = CreditService(app, profiles, app.keystore.subject_secret(), today=clock)
    s = Scenario(service)

    def mark(step: str) -> None:
        s.positions[step] = app.log.tree_size() - 1

    for profile_id in profiles:
        service.publish_profile(ADMIN, profile_id=profile_id)
    _nt(s, clock, mark)
    _jy(s, clock, mark)
    clock.day = date(2025, 3, 1)
    service.sweep(NT_CREDIT)  # B's corrected record ended on 2025-02-01 (NT-PCI-30)
    mark("swept")
    clock.day = date(2025, 3, 3)
    service.record_access(NT_CREDIT, subject_id=s.ids["A"], purpose="联合惩戒核查", basis="NT-PCI-17",
                          channel="web", what="subject status")
    mark("accessed")
    _pending(s, clock, mark)
    return s


def _pending(s: Scenario, clock: Clock, mark: Any) -> None:
    """Steps left open at the end: an objection awaiting its answer, a sanction awaiting its response."""
    svc = s.service
    clock.day = date(2025, 3, 3)
    s.ids["RB2"] = svc.record_dishonesty(
        NT_TAX, profile_id="NT", subject_id=s.ids["B"], behaviour_code="NT-PCI-12.1", tier="general",
        basis=basis(date(2025, 2, 20), "通税罚〔2025〕3号", "国家税务总局南通市税务局"), act_date=date(2025, 2, 1),
        determination_date=date(2025, 3, 3), summary="欠薪")
    s.ids["OB2"] = svc.file_objection(NT_CENTRE, record_id=s.ids["RB2"], grounds="wrong_or_incomplete",
                                      statement="金额有误", filed_on=date(2025, 3, 3))
    s.ids["A_case"] = svc.push_sanction(NT_CREDIT, source_id=s.ids["RA"], measure_id="NT-M-06",
                                        pushed_on=date(2025, 3, 3))
    mark("pending")


def _nt(s: Scenario, clock: Clock, mark: Any) -> None:
    svc = s.service
    s.ids["A"] = svc.register_person(NT_TAX, name="张三丰", id_number=A_ID)
    s.ids["B"] = svc.register_person(NT_TAX, name="李四光", id_number=B_ID)
    s.ids["RA"] = svc.record_dishonesty(
        NT_TAX, profile_id="NT", subject_id=s.ids["A"], behaviour_code="NT-PCI-12.3", tier="serious",
        basis=basis(date(2024, 1, 8), "通税罚〔2024〕1号", "国家税务总局南通市税务局"), act_date=date(2023, 12, 1),
        determination_date=date(2024, 1, 10), summary="欠缴税款逾期未缴")
    clock.day = date(2024, 2, 1)
    s.ids["A_black"] = svc.draft_list_entry(NT_TAX, profile_id="NT", subject_id=s.ids["A"], list_code="black",
                                            record_ids=[s.ids["RA"]], drafted_on=date(2024, 2, 1), reason="严重失信")
    svc.confirm_list_entry(NT_CREDIT, list_entry_id=s.ids["A_black"], confirmed_on=date(2024, 2, 1),
                           decision={"number": "通信用认〔2024〕1号", "date": date(2024, 2, 1)})
    mark("A_black")
    clock.day = date(2024, 3, 1)
    s.ids["RB"] = svc.record_dishonesty(
        NT_TAX, profile_id="NT", subject_id=s.ids["B"], behaviour_code="NT-PCI-12.1", tier="general",
        basis=basis(date(2024, 1, 20), "通税罚〔2024〕2号", "国家税务总局南通市税务局"), act_date=date(2024, 1, 10),
        determination_date=date(2024, 3, 1), summary="欠薪")
    mark("RB_recorded")
    clock.day = date(2024, 3, 5)
    s.ids["OB"] = svc.file_objection(NT_CENTRE, record_id=s.ids["RB"], grounds="wrong_or_incomplete",
                                     statement="认定日期有误", filed_on=date(2024, 3, 5))
    mark("RB_flagged")
    clock.day = date(2024, 3, 12)
    svc.decide_objection(NT_TAX, objection_id=s.ids["OB"], upheld=True, reasons="核实有误", decided_on=date(2024, 3, 8))
    mark("OB_upheld")
    svc.apply_correction(NT_CENTRE, objection_id=s.ids["OB"], changes={"determination_date": date(2024, 2, 1)},
                         applied_on=date(2024, 3, 12))
    mark("RB_corrected")


def _jy(s: Scenario, clock: Clock, mark: Any) -> None:
    """The JY narrative of domain/demo.py (jy_red_black_repair), step by step."""
    svc = s.service
    clock.day = date(2024, 5, 13)
    s.ids["C"] = svc.register_organisation(JY_MARKET, name="江阴王伟食品有限公司", uscc=C_USCC)
    s.ids["C_red"] = svc.draft_list_entry(JY_CREDIT, profile_id="JY", subject_id=s.ids["C"], list_code="red",
                                          drafted_on=date(2024, 5, 6), reason="纳税信用A级")
    svc.publicise_list_entry(JY_CREDIT, list_entry_id=s.ids["C_red"], channel=JY_CHANNEL, start=date(2024, 5, 6),
                             end=date(2024, 5, 12))
    svc.confirm_list_entry(JY_CREDIT, list_entry_id=s.ids["C_red"], confirmed_on=date(2024, 5, 13))
    mark("C_red")
    clock.day = date(2024, 6, 3)
    s.ids["RC"] = svc.record_dishonesty(
        JY_MARKET, profile_id="JY", subject_id=s.ids["C"], behaviour_code="JY-4.1", tier="serious",
        basis=basis(date(2024, 5, 20), "澄市监罚〔2024〕1号", "江阴市市场监督管理局"),
        act_date=date(2024, 4, 2), determination_date=date(2024, 5, 20))
    s.ids["C_black"] = svc.draft_list_entry(
        JY_MARKET, profile_id="JY", subject_id=s.ids["C"], list_code="black", list_field="health_life",
        record_ids=[s.ids["RC"]], drafted_on=date(2024, 5, 21), reason="严重危害人民群众身体健康")
    svc.publicise_list_entry(JY_CREDIT, list_entry_id=s.ids["C_black"], channel=JY_CHANNEL, start=date(2024, 5, 22))
    svc.give_prior_notice(JY_MARKET, list_entry_id=s.ids["C_black"], notice_on=date(2024, 5, 27), content="事前告知书")
    svc.confirm_list_entry(JY_CREDIT, list_entry_id=s.ids["C_black"], confirmed_on=date(2024, 6, 3),
                           decision={"number": "澄信认〔2024〕1号", "date": date(2024, 6, 3)})
    mark("C_black")
    s.ids["ban"] = svc.push_sanction(JY_CREDIT, source_id=s.ids["C_black"], measure_id="JY-M-11.9",
                                     pushed_on=date(2024, 6, 3))
    mark("ban_pushed")
    clock.day = date(2024, 7, 1)
    svc.acknowledge_sanction(JY_DEPTS, sanction_id=s.ids["ban"], acknowledged_on=date(2024, 6, 4))
    svc.apply_sanction(JY_DEPTS, sanction_id=s.ids["ban"], case={
        "number": "澄采〔2024〕1号", "date": date(2024, 6, 20), "description": "政府采购投标资格不予通过"})
    mark("ban_applied")
    svc.feed_back_sanction(JY_DEPTS, sanction_id=s.ids["ban"], report="已限制 1 次投标", fed_back_on=date(2024, 7, 1))
    s.ids["OC"] = svc.file_objection(JY_CREDIT, record_id=s.ids["RC"], grounds="beyond_validity",
                                     statement="已整改", filed_on=date(2024, 6, 10))
    svc.decide_objection(JY_MARKET, objection_id=s.ids["OC"], upheld=False, reasons="仍在有效期内",
                         decided_on=date(2024, 6, 20))
    clock.day = date(2024, 9, 2)
    s.ids["repair"] = svc.apply_for_repair(JY_MARKET, record_id=s.ids["RC"], applied_on=date(2024, 8, 20),
                                           corrected_on=date(2024, 8, 1), public_service=["志愿服务 40 小时"])
    mark("repair_applied")
    svc.give_repair_opinion(JY_MARKET, repair_id=s.ids["repair"], favourable=True, given_on=date(2024, 8, 26),
                            opinion={"number": "澄市监修〔2024〕1号", "date": date(2024, 8, 26), "text": "同意修复"})
    svc.decide_repair(JY_MARKET, repair_id=s.ids["repair"], approved=True, reasons="整改到位",
                      decided_on=date(2024, 9, 2))
    svc.push_due_lifts(JY_CREDIT, reason="信用修复", pushed_on=date(2024, 9, 2))  # CS-2.7: the credit office lifts
    mark("RC_repaired")
    svc.confirm_lift(JY_DEPTS, sanction_id=s.ids["ban"], confirmed_on=date(2024, 9, 2))
    svc.announce_exit(JY_CREDIT, list_entry_id=s.ids["C_black"], channel=JY_CHANNEL, announced_on=date(2024, 9, 2))
    mark("ban_lifted")
