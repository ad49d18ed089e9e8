"""Rule fidelity through the JSON API: NT-PCI-32 provider verification, NT-PCI-35 objections during the repair
publicity, on both backends."""

from __future__ import annotations

from flask import Flask

from api_support import Api, error_of, event_total, person_of
from test_api_workflows import _record


def test_nt_pci_32_referral_and_provider_verification_through_the_api(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    recorder, office = Api(any_app, "recording_unit"), Api(any_app, "credit_office")
    record_id = _record(recorder, subject_id)
    objection = office.ok("/objections", {"record_id": record_id, "grounds": "wrong_or_incomplete",
                                          "statement": "文号有误", "filed_on": "2025-06-12"})["id"]
    self_referral = recorder.post(f"/objections/{objection}/referral", {"referred_on": "2025-06-13"})
    assert (self_referral.status_code, error_of(self_referral)["rule_id"]) == (422, "NT-PCI-32")
    office.ok(f"/objections/{objection}/referral", {"referred_on": "2025-06-13"})
    before = event_total(any_app)
    by_office = office.post(f"/objections/{objection}/verification",
                            {"correct": True, "findings": "核实无误", "verified_on": "2025-06-16"})
    assert by_office.status_code == 422 and error_of(by_office)["field"] == "actor" and event_total(any_app) == before
    recorder.ok(f"/objections/{objection}/verification", {"correct": True, "findings": "核实无误",
                                                          "verified_on": "2025-06-16"})
    verification = office.read(f"/objections/{objection}")["referral"]["verification"]
    assert (verification["correct"], verification["late"]) == (True, False)  # 5 working days from 06-13


def test_nt_pci_35_a_publicity_objection_holds_the_repair_through_the_api(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    recorder, office = Api(any_app, "recording_unit"), Api(any_app, "credit_office")
    record_id = _record(recorder, subject_id, determined="2024-01-10", act="2023-12-01")
    repair = office.ok("/repairs", {"record_id": record_id, "applied_on": "2025-06-05", "corrected_on": "2024-02-01",
                                    "commitment": {"number": "承诺〔2025〕3号", "date": "2025-06-05",
                                                   "text": "本人承诺依法纳税"}})["id"]
    recorder.ok(f"/repairs/{repair}/opinion", {"favourable": True, "given_on": "2025-06-06", "opinion": {
        "number": "修复意见〔2025〕1号", "date": "2025-06-06", "text": "同意修复"}})
    office.ok(f"/repairs/{repair}/publicity-objections", {"statement": "仍有欠税", "filed_on": "2025-06-09"})
    held = recorder.post(f"/repairs/{repair}/decision", {"approved": True, "reasons": "期满", "decided_on": "2025-06-16"})
    assert held.status_code == 422 and error_of(held)["rule_id"] == "NT-PCI-35"
    recorder.ok(f"/repairs/{repair}/publicity-objections/verification",
                {"number": 1, "founded": False, "opinion": "已补缴", "verified_on": "2025-06-13"})
    recorder.ok(f"/repairs/{repair}/decision", {"approved": True, "reasons": "异议不成立", "decided_on": "2025-06-16"})
    assert office.read(f"/records/{record_id}")["status"] == "repaired"


def test_cs_2_7_the_review_step_is_refused_where_the_profile_has_none(app: Flask) -> None:
    subject_id = person_of(app)
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    record_id = _record(recorder, subject_id, determined="2024-01-10", act="2023-12-01")
    repair = office.ok("/repairs", {"record_id": record_id, "applied_on": "2025-06-05", "corrected_on": "2024-02-01",
                                    "commitment": {"number": "承诺〔2025〕3号", "date": "2025-06-05", "text": "承诺"}})["id"]
    review = office.post(f"/repairs/{repair}/review", {"approved": True, "opinion": "审核通过",
                                                       "reviewed_on": "2025-06-06"})
    assert review.status_code == 422 and (error_of(review)["rule_id"], error_of(review)["field"]) == (
        "CS-2.7", "repair_id")  # NT: the provider gives its opinion directly (NT-PCI-35)
