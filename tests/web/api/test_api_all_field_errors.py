"""The API names every bad field of a request in one 4xx answer (issue 16.3): `error` is the first, `errors` all
of them (path, query and body, nested objects too), each with its field and rule id; nothing is stored."""

from __future__ import annotations

from uuid import UUID

from api_support import Api, error_of, event_total
from flask import Flask

GOOD_RECORD = {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious",
               "basis": {"type": "administrative_penalty", "number": "通税罚〔2025〕7号", "issuer": "南通市税务局",
                         "date": "2025-06-01"},
               "act_date": "2025-05-01", "determination_date": "2025-06-10"}


def _fields(error: dict[str, object]) -> dict[str, object]:
    return {one["field"]: one["rule_id"] for one in error["errors"]}  # type: ignore[attr-defined, index]


def test_a_record_with_four_bad_fields_is_refused_naming_all_four_and_stores_nothing(app: Flask,
                                                                                    subject_id: UUID) -> None:
    body = {**GOOD_RECORD, "subject_id": "not-an-id", "tier": 3, "act_date": "2025-02-30",
            "basis": {**GOOD_RECORD["basis"], "date": "yesterday"}, "colour": "red"}  # type: ignore[dict-item]
    api, before = Api(app, "recording_unit"), event_total(app)
    response = api.post("/records", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = error_of(response)
    assert _fields(error) == {"colour": "JY-16", "subject_id": "NT-PCI-2", "tier": "NT-PCI-15",
                              "act_date": "HA-2.2", "basis.date": "HA-2.2"}, error
    assert (error["field"], error["rule_id"]) == (error["errors"][0]["field"], error["errors"][0]["rule_id"])
    assert all(one["message"] for one in error["errors"])
    assert event_total(app) == before


def test_a_bad_path_id_and_a_bad_body_field_are_refused_together(app: Flask) -> None:
    office, before = Api(app, "credit_office"), event_total(app)
    response = office.post("/sanctions/xyz/lift", {"reason": "x", "pushed_on": "16/06/2025"})
    assert response.status_code == 422
    assert set(_fields(error_of(response))) == {"sanction_id", "pushed_on"}
    assert event_total(app) == before


def test_bad_query_values_are_refused_together(app: Flask, subject_id: UUID) -> None:
    response = Api(app, "auditor").get(f"/subjects/{subject_id}/status", position="-1", valid_at="16/06/2025",
                                       purpose="p", basis="b")
    assert response.status_code == 422
    assert _fields(error_of(response)) == {"position": "NT-PCI-36", "valid_at": "NT-PCI-30"}


def test_a_domain_refusal_stays_one_error(app: Flask, subject_id: UUID) -> None:
    body = {**GOOD_RECORD, "subject_id": str(subject_id), "determination_date": "2030-01-01"}
    response = Api(app, "recording_unit").post("/records", body)
    assert response.status_code == 422 and "errors" not in error_of(response)
    assert error_of(response)["field"] == "determination_date"
