"""Bad commands: each is refused with its rule id and field, and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from domain_helpers import actor, bad_check, basis, credit_code, doc, person_id

from domain.errors import NotFound, RuleViolation
from domain.policy import PolicyProfile, load_profile
from domain.service import CreditService

LYG_BUREAU = actor("lyg-petition-bureau")
LYG_CREDIT = actor("lyg-credit-office")
HA_MARKET = actor("ha-market-supervision")
HA_NDRC = actor("ha-ndrc")
NT_TAX = actor("nt-tax-bureau")
NT_CREDIT = actor("nt-credit-office")
NT_CENTRE = actor("nt-credit-centre")
NT_BANKS = actor("nt-financial-institutions")
JY_MARKET = actor("jy-market-supervision")
JY_CREDIT = actor("jy-credit-office")
CS_BUREAU = actor("cs-enforcement-bureaus")
CS_UMO = actor("cs-urban-management-office")
ANSWER = basis(date(2025, 5, 5), "信访复〔2025〕1号", "信访局", "other_statutory")
TAX = basis(date(2024, 1, 8), "通税罚〔2024〕7号", "国家税务总局南通市税务局")


@dataclass
class World:
    """Everything the bad commands aim at."""

    service: CreditService
    clock: Any
    adult: UUID
    minor: UUID
    lyg_record: UUID
    nt_person: UUID
    nt_record: UUID
    nt_black: UUID
    nt_case: UUID
    objection: UUID
    repair: UUID
    ha_company: UUID
    ha_record: UUID
    ha_draft: UUID
    jy_company: UUID
    jy_black: UUID
    relapsed_record: UUID


@pytest.fixture
def world(service: CreditService, clock: Any) -> World:
    s = service
    adult = s.register_person(LYG_BUREAU, name="张三", id_number=person_id(date(1970, 4, 2), 11))
    minor = s.register_person(LYG_BUREAU, name="小明", id_number=person_id(date(2008, 1, 1), 12))
    lyg_record = s.record_dishonesty(LYG_BUREAU, profile_id="LYG", subject_id=adult, behaviour_code="LYG-7.1",
                                     tier="general", basis=ANSWER, act_date=date(2025, 5, 1),
                                     determination_date=date(2025, 5, 6))
    nt_person = s.register_person(NT_TAX, name="李四", id_number=person_id(date(1985, 7, 9), 13))
    nt_record = s.record_dishonesty(NT_TAX, profile_id="NT", subject_id=nt_person, behaviour_code="NT-PCI-12.3",
                                    tier="serious", basis=TAX, act_date=date(2023, 12, 1),
                                    determination_date=date(2024, 1, 10))
    nt_black = s.draft_list_entry(NT_TAX, profile_id="NT", subject_id=nt_person, list_code="black",
                                  record_ids=[nt_record], drafted_on=date(2024, 2, 1), reason="严重失信")
    s.confirm_list_entry(NT_CREDIT, list_entry_id=nt_black, confirmed_on=date(2024, 2, 1))
    nt_case = s.push_sanction(NT_CREDIT, source_id=nt_record, measure_id="NT-M-06", pushed_on=date(2024, 2, 1))
    objection = s.file_objection(NT_CREDIT, record_id=nt_record, grounds="wrong_or_incomplete", statement="文号有误",
                                 filed_on=date(2025, 6, 2))
    repair = s.apply_for_repair(NT_CREDIT, record_id=nt_record, applied_on=date(2025, 6, 5),
                                corrected_on=date(2024, 2, 1), commitment=doc(date(2025, 6, 5), "承诺1", "不再失信"))
    s.give_repair_opinion(NT_TAX, repair_id=repair, favourable=True, given_on=date(2025, 6, 10),
                          opinion=doc(date(2025, 6, 10), "意见1", "同意修复"))
    ha_company = s.register_organisation(HA_MARKET, name="淮安某公司", uscc=credit_code(11))
    ha_record = s.record_dishonesty(HA_MARKET, profile_id="HA", subject_id=ha_company, behaviour_code="HA-2.3.1",
                                    tier="serious", basis=basis(date(2025, 3, 3)), act_date=date(2025, 2, 1),
                                    determination_date=date(2025, 3, 3))
    ha_draft = s.draft_list_entry(HA_MARKET, profile_id="HA", subject_id=ha_company, list_code="black",
                                  list_field="health_life", record_ids=[ha_record], drafted_on=date(2025, 3, 4),
                                  reason="严重失信")
    jy_company = s.register_organisation(JY_MARKET, name="江阴某公司", uscc=credit_code(12))
    jy_record = s.record_dishonesty(JY_MARKET, profile_id="JY", subject_id=jy_company, behaviour_code="JY-4.1",
                                    tier="serious", basis=basis(date(2025, 3, 3)), act_date=date(2025, 2, 1),
                                    determination_date=date(2025, 3, 3))
    jy_black = s.draft_list_entry(JY_MARKET, profile_id="JY", subject_id=jy_company, list_code="black",
                                  list_field="health_life", record_ids=[jy_record], drafted_on=date(2025, 3, 4),
                                  reason="严重失信")
    s.publicise_list_entry(JY_CREDIT, list_entry_id=jy_black, channel="信用江阴", start=date(2025, 3, 5))
    s.give_prior_notice(JY_MARKET, list_entry_id=jy_black, notice_on=date(2025, 3, 6), content="事前告知")
    s.confirm_list_entry(JY_CREDIT, list_entry_id=jy_black, confirmed_on=date(2025, 3, 20), decision=doc(date(2025, 3, 20)))
    relapsed = s.register_person(NT_TAX, name="周九", id_number=person_id(date(1988, 8, 8), 14))
    # serious (3 years, NT-PCI-30): still in force when the repair is applied for in 2025 (a general record would
    # have ended on 2025-01-10, and a repair of an ended record is refused first: NT-PCI-35)
    relapsed_record = s.record_dishonesty(NT_TAX, profile_id="NT", subject_id=relapsed, behaviour_code="NT-PCI-12.3",
                                          tier="serious", basis=TAX, act_date=date(2023, 12, 1),
                                          determination_date=date(2024, 1, 10))
    s.record_dishonesty(NT_TAX, profile_id="NT", subject_id=relapsed, behaviour_code="NT-PCI-12.3", tier="general",
                        basis=basis(date(2024, 9, 20), "通税罚〔2024〕99号"), act_date=date(2024, 9, 1),
                        determination_date=date(2024, 9, 20))
    return World(s, clock, adult, minor, lyg_record, nt_person, nt_record, nt_black, nt_case, objection, repair,
                 ha_company, ha_record, ha_draft, jy_company, jy_black, relapsed_record)


def record_lyg(w: World, **changes: Any) -> Any:
    fields = {"profile_id": "LYG", "subject_id": w.adult, "behaviour_code": "LYG-7.2", "tier": "general",
              "basis": ANSWER, "act_date": date(2025, 5, 1), "determination_date": date(2025, 5, 6)}
    return w.service.record_dishonesty(LYG_BUREAU, **(fields | changes))


def nt_changed(version: int) -> PolicyProfile:
    content = load_profile("NT").to_content()
    content["version"] = version
    content["deadlines"]["correction"]["days"] = 5
    return PolicyProfile.from_content(content)


def republish_changed(w: World) -> Any:
    w.service.profiles["NT"] = nt_changed(1)
    return w.service.publish_profile(actor("ledger-admin"), profile_id="NT")


def decide_under_unpublished(w: World) -> Any:
    w.service.profiles["NT"] = nt_changed(2)
    return w.service.file_objection(NT_CREDIT, record_id=w.nt_record, grounds="wrong_or_incomplete",
                                    statement="x", filed_on=date(2025, 6, 16))


def file_in_2027(w: World) -> Any:
    w.clock.day = date(2027, 1, 5)
    return w.service.file_objection(NT_CREDIT, record_id=w.nt_record, grounds="wrong_or_incomplete",
                                    statement="x", filed_on=date(2027, 1, 4))


BAD: list[tuple[str, Callable[[World], Any], str, str]] = [
    ("bad resident ID check character", lambda w: w.service.register_person(
        LYG_BUREAU, name="甲", id_number=bad_check(person_id(date(1980, 1, 1), 20))), "NT-PCI-15", "id_number"),
    ("bad USCC check character", lambda w: w.service.register_organisation(
        HA_MARKET, name="乙公司", uscc=bad_check(credit_code(20))), "NT-PCI-18", "uscc"),
    ("religion is never collected", lambda w: w.service.register_person(
        LYG_BUREAU, name="丙", id_number=person_id(date(1980, 1, 1), 21), religion="佛教"), "NT-PCI-14", "religion"),
    ("illness in the address", lambda w: w.service.register_person(
        LYG_BUREAU, name="丁", id_number=person_id(date(1980, 1, 1), 22), address="患有糖尿病"), "NT-PCI-14", "address"),
    ("personal field beyond LYG-5", lambda w: w.service.register_person(
        LYG_BUREAU, name="戊", id_number=person_id(date(1980, 1, 1), 23), occupation="工人"), "LYG-5", "occupation"),
    ("already registered", lambda w: w.service.register_person(
        LYG_BUREAU, name="张三", id_number=person_id(date(1970, 4, 2), 11)), "NT-PCI-36", "id_number"),
    ("minor at the act", lambda w: record_lyg(w, subject_id=w.minor, act_date=date(2024, 6, 1)), "LYG-6", "id_number"),
    ("missing legal basis", lambda w: record_lyg(w, basis={}), "HA-2.2", "basis"),
    ("basis without number", lambda w: record_lyg(w, basis=dict(ANSWER, number=" ")), "HA-2.2", "basis.number"),
    ("basis of unknown type", lambda w: record_lyg(w, basis=dict(ANSWER, type="newspaper")), "HA-2.2", "basis.type"),
    ("basis after the determination", lambda w: record_lyg(w, basis=dict(ANSWER, date=date(2025, 5, 7))),
     "HA-2.2", "basis.date"),
    ("act before the profile took effect", lambda w: record_lyg(
        w, act_date=date(2018, 3, 1), determination_date=date(2018, 5, 6)), "LYG-21", "act_date"),
    ("act date in the future", lambda w: record_lyg(w, act_date=date(2025, 6, 17)), "HA-2.2", "act_date"),
    ("determination before the act", lambda w: record_lyg(w, determination_date=date(2025, 4, 30)),
     "HA-2.2", "determination_date"),
    ("forbidden data in the summary", lambda w: record_lyg(w, summary="信访人有精神疾病病史"), "NT-PCI-14", "summary"),
    ("behaviour not in the catalog", lambda w: record_lyg(w, behaviour_code="LYG-99"), "NT-PCI-8", "behaviour_code"),
    ("tier contrary to the catalog", lambda w: record_lyg(w, tier="serious"), "LYG-7", "severity"),
    ("escalation to a tier no more serious", lambda w: w.service.escalate(
        LYG_BUREAU, record_id=w.lyg_record, behaviour_code="LYG-7.3", determination_date=date(2025, 6, 1),
        basis=ANSWER, reason="x"), "LYG-9", "behaviour_code"),
    ("LYG-9 (1) without a reminder or interview", lambda w: w.service.escalate(
        LYG_BUREAU, record_id=w.lyg_record, behaviour_code="LYG-9.1", determination_date=date(2025, 6, 1),
        basis=ANSWER, reason="x"), "LYG-9", "behaviour_code"),
    ("reminder on a serious record", lambda w: w.service.register_reminder(
        NT_TAX, record_id=w.nt_record, on=date(2025, 6, 1), method="书面", content="提醒"), "LYG-8", "record_id"),
    ("black list on a general record", lambda w: w.service.draft_list_entry(
        LYG_BUREAU, profile_id="LYG", subject_id=w.adult, list_code="black", record_ids=[w.lyg_record],
        drafted_on=date(2025, 6, 1), reason="x"), "LYG-13b", "record_ids"),
    ("black list field outside the allowed ones", lambda w: w.service.draft_list_entry(
        HA_MARKET, profile_id="HA", subject_id=w.ha_company, list_code="black", list_field="tax",
        record_ids=[w.ha_record], drafted_on=date(2025, 6, 1), reason="x"), "HA-2.3", "list_field"),
    ("black list without prior notice", lambda w: w.service.confirm_list_entry(
        HA_NDRC, list_entry_id=w.ha_draft, confirmed_on=date(2025, 6, 1), decision=doc(date(2025, 6, 1))),
     "HA-4.1", "prior_notice"),
    ("list confirmed by another unit than the credit office", lambda w: w.service.confirm_list_entry(
        HA_MARKET, list_entry_id=w.ha_draft, confirmed_on=date(2025, 6, 1)), "JY-5", "actor"),
    ("red-listing a black-listed subject", lambda w: w.service.draft_list_entry(
        JY_CREDIT, profile_id="JY", subject_id=w.jy_company, list_code="red", drafted_on=date(2025, 6, 1),
        reason="纳税A级"), "JY-6.1", "subject_id"),
    ("a list the profile does not keep", lambda w: w.service.draft_list_entry(
        LYG_BUREAU, profile_id="LYG", subject_id=w.adult, list_code="red", drafted_on=date(2025, 6, 1),
        reason="x"), "JY-4", "list_kind"),
    ("exit announced before the exit", lambda w: w.service.announce_exit(
        NT_CREDIT, list_entry_id=w.nt_black, channel="信用南通", announced_on=date(2025, 6, 1)), "JY-17", "list_entry_id"),
    ("sanction not on the measure list", lambda w: w.service.push_sanction(
        NT_CREDIT, source_id=w.nt_record, measure_id="NT-M-99", pushed_on=date(2025, 6, 1)), "HA-4.2", "measure_id"),
    ("measure not listed for a black-list entry", lambda w: w.service.push_sanction(
        NT_CREDIT, source_id=w.nt_black, measure_id="NT-M-06", pushed_on=date(2025, 6, 1)), "HA-4.2", "measure_id"),
    ("sanction pushed by a department", lambda w: w.service.push_sanction(
        NT_BANKS, source_id=w.nt_record, measure_id="NT-M-03", pushed_on=date(2025, 6, 1)), "JY-21", "actor"),
    ("sanction pushed twice", lambda w: w.service.push_sanction(
        NT_CREDIT, source_id=w.nt_record, measure_id="NT-M-06", pushed_on=date(2025, 6, 1)), "JY-21", "measure_id"),
    ("acknowledged by another department", lambda w: w.service.acknowledge_sanction(
        NT_TAX, sanction_id=w.nt_case, acknowledged_on=date(2025, 6, 1)), "JY-21", "actor"),
    ("applied before acknowledgement", lambda w: w.service.apply_sanction(
        NT_BANKS, sanction_id=w.nt_case, case={"number": "1", "date": date(2025, 6, 1), "description": "x"}),
     "JY-21", "sanction_id"),
    ("objection on grounds outside NT-PCI-31", lambda w: w.service.file_objection(
        NT_CREDIT, record_id=w.nt_record, grounds="too_harsh", statement="x", filed_on=date(2025, 6, 2)),
     "NT-PCI-31", "grounds"),
    ("deadline outside the working-day calendar", file_in_2027, "NT-PCI-32", "filed_on"),
    ("wrong unit answering an objection", lambda w: w.service.decide_objection(
        NT_CREDIT, objection_id=w.objection, upheld=False, reasons="x", decided_on=date(2025, 6, 10)),
     "NT-PCI-4", "actor"),
    ("correction before a decision", lambda w: w.service.apply_correction(
        NT_CENTRE, objection_id=w.objection, changes={"summary": "x"}, applied_on=date(2025, 6, 10)),
     "NT-PCI-32", "objection_id"),
    ("appeal before a decision", lambda w: w.service.appeal_objection(
        NT_CREDIT, objection_id=w.objection, body="litigation", appealed_on=date(2025, 6, 10), statement="x"),
     "NT-PCI-33", "objection_id"),
    ("repair within the clean year", lambda w: w.service.apply_for_repair(
        NT_CREDIT, record_id=w.nt_record, applied_on=date(2025, 1, 20), corrected_on=date(2024, 2, 1),
        commitment=doc(date(2025, 1, 20), "承诺", "不再失信")), "NT-PCI-34", "applied_on"),
    ("repair after same-kind dishonesty since the correction", lambda w: w.service.apply_for_repair(
        NT_CREDIT, record_id=w.relapsed_record, applied_on=date(2025, 6, 5), corrected_on=date(2024, 2, 1),
        commitment=doc(date(2025, 6, 5), "承诺", "不再失信")), "NT-PCI-34", "clean_period"),
    ("repair without a correction", lambda w: w.service.apply_for_repair(
        NT_CREDIT, record_id=w.nt_record, applied_on=date(2025, 6, 5)), "NT-PCI-34", "corrected_on"),
    ("repair without a written commitment", lambda w: w.service.apply_for_repair(
        NT_CREDIT, record_id=w.nt_record, applied_on=date(2025, 6, 5), corrected_on=date(2024, 2, 1)),
     "NT-PCI-34", "commitment"),
    ("second repair while one is pending", lambda w: w.service.apply_for_repair(
        NT_CREDIT, record_id=w.nt_record, applied_on=date(2025, 6, 12), corrected_on=date(2024, 2, 1),
        commitment=doc(date(2025, 6, 12), "承诺2", "不再失信")), "NT-PCI-35", "record_id"),
    ("list entry resting on another profile's record", lambda w: w.service.draft_list_entry(
        HA_MARKET, profile_id="HA", subject_id=w.nt_person, list_code="black", list_field="health_life",
        record_ids=[w.nt_record], drafted_on=date(2025, 6, 1), reason="x"), "HA-2.3", "record_ids"),
    ("repair approved before the publicity period ends", lambda w: w.service.decide_repair(
        NT_TAX, repair_id=w.repair, approved=True, reasons="x", decided_on=date(2025, 6, 16)), "NT-PCI-35", "decided_on"),
    ("repair decided by another unit", lambda w: w.service.decide_repair(
        NT_CREDIT, repair_id=w.repair, approved=False, reasons="x", decided_on=date(2025, 6, 16)), "NT-PCI-4", "actor"),
    ("responsible person of a natural person", lambda w: w.service.link_responsible_person(
        LYG_BUREAU, organisation_id=w.adult, person_id=w.minor, role="principal"), "NT-PCI-29", "organisation_id"),
    ("responsible person in an unknown role", lambda w: w.service.link_responsible_person(
        HA_MARKET, organisation_id=w.ha_company, person_id=w.adult, role="accountant"), "NT-PCI-10", "role"),
    ("changed profile republished under the same version", republish_changed, "NT-PCI-36", "version"),
    ("decision under an unpublished profile version", decide_under_unpublished, "JY-16", "profile_id"),
    ("sweep of a future day", lambda w: w.service.sweep(NT_CREDIT, today=date(2025, 6, 17)), "NT-PCI-30", "today"),
    ("revocation without a written apology", lambda w: w.service.revoke_erroneous(
        NT_TAX, target_id=w.nt_record, reason="错误", revoked_on=date(2025, 6, 16)), "JY-24", "apology"),
    # role checks: who may take each step
    ("CS-2.2 points added by the urban-management office, not the bureaus", lambda w: w.service.add_points(
        CS_UMO, profile_id="CS", subject_id=w.adult, points=3, reason="占道经营", act_date=date(2025, 5, 1),
        basis=basis(date(2025, 5, 2))), "CS-2.2", "actor"),
    ("CS-2.2 points graded by an enforcement bureau", lambda w: w.service.grade_points(
        CS_BUREAU, profile_id="CS", subject_id=w.adult, grade="serious", graded_on=date(2025, 6, 1),
        basis=basis(date(2025, 6, 1))),
     "CS-2.2", "actor"),
    ("LYG-8 reminder registered by the credit office", lambda w: w.service.register_reminder(
        LYG_CREDIT, record_id=w.lyg_record, on=date(2025, 6, 1), method="书面", content="提醒"), "LYG-8", "actor"),
    ("LYG-8 interview registered by another department", lambda w: w.service.register_interview(
        actor("lyg-hrss"), record_id=w.lyg_record, on=date(2025, 6, 1), method="面谈", content="约谈",
        attended=True), "LYG-8", "actor"),
    ("LYG-14 objection lodged with a unit that does not receive it", lambda w: w.service.file_objection(
        actor("lyg-hrss"), record_id=w.lyg_record, grounds="wrong_or_incomplete", statement="x",
        filed_on=date(2025, 6, 2)), "LYG-14", "actor"),
    ("NT-PCI-32 objection lodged with an unrelated department", lambda w: w.service.file_objection(
        actor("ha-justice"), record_id=w.ha_record, grounds="wrong_or_incomplete", statement="x",
        filed_on=date(2025, 6, 2)), "NT-PCI-32", "actor"),
    ("NT-PCI-22 objection by an agent without authorisation", lambda w: w.service.file_objection(
        NT_CREDIT, record_id=w.nt_record, grounds="wrong_or_incomplete", statement="x", filed_on=date(2025, 6, 2),
        filed_by="agent"), "NT-PCI-22", "authorisation"),
    ("NT-PCI-22 objection by someone neither subject nor agent", lambda w: w.service.file_objection(
        NT_CREDIT, record_id=w.nt_record, grounds="wrong_or_incomplete", statement="x", filed_on=date(2025, 6, 2),
        filed_by="neighbour"), "NT-PCI-22", "filed_by"),
    ("JY-16 profile published by a recording unit", lambda w: w.service.publish_profile(NT_TAX, profile_id="NT"),
     "JY-16", "actor"),
    ("JY-16 profile published by another city's credit office", lambda w: w.service.publish_profile(
        JY_CREDIT, profile_id="NT"), "JY-16", "actor"),
    ("JY-5 list entry drafted by a unit the HA profile does not know", lambda w: w.service.draft_list_entry(
        NT_TAX, profile_id="HA", subject_id=w.ha_company, list_code="black", list_field="health_life",
        record_ids=[w.ha_record], drafted_on=date(2025, 6, 1), reason="x"), "JY-5", "actor"),
    ("JY-5 record by a unit the HA profile does not know", lambda w: w.service.record_dishonesty(
        NT_TAX, profile_id="HA", subject_id=w.ha_company, behaviour_code="HA-2.3.1", tier="serious",
        basis=basis(date(2025, 5, 2)), act_date=date(2025, 5, 1), determination_date=date(2025, 5, 2)),
     "JY-5", "actor"),
    ("JY-5 determination by a bank (reference information only)", lambda w: w.service.record_dishonesty(
        actor("jy-financial-institutions"), profile_id="JY", subject_id=w.jy_company, behaviour_code="JY-4.1",
        tier="serious", basis=basis(date(2025, 3, 3)), act_date=date(2025, 2, 1),
        determination_date=date(2025, 3, 3)), "JY-5", "actor"),
    ("JY-5 list drafted by an industry association", lambda w: w.service.draft_list_entry(
        actor("jy-industry-associations"), profile_id="JY", subject_id=w.jy_company, list_code="red",
        drafted_on=date(2025, 6, 1), reason="x"), "JY-5", "actor"),
    # monthly reports (NT-PCI-17), upward pushes (JY-22)
    ("NT-PCI-17 report of a month not yet ended", lambda w: w.service.report_list_entries(
        NT_TAX, profile_id="NT", period="2025-06", list_entry_ids=[], reported_on=date(2025, 6, 16)),
     "NT-PCI-17", "period"),
    ("NT-PCI-17 report period malformed", lambda w: w.service.report_list_entries(
        NT_TAX, profile_id="NT", period="2024/02", list_entry_ids=[], reported_on=date(2025, 6, 16)),
     "NT-PCI-17", "period"),
    ("NT-PCI-17 report leaving out an entry of the month", lambda w: w.service.report_list_entries(
        NT_TAX, profile_id="NT", period="2024-02", list_entry_ids=[], reported_on=date(2025, 6, 16)),
     "NT-PCI-17", "list_entry_ids"),
    ("NT-PCI-17 report of another unit's entry", lambda w: w.service.report_list_entries(
        NT_CREDIT, profile_id="NT", period="2024-02", list_entry_ids=[w.nt_black], reported_on=date(2025, 6, 16)),
     "NT-PCI-17", "list_entry_ids"),
    ("NT-PCI-17 report under a profile without monthly reports", lambda w: w.service.report_list_entries(
        LYG_BUREAU, profile_id="LYG", period="2024-02", list_entry_ids=[], reported_on=date(2025, 6, 16)),
     "NT-PCI-17", "profile_id"),
    ("JY-22 upward push by a department", lambda w: w.service.push_upward(
        JY_MARKET, list_entry_id=w.jy_black, pushed_on=date(2025, 6, 1)), "JY-22", "actor"),
    ("JY-22 upward push to a system outside the profile", lambda w: w.service.push_upward(
        JY_CREDIT, list_entry_id=w.jy_black, pushed_on=date(2025, 6, 1), systems=["beijing"]), "JY-22", "systems"),
    ("JY-22 upward push under a profile without it", lambda w: w.service.push_upward(
        NT_CREDIT, list_entry_id=w.nt_black, pushed_on=date(2025, 6, 1)), "JY-22", "list_entry_id"),
]


@pytest.mark.parametrize(("case", "command", "rule_id", "field"), BAD, ids=[row[0] for row in BAD])
def test_bad_command_is_refused_and_nothing_is_stored(world: World, ledger: Any, case: str,
                                                      command: Callable[[World], Any], rule_id: str,
                                                      field: str) -> None:
    before = ledger.event_count()
    with pytest.raises(RuleViolation) as refused:
        command(world)
    assert (refused.value.rule_id, refused.value.field) == (rule_id, field), refused.value
    assert refused.value.to_dict()["rule"] == rule_id
    assert ledger.event_count() == before


def test_unknown_or_mistyped_ids_are_not_found_and_nothing_is_stored(world: World, ledger: Any) -> None:
    before = ledger.event_count()
    with pytest.raises(NotFound) as unknown:
        record_lyg(world, subject_id=UUID(int=1))
    assert (unknown.value.kind, unknown.value.field) == ("Subject", "subject_id")
    with pytest.raises(NotFound) as mistyped:
        world.service.file_objection(NT_CREDIT, record_id=world.nt_black, grounds="wrong_or_incomplete",
                                     statement="x", filed_on=date(2025, 6, 2))
    assert (mistyped.value.kind, mistyped.value.field) == ("DishonestyRecord", "record_id")
    assert ledger.event_count() == before
