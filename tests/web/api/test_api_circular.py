"""The quarterly circular through the API (NT-JRP-Q): issued by the credit office from the read models at one log
position, signed; recomputed later at that position it matches, though later events changed the quarter."""

from __future__ import annotations

from flask import Flask

from api_support import Api, error_of, person_of
from test_api_workflows import _record


def test_nt_jrp_q_circular_is_produced_signed_and_reproducible_as_of_its_position(any_app: Flask) -> None:
    subject_id = person_of(any_app)
    recorder, office, dept = Api(any_app, "recording_unit"), Api(any_app, "credit_office"), Api(any_app, "department")
    record_id = _record(recorder, subject_id, determined="2025-03-10", act="2025-02-01")
    entry = recorder.ok("/list-entries", {"profile_id": "NT", "subject_id": str(subject_id), "list_code": "black",
                                          "record_ids": [record_id], "drafted_on": "2025-03-11", "reason": "严重失信"})
    office.ok(f"/list-entries/{entry['id']}/confirmation", {"confirmed_on": "2025-03-12"})
    case = office.ok("/sanctions", {"source_id": record_id, "measure_id": "NT-M-06", "pushed_on": "2025-03-12"})["id"]
    dept.ok(f"/sanctions/{case}/acknowledgement", {"acknowledged_on": "2025-03-13"})

    early = office.post("/circulars", {"profile_id": "NT", "period": "2025-Q2", "issued_on": "2025-06-16"})
    assert early.status_code == 422 and (error_of(early)["rule_id"], error_of(early)["field"]) == ("NT-JRP-Q", "period")
    q1 = {"profile_id": "NT", "period": "2025-Q1", "issued_on": "2025-06-16"}
    assert dept.post("/circulars", q1).status_code == 403
    office.ok("/circulars", {"profile_id": "NT", "period": "2025-Q1", "issued_on": "2025-06-16"})
    issued = Api(any_app, "auditor").read("/circulars/NT/2025-Q1")
    assert issued["matches"] and issued["issued_by"] == "nt-credit-office"
    contents = issued["contents"]
    assert (contents["from"], contents["to"]) == ("2025-01-01", "2025-03-31")
    assert contents["lists"]["black"] == {"confirmed": 1, "ended": 0, "in_force_at_end": 1}
    assert contents["records"] == {"serious": {"determined": 1, "in_force_at_end": 1}}
    assert contents["sanctions"] == {"nt-financial-institutions": {"acknowledged": 1, "pushed": 1}}

    # a later, back-dated step in the same quarter: the circular still reproduces at its own position
    dept.ok(f"/sanctions/{case}/application", {"case": {"number": "贷审〔2025〕9号", "date": "2025-03-20",
                                                        "description": "提高利率"}})
    again = office.read("/circulars/NT/2025-Q1")
    assert again["matches"] and again["contents"] == contents
    twice = office.post("/circulars", {"profile_id": "NT", "period": "2025-Q1", "issued_on": "2025-06-16"})
    assert twice.status_code == 422 and error_of(twice)["rule_id"] == "NT-JRP-Q"
    assert office.get("/circulars/NT/2025-Q9").status_code == 422  # not a quarter
    assert office.get("/circulars/NT/2024-Q4").status_code == 404  # never issued
