"""NT-GOV: government bodies and civil servants, their files, dishonesty records, consequences and awards."""

from __future__ import annotations

from datetime import date

import pytest
from domain_helpers import actor, credit_code, doc, person_id
from gov_support import (
    CREDIT, DISCIPLINE, FINANCE, HR, ORG, STATS, body_code, judgment, register_body, register_servant,
)

from domain.errors import RuleViolation


def test_nt_gov_2_2a_government_body_keyed_by_type_11_code_with_level_and_superior(service, ledger) -> None:
    city = register_body(service, "南通市人民政府", 1)
    dept = register_body(service, "南通市统计局", 2, superior_id=city, unit="nt-statistics-bureau")
    body = ledger.get(dept)
    assert (body.kind, body.government["level"], body.government["superior_id"]) == (
        "government_body", "city", str(city))
    assert body.masked()["name"] == "南通市统计局"  # NT-GOV-2.3: bodies are named
    with pytest.raises(RuleViolation) as caught:  # a company code (type 91) is no government body's
        service.register_government_body(ORG, profile_id="NT", name="某公司", uscc=credit_code(3), level="city")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "uscc")
    with pytest.raises(RuleViolation) as caught:
        service.register_government_body(ORG, profile_id="NT", name="某局", uscc=body_code(4), level="galaxy")
    assert caught.value.field == "level"
    with pytest.raises(RuleViolation) as caught:  # registered by the organisation department only
        service.register_government_body(actor("nt-tax-bureau"), profile_id="NT", name="某局", uscc=body_code(5),
                                         level="city")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "actor")
    with pytest.raises(RuleViolation) as caught:  # its own ledger unit must be one the profile knows
        service.register_government_body(ORG, profile_id="NT", name="某局", uscc=body_code(6), level="city",
                                         unit="nt-nowhere")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "unit")


def test_nt_gov_2_2a_civil_servant_is_a_person_with_employer_and_post(service, ledger) -> None:
    dept = register_body(service)
    servant = register_servant(service, dept)
    subject = ledger.get(servant)
    assert subject.is_person and subject.kind == "civil_servant"
    assert subject.government["employer_id"] == str(dept) and subject.government["post"] == "科长"
    assert subject.masked()["name"] == "王*"  # same privacy as persons (HA-3.2)
    with pytest.raises(RuleViolation) as caught:  # same ID rules as persons
        service.register_civil_servant(HR, profile_id="NT", name="李四", id_number="320601198001011234",
                                       employer_id=dept, post="科员")
    assert caught.value.field == "id_number"
    company = service.register_organisation(actor("nt-tax-bureau"), name="某公司", uscc=credit_code(7))
    with pytest.raises(RuleViolation) as caught:
        service.register_civil_servant(HR, profile_id="NT", name="李四", id_number=person_id(date(1980, 1, 1), 7),
                                       employer_id=company, post="科员")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "employer_id")


def test_nt_gov_2_2a_2_2d_file_entries_positive_first_class_signed_by_the_department(service, clock) -> None:
    clock.day = date(2025, 6, 16)
    dept = register_body(service, unit="nt-statistics-bureau")
    servant = register_servant(service, dept)
    praise = service.record_file_entry(STATS, profile_id="NT", subject_id=dept, category="openness",
                                       polarity="positive", document=doc(date(2025, 5, 1)), summary="政务公开优秀")
    award = service.record_file_entry(STATS, profile_id="NT", subject_id=servant, category="honours",
                                      polarity="positive", document=doc(date(2025, 5, 2)), summary="记三等功")
    yearly = service.record_file_entry(HR, profile_id="NT", subject_id=servant, category="annual_assessment",
                                       polarity="positive", document=doc(date(2025, 1, 20)), summary="年度考核",
                                       year=2024, result="优秀")
    hidden = service.record_file_entry(STATS, profile_id="NT", subject_id=servant,
                                       category="personal_matters_sanction", polarity="negative",
                                       document=doc(date(2025, 3, 2)), summary="漏报个人有关事项，诫勉")
    entries = service.government_file(servant)["entries"]
    assert [e.id for e in entries] == [award, yearly, hidden]
    assert [(e.category, e.polarity, e.recording_unit) for e in entries] == [
        ("honours", "positive", "nt-statistics-bureau"), ("annual_assessment", "positive", "nt-hrss"),
        ("personal_matters_sanction", "negative", "nt-statistics-bureau")]
    assert entries[2].rule_id == "NT-GOV-2.2d" and entries[1].result == "优秀"
    assert [e.id for e in service.government_file(dept)["entries"]] == [praise]
    with pytest.raises(RuleViolation) as caught:  # a body's category is not a civil servant's
        service.record_file_entry(STATS, profile_id="NT", subject_id=servant, category="openness",
                                  polarity="positive", document=doc(date(2025, 5, 1)), summary="x")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "category")
    with pytest.raises(RuleViolation) as caught:  # another department does not record this one's servants
        service.record_file_entry(FINANCE, profile_id="NT", subject_id=servant, category="honours",
                                  polarity="positive", document=doc(date(2025, 5, 1)), summary="x")
    assert caught.value.field == "actor"
    with pytest.raises(RuleViolation) as caught:
        service.record_file_entry(HR, profile_id="NT", subject_id=servant, category="annual_assessment",
                                  polarity="positive", document=doc(date(2025, 1, 20)), summary="年度考核")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2a", "year")


