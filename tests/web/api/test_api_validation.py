"""Bad input is refused BEFORE the service: 400/422 JSON naming the field and the rule id; nothing stored."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from api_support import Api, error_of, event_total
from flask import Flask

GOOD_RECORD = {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious",
               "basis": {"type": "administrative_penalty", "number": "通税罚〔2025〕7号", "issuer": "南通市税务局",
                         "date": "2025-06-01"},
               "act_date": "2025-05-01", "determination_date": "2025-06-10"}

RECORD_CASES: list[tuple[str, dict[str, Any], int, str, str]] = [
    ("missing field", {"tier": None}, 422, "tier", "NT-PCI-15"),
    ("wrong type", {"tier": 3}, 422, "tier", "NT-PCI-15"),
    ("blank text", {"behaviour_code": "   "}, 422, "behaviour_code", "NT-PCI-15"),
    ("unknown profile", {"profile_id": "XX"}, 422, "profile_id", "JY-16"),
    ("bad date", {"act_date": "2025-02-30"}, 422, "act_date", "HA-2.2"),
    ("date with time", {"act_date": "2025-05-01T00:00"}, 422, "act_date", "HA-2.2"),
    ("bad uuid", {"subject_id": "not-an-id"}, 422, "subject_id", "NT-PCI-2"),
    ("nested missing", {"basis": {"type": "administrative_penalty", "number": "x", "date": "2025-06-01"}}, 422,
     "basis.issuer", "HA-2.2"),
    ("nested bad date", {"basis": {**GOOD_RECORD["basis"], "date": "yesterday"}}, 422, "basis.date", "HA-2.2"),
    ("unknown field", {"colour": "red"}, 422, "colour", "JY-16"),
    ("NUL byte", {"summary": "a\x00b"}, 422, "summary", "HA-2.2"),
    ("domain rule: future determination", {"determination_date": "2030-01-01"}, 422, "determination_date", "HA-2.2"),
    ("domain rule: unknown basis type", {"basis": {**GOOD_RECORD["basis"], "type": "rumour"}}, 422, "basis.type",
     "HA-2.2"),
]


@pytest.mark.parametrize(("case", "change", "status", "field", "rule"), RECORD_CASES, ids=[c[0] for c in RECORD_CASES])
def test_bad_record_input_names_field_and_rule_and_stores_nothing_ha_2_2(
        app: Flask, subject_id: UUID, case: str, change: dict[str, Any], status: int, field: str, rule: str) -> None:
    body = {**GOOD_RECORD, "subject_id": str(subject_id), **change}
    body = {k: v for k, v in body.items() if v is not None}
    api, before = Api(app, "recording_unit"), event_total(app)
    response = api.post("/records", body)
    assert response.status_code == status, response.get_data(as_text=True)
    error = error_of(response)
    assert (error["field"], error["rule_id"]) == (field, rule) and error["message"]
    assert event_total(app) == before


@pytest.mark.parametrize(("body", "content_type"), [("not json", "application/json"), ("[1, 2]", "application/json"),
                                                     ("tier=serious", "application/x-www-form-urlencoded")])
def test_a_body_that_is_not_a_json_object_is_400(app: Flask, body: str, content_type: str) -> None:
    api, before = Api(app, "recording_unit"), event_total(app)
    response = api.client.post("/api/v1/records", data=body, content_type=content_type, headers=api.headers)
    assert response.status_code == 400 and error_of(response)["field"] == "body"
    assert event_total(app) == before


def test_unknown_ids_are_404_and_store_nothing(app: Flask) -> None:
    office, before = Api(app, "credit_office"), event_total(app)
    missing = office.post(f"/sanctions/{uuid4()}/lift", {"reason": "x", "pushed_on": "2025-06-16"})
    assert missing.status_code == 404 and error_of(missing)["field"] == "sanction_id"
    assert office.get(f"/records/{uuid4()}").status_code == 404
    assert event_total(app) == before


def test_bad_path_id_and_bad_query_values_are_422(app: Flask, subject_id: UUID) -> None:
    office, auditor = Api(app, "credit_office"), Api(app, "auditor")
    bad_id = office.post("/sanctions/xyz/lift", {"reason": "x", "pushed_on": "2025-06-16"})
    assert bad_id.status_code == 422 and error_of(bad_id)["field"] == "sanction_id"
    audit = {"purpose": "p", "basis": "b"}
    for params, field, rule in [({"position": "-1"}, "position", "NT-PCI-36"),
                                ({"position": "99999999999"}, "position", "NT-PCI-36"),
                                ({"valid_at": "16/06/2025"}, "valid_at", "NT-PCI-30"),
                                ({"as_of": "2025-06-16T10:00"}, "as_of", "NT-PCI-36"),  # no offset
                                ({"as_of": "2025-06-16", "position": "1"}, "position", "NT-PCI-36"),
                                ({"as_of": "1999-01-01"}, "as_of", "NT-PCI-36")]:
        response = auditor.get(f"/subjects/{subject_id}/status", **params, **audit)
        assert response.status_code == 422, (params, response.get_data(as_text=True))
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == (field, rule), params
    limit = Api(app, "department").get("/inbox", limit="ten")
    assert limit.status_code == 422 and error_of(limit)["field"] == "limit"


def test_lookup_of_a_malformed_number_is_422_with_the_rule(app: Flask) -> None:
    response = Api(app, "credit_office").post("/subjects/lookup", {"q": "12345"})
    assert response.status_code == 422 and error_of(response)["field"] == "q"
    assert error_of(response)["rule_id"] in ("NT-PCI-15", "NT-PCI-18")


def test_unknown_api_paths_and_methods_answer_json(app: Flask) -> None:
    api = Api(app, "credit_office")
    missing = api.get("/no-such-thing")
    assert missing.status_code == 404 and error_of(missing)["message"]
    wrong_method = api.client.delete("/api/v1/records", headers=api.headers)
    assert wrong_method.status_code == 405 and error_of(wrong_method)["message"]
    assert not app.test_client().get("/no-such-page").is_json  # the UI keeps its error page
