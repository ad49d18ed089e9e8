"""The yearly government-integrity evaluation through the API on both backends (NT-GOV-4.1): issued by the
evaluating body from the ledger at one log position, signed; recomputed later at that position it matches."""

from __future__ import annotations

from flask import Flask

from api_support import Api, add_user, error_of, event_total
from test_api_government import body_code


def test_nt_gov_4_1_evaluation_is_issued_signed_and_reproducible_through_the_api(any_app: Flask) -> None:
    add_user(any_app, "org-dept", "recording_unit", "nt-organisation-department")
    add_user(any_app, "city", "recording_unit", "nt-finance-bureau")
    org, city_clerk = Api(any_app, "recording_unit", "org-dept"), Api(any_app, "recording_unit", "city")
    office, auditor = Api(any_app, "credit_office"), Api(any_app, "auditor")
    city = org.ok("/government/bodies", {"profile_id": "NT", "name": "南通市人民政府", "uscc": body_code(31),
                                         "level": "city", "unit": "nt-finance-bureau"})["id"]
    dept = org.ok("/government/bodies", {"profile_id": "NT", "name": "南通市统计局", "uscc": body_code(32),
                                         "level": "city", "superior_id": city})["id"]
    record = {"profile_id": "NT", "subject_id": dept, "source_kind": "court_judgment", "behaviour_code": "NT-GOV-3.4",
              "tier": "general", "act_date": "2024-01-02", "determination_date": "2024-04-02",
              "document": {"number": "(2024)苏06行初3号", "date": "2024-04-01", "issuer": "南通市中级人民法院"}}
    office.ok("/government/records", record)

    evaluation = {"profile_id": "NT", "evaluator_id": city, "year": 2024, "issued_on": "2025-01-10"}
    before = event_total(any_app)
    early = city_clerk.post("/evaluations", {**evaluation, "issued_on": "2024-12-31"})
    assert early.status_code == 422 and (error_of(early)["rule_id"], error_of(early)["field"]) == ("NT-GOV-4.1",
                                                                                                   "year")
    other = org.post("/evaluations", evaluation)  # neither the evaluating body nor the credit office
    assert other.status_code == 422 and (error_of(other)["rule_id"], error_of(other)["field"]) == ("NT-GOV-4.1",
                                                                                                   "actor")
    assert auditor.post("/evaluations", evaluation).status_code == 403
    assert event_total(any_app) == before
    city_clerk.ok("/evaluations", evaluation)
    issued = auditor.read(f"/evaluations/NT/{city}/2024")
    assert issued["matches"] and issued["issued_by"] == "nt-finance-bureau" and issued["year"] == 2024
    [body] = issued["contents"]["bodies"]
    assert body["name"] == "南通市统计局" and body["records"] == {"court_judgment": 1}
    assert issued["contents"]["scoring"]["score"] is None

    office.ok("/government/records", {**record, "document": {**record["document"], "number": "(2024)苏06行初4号"}})
    again = office.read(f"/evaluations/NT/{city}/2024")
    assert again["matches"] and again["contents"] == issued["contents"]  # a later event changes nothing stored
    then = auditor.read(f"/evaluations/NT/{city}/2024/as-of", position=issued["log_position"])
    assert then["content_hash"] == issued["content_hash"] and then["contents"] == issued["contents"]
    now = auditor.read(f"/evaluations/NT/{city}/2024/as-of")
    assert now["contents"]["bodies"][0]["records"] == {"court_judgment": 2}
    assert now["log_position"] > then["log_position"]
    both = auditor.get(f"/evaluations/NT/{city}/2024/as-of", position=1, as_of="2025-01-01")
    assert both.status_code == 422 and error_of(both)["field"] == "position"
    twice = office.post("/evaluations", evaluation)
    assert twice.status_code == 422 and error_of(twice)["rule_id"] == "NT-GOV-4.1"
    assert office.get(f"/evaluations/NT/{city}/24").status_code == 422  # not a year
    assert office.get(f"/evaluations/NT/{city}/2023").status_code == 404  # never issued
    assert "/api/v1/evaluations/{profile_id}/{evaluator_id}/{year}" in any_app.test_client().get(
        "/api/v1/openapi.json").get_json()["paths"]