@pytest.mark.parametrize(("source_kind", "code"), [
    ("court_judgment", "NT-GOV-3.4"), ("administrative_penalty", "NT-GOV-3.1"),
    ("disciplinary_sanction", "NT-GOV-3.6"), ("accountability_decision", "NT-GOV-3.3"),
])
def test_nt_gov_2_2b_record_names_source_kind_and_document(service, clock, source_kind, code) -> None:
    clock.day = date(2025, 6, 16)
    dept = register_body(service)
    record_id = service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=dept, source_kind=source_kind, document=judgment(date(2025, 3, 1)),
        behaviour_code=code, tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    record = service.records_of(dept)[0]
    assert record.id == record_id and record.behaviour_code == code
    assert record.government == {"source_kind": source_kind, "subject_kind": "government_body"}
    assert record.basis["type"] == {"disciplinary_sanction": "other_statutory",
                                    "accountability_decision": "other_statutory"}.get(source_kind, source_kind)
    assert record.basis["number"] == "(2024)苏06行初1号"
    assert service.government_file(dept)["records"][0].id == record_id


def test_nt_gov_2_2b_refuses_unknown_source_kind_and_non_government_subjects(service, clock) -> None:
    dept = register_body(service)
    with pytest.raises(RuleViolation) as caught:
        service.record_government_dishonesty(
            CREDIT, profile_id="NT", subject_id=dept, source_kind="newspaper", document=judgment(date(2025, 3, 1)),
            behaviour_code="NT-GOV-2.2b", tier="general", act_date=date(2024, 11, 1),
            determination_date=date(2025, 3, 2))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2b", "source_kind")
    person = service.register_person(actor("nt-tax-bureau"), name="赵六", id_number=person_id(date(1970, 1, 1), 9))
    with pytest.raises(RuleViolation) as caught:
        service.record_government_dishonesty(
            CREDIT, profile_id="NT", subject_id=person, source_kind="court_judgment",
            document=judgment(date(2025, 3, 1)), behaviour_code="NT-GOV-2.2b", tier="general",
            act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2b", "subject_id")
    assert service.records_of(dept) == []


def test_nt_gov_2_2c_fault_tolerance_determination_refuses_the_record_and_is_kept(service, ledger, clock) -> None:
    dept = register_body(service)
    servant = register_servant(service, dept)
    kept = service.determine_fault_tolerance(
        DISCIPLINE, profile_id="NT", subject_id=servant, case_number="通纪〔2025〕3号",
        document=doc(date(2025, 4, 1), "通纪容〔2025〕1号"), reason="先行先试，未谋私利")
    with pytest.raises(RuleViolation) as caught:
        service.record_government_dishonesty(
            CREDIT, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
            document=judgment(date(2025, 3, 1), "通纪 〔2025〕3号", "南通市纪委"), behaviour_code="NT-GOV-2.2b",
            tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2c", "document.number")
    assert str(kept) in caught.value.message  # the determination is cited
    assert service.records_of(servant) == []
    file = service.government_file(servant)
    assert [f.id for f in file["fault_tolerance"]] == [kept] and file["fault_tolerance"][0].reason == "先行先试，未谋私利"
    with pytest.raises(RuleViolation) as caught:  # only the competent body determines
        service.determine_fault_tolerance(CREDIT, profile_id="NT", subject_id=servant, case_number="x",
                                          document=doc(date(2025, 4, 1)), reason="r")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.2c", "actor")
    other = service.record_government_dishonesty(  # another case is recorded as usual
        CREDIT, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2025, 3, 1), "通纪〔2025〕4号", "南通市纪委"), behaviour_code="NT-GOV-2.2b",
        tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    assert [r.id for r in service.records_of(servant)] == [other]


def _body_record(service, dept, tier: str = "general"):
    return service.record_government_dishonesty(
        CREDIT, profile_id="NT", subject_id=dept, source_kind="court_judgment", document=judgment(date(2025, 3, 1)),
        behaviour_code="NT-GOV-3.4", tier=tier, act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))


def test_nt_gov_2_4a_rectification_deadline_tracked_and_overdue_shown(service, clock) -> None:
    clock.day = date(2025, 3, 10)
    dept = register_body(service, unit="nt-statistics-bureau")
    record = _body_record(service, dept)
    with pytest.raises(RuleViolation) as caught:  # the seed sets no deadline: the order must state one
        service.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 5), deadline=None,
                                    requirements="兑现招商承诺")
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.4a", "deadline")
    service.order_rectification(CREDIT, record_id=record, ordered_on=date(2025, 3, 5), deadline=date(2025, 4, 30),
                                requirements="兑现招商承诺")
    case = service.government_case(record)
    assert not case.rectification_overdue(date(2025, 4, 30)) and case.rectification_overdue(date(2025, 5, 1))
    clock.day = date(2025, 5, 2)
    assert [c.record_id for c in service.overdue_rectifications(date(2025, 5, 2))] == [record]
    service.complete_rectification(STATS, record_id=record, completed_on=date(2025, 5, 2),
                                   document=doc(date(2025, 5, 2), "整改报告〔2025〕1号"))
    case = service.government_case(record)
    assert case.rectification["on_time"] is False  # late stays visible
    assert not case.rectification_overdue(date(2025, 5, 3)) and case.rectification_overdue(date(2025, 5, 1))
    assert service.overdue_rectifications(date(2025, 5, 3)) == []


def test_nt_gov_2_4a_explanation_criticism_and_honours_lost_for_a_body(service, clock) -> None:
    clock.day = date(2025, 3, 10)
    dept = register_body(service, unit="nt-statistics-bureau")
    assert service.may_receive_award(CREDIT, subject_id=dept, day=date(2025, 3, 1), purpose="评优", basis="NT-GOV-2.4a"
                                     ).allowed
    record = _body_record(service, dept)
    check = service.may_receive_award(CREDIT, subject_id=dept, day=date(2025, 3, 2), purpose="评优",
                                      basis="NT-GOV-2.4a")
    assert not check.allowed and check.barring_record_ids == (record,)
    service.give_explanation(STATS, record_id=record, text="换届后未兑现承诺", explained_on=date(2025, 3, 6))
    with pytest.raises(RuleViolation) as caught:  # a criticism notice is a written text
        service.publish_criticism(CREDIT, record_id=record, notice=doc(date(2025, 3, 8)), published_on=date(2025, 3, 8))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.4a", "notice.text")
    service.publish_criticism(CREDIT, record_id=record, notice=doc(date(2025, 3, 8), "通信办〔2025〕2号", "通报批评"),
                              published_on=date(2025, 3, 8))
    case = service.government_case(record)
    assert case.explanation["text"] == "换届后未兑现承诺" and case.criticism["on"] == date(2025, 3, 8)
    with pytest.raises(RuleViolation) as caught:
        service.publish_criticism(STATS, record_id=record, notice=doc(date(2025, 3, 8), text="x"),
                                  published_on=date(2025, 3, 8))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.4a", "actor")


def test_nt_gov_2_4a_principal_responsible_person_held_accountable(service, clock) -> None:
    clock.day = date(2025, 3, 10)
    dept = register_body(service)
    head = register_servant(service, dept, 1, "钱七")
    outsider = register_servant(service, register_body(service, "南通市另一局", 9), 2)
    record = _body_record(service, dept)
    with pytest.raises(RuleViolation) as caught:
        service.hold_principal_accountable(DISCIPLINE, record_id=record, person_id=outsider,
                                           source_kind="accountability_decision",
                                           document=judgment(date(2025, 3, 9), "通问〔2025〕1号", "南通市纪委"),
                                           tier="general", determination_date=date(2025, 3, 9))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.4a", "person_id")
    derived = service.hold_principal_accountable(
        DISCIPLINE, record_id=record, person_id=head, source_kind="accountability_decision",
        document=judgment(date(2025, 3, 9), "通问〔2025〕1号", "南通市纪委"), tier="general",
        determination_date=date(2025, 3, 9))
    against = service.records_of(head)[0]
    assert against.id == derived and against.origin_record_id == record and against.role == "principal"
    assert service.government_case(record).accountability == [{"person_id": str(head), "record_id": str(derived)}]
    assert not service.may_receive_award(CREDIT, subject_id=head, day=date(2025, 3, 9), purpose="评优",
                                         basis="NT-GOV-2.4b").allowed


def test_nt_gov_2_4b_may_receive_award_is_a_registered_read(service, ledger, clock) -> None:
    dept = register_body(service)
    servant = register_servant(service, dept)
    before = ledger.event_count()
    check = service.may_receive_award(HR, subject_id=servant, day=date(2025, 6, 1), purpose="年度评优",
                                      basis="NT-GOV-2.4b")
    assert check.allowed
    assert ledger.event_count() == before + 1  # HA-5.2: the read is registered
    with pytest.raises(RuleViolation) as caught:
        service.may_receive_award(HR, subject_id=servant, day=date(2025, 6, 1), purpose="", basis="NT-GOV-2.4b")
    assert (caught.value.rule_id, caught.value.field) == ("HA-5.2", "purpose")


def test_nt_gov_2_5b_self_correction_needs_a_ground_and_names_what_is_lightened(service, clock) -> None:
    clock.day = date(2025, 3, 10)
    dept = register_body(service)
    record = _body_record(service, dept)
    with pytest.raises(RuleViolation) as caught:
        service.record_self_correction(CREDIT, record_id=record, ground="apologised", outcome="exempt",
                                       reason="r", document=doc(date(2025, 3, 9)), decided_on=date(2025, 3, 9))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.5b", "ground")
    with pytest.raises(RuleViolation) as caught:
        service.record_self_correction(CREDIT, record_id=record, ground="loss_recovered", outcome="lighter",
                                       reason="r", document=doc(date(2025, 3, 9)), decided_on=date(2025, 3, 9))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.5b", "lifted")
    criticism = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-03", pushed_on=date(2025, 3, 9))
    honours = service.push_sanction(CREDIT, source_id=record, measure_id="NT-M-02", pushed_on=date(2025, 3, 9))
    service.record_self_correction(CREDIT, record_id=record, ground="loss_recovered", outcome="lighter",
                                   lifted=["public_criticism"], reason="已补偿企业损失",
                                   document=doc(date(2025, 3, 9), "通信办〔2025〕3号"), decided_on=date(2025, 3, 9))
    with pytest.raises(RuleViolation) as caught:  # the lightened criticism is no longer published
        service.publish_criticism(CREDIT, record_id=record, notice=doc(date(2025, 3, 10), text="通报"),
                                  published_on=date(2025, 3, 10))
    assert caught.value.rule_id == "NT-GOV-2.5b"
    assert not service.may_receive_award(CREDIT, subject_id=dept, day=date(2025, 3, 10), purpose="评优",
                                         basis="NT-GOV-2.4a").allowed  # honours still lost
    assert (service.sanction(criticism).status, service.sanction(honours).status) == ("withdrawn", "pushed")


def test_nt_gov_2_5a_objection_and_repair_reuse_the_existing_machinery_and_deadlines(service, clock) -> None:
    clock.day = date(2025, 3, 10)
    dept = register_body(service)
    servant = register_servant(service, dept)
    record = service.record_government_dishonesty(
        DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2025, 3, 1), "通纪〔2025〕9号", "南通市纪委"), behaviour_code="NT-GOV-2.2b",
        tier="general", act_date=date(2024, 11, 1), determination_date=date(2025, 3, 2))
    objection = service.file_objection(CREDIT, record_id=record, grounds="wrong_or_incomplete",
                                       statement="行为日期有误", filed_on=date(2025, 3, 10))
    assert service.records_of(servant)[0].flags == [str(objection)]
    # NT-PCI-32's deadlines, as the profile sets them: the seed's government text sets none of its own
    assert service.objection(objection).answer_deadline["rule_id"] == "NT-PCI-32"
    service.decide_objection(DISCIPLINE, objection_id=objection, upheld=True, reasons="日期有误",
                             decided_on=date(2025, 3, 10))
    service.apply_correction(actor("nt-credit-centre"), objection_id=objection,
                             changes={"act_date": date(2024, 11, 2)}, applied_on=date(2025, 3, 10))
    assert service.record(record).act_date == date(2024, 11, 2) and service.record(record).flags == []
    # civil servants have repair channels (NT-GOV-2.5a): corrected, a clean year, commitment, publicity
    clock.day = date(2026, 3, 2)
    repair = service.apply_for_repair(CREDIT, record_id=record, applied_on=date(2026, 2, 20),
                                      corrected_on=date(2025, 2, 1),
                                      commitment=doc(date(2026, 2, 20), "承诺〔2026〕2号", "依法履职"))
    service.give_repair_opinion(DISCIPLINE, repair_id=repair, favourable=True, given_on=date(2026, 2, 20),
                                opinion=doc(date(2026, 2, 20), "修复意见〔2026〕2号", "同意修复"))
    service.decide_repair(DISCIPLINE, repair_id=repair, approved=True, reasons="公示无异议",
                          decided_on=date(2026, 3, 2))
    assert service.record(record).status == "repaired"
    assert service.may_receive_award(HR, subject_id=servant, day=date(2026, 3, 2), purpose="评优",
                                     basis="NT-GOV-2.4b").allowed


def test_nt_gov_2_4a_the_seed_sets_no_government_deadline_and_the_profile_says_so() -> None:
    from domain.policy import load_all
    profile = load_all()["NT"]
    assert profile.find_deadline("rectification") is None and profile.find_deadline("explanation") is None
    assert "sets NO time limit" in open("domain/profiles/nt.toml", encoding="utf-8").read()


def test_nt_gov_2_3_government_records_collected_upward_by_month(service, clock) -> None:
    clock.day = date(2025, 4, 2)
    dept = register_body(service)
    march = _body_record(service, dept)
    servant = register_servant(service, dept)
    april = service.record_government_dishonesty(
        DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
        document=judgment(date(2025, 4, 1), "通纪〔2025〕20号", "南通市纪委"), behaviour_code="NT-GOV-2.2b",
        tier="general", act_date=date(2025, 1, 1), determination_date=date(2025, 4, 1))
    with pytest.raises(RuleViolation) as caught:  # the month has not ended
        service.report_government_records(CREDIT, profile_id="NT", period="2025-04", reported_on=date(2025, 4, 2))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.3", "period")
    with pytest.raises(RuleViolation) as caught:
        service.report_government_records(STATS, profile_id="NT", period="2025-03", reported_on=date(2025, 4, 2))
    assert (caught.value.rule_id, caught.value.field) == ("NT-GOV-2.3", "actor")
    report_id = service.report_government_records(CREDIT, profile_id="NT", period="2025-03",
                                                  reported_on=date(2025, 4, 2))
    report = service.government_records_report("NT", "2025-03")
    assert report.id == report_id and report.record_ids == [str(march)]
    assert report.targets == ["信用江苏", "信用中国"]
    with pytest.raises(RuleViolation) as caught:
        service.report_government_records(CREDIT, profile_id="NT", period="2025-03", reported_on=date(2025, 4, 2))
    assert caught.value.field == "period"
    clock.day = date(2025, 5, 3)
    service.report_government_records(CREDIT, profile_id="NT", period="2025-04", reported_on=date(2025, 5, 3))
    assert service.government_records_report("NT", "2025-04").record_ids == [str(april)]
