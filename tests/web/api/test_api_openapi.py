"""The OpenAPI document is generated from the endpoint declarations, and the API conforms to it: a bounded
schemathesis run through WSGI (no server errors, documented status codes, documented response bodies)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
import schemathesis
from api_support import Api, bearer
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from test_api_workflows import _black_list, _push, _record
from web_helpers import ROLE_USER

from web.api import ENDPOINTS
from web.context import services
from web.roles import PUBLIC

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
FEW_EXAMPLES = {GenerationMode.POSITIVE: 2, GenerationMode.NEGATIVE: 1}
AUDIT = {"purpose": "纪检审查", "basis": "审查通知〔2025〕9号"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def test_the_document_is_generated_from_the_declarations(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and set(doc["components"]["securitySchemes"]) == {"bearerAuth",
                                                                                           "sessionCookie"}
    for spec in ENDPOINTS:
        op = doc["paths"]["/api/v1" + spec.path][spec.method.lower()]
        assert op["operationId"] == spec.name and set(op["x-roles"]) == set(spec.roles)
        assert {"200", "400", "401", "403", "404", "422"} <= set(op["responses"])
        assert op["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        names = {p["name"] for p in op["parameters"]}
        assert names == {f.name for f in (*spec.path_fields, *spec.query)}
        if spec.body:
            body = op["requestBody"]["content"]["application/json"]["schema"]
            assert set(body["properties"]) == {f.name for f in spec.body}
            assert set(body.get("required", [])) == {f.name for f in spec.body if f.required}
        if spec.registers_read:
            assert {"purpose", "basis"} <= names and "HA-5.2" in op["description"]
    record = doc["paths"]["/api/v1/records"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert record["properties"]["basis"]["required"] == ["type", "number", "date", "issuer"]


def _headers(app: Flask, roles: list[str], tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    role = next((r for r in roles if r in ROLE_USER), PUBLIC)
    if role == PUBLIC:
        return {}
    if role not in tokens:
        with app.app_context():  # the fuzzed admin endpoints may have deactivated the demo user: not under test here
            services().accounts.set_active(ROLE_USER[role], True)
        tokens[role] = bearer(app, role)
    return tokens[role]


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], examples: dict[GenerationMode, int]) -> None:
    checks = CHECKS if mode == GenerationMode.POSITIVE else [not_a_server_error]

    @settings(max_examples=examples[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


def _fuzz(app: Flask, examples: dict[GenerationMode, int]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens: dict[str, dict[str, str]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {f"{e.method} /api/v1{e.path}" for e in ENDPOINTS}
    for operation in operations:
        raw = operation.definition.raw
        has_input = bool(raw.get("parameters") or raw.get("requestBody"))  # else no invalid input exists
        for mode in EXAMPLES if has_input else [GenerationMode.POSITIVE]:
            _run(operation, mode, _headers(app, raw.get("x-roles", []), tokens), examples)


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(app: Flask) -> None:
    _fuzz(app, EXAMPLES)


@pytest.mark.postgres
@pytest.mark.parametrize("any_app", ["postgres"], indirect=True)
def test_schemathesis_on_postgresql_with_few_examples(any_app: Flask) -> None:
    _fuzz(any_app, FEW_EXAMPLES)


def test_real_answers_conform_to_the_documented_schemas(app: Flask, subject_id: UUID) -> None:
    recorder, office, dept = Api(app, "recording_unit"), Api(app, "credit_office"), Api(app, "department")
    record_id = _record(recorder, subject_id)
    entry_id = _black_list(recorder, office, subject_id, record_id)
    case_id = _push(office, record_id)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    calls: list[tuple[str, str, dict[str, Any], dict[str, Any], Any]] = [
        ("GET", "/records/{record_id}", {"record_id": record_id}, AUDIT, office),
        ("GET", "/list-entries/{list_entry_id}", {"list_entry_id": entry_id}, AUDIT, office),
        ("GET", "/sanctions/{sanction_id}", {"sanction_id": case_id}, AUDIT, office),
        ("GET", "/subjects/{subject_id}", {"subject_id": str(subject_id)}, AUDIT, office),
        ("GET", "/subjects/{subject_id}/status", {"subject_id": str(subject_id)}, AUDIT, Api(app, "auditor")),
        ("GET", "/work/{kind}", {"kind": "sanctions"}, {}, dept),
        ("GET", "/inbox", {}, {}, dept),
        ("GET", "/list-reports/due", {}, {}, office),
        ("GET", "/upward-pushes/pending", {}, {}, office),
        ("GET", "/admin/users", {}, {}, Api(app, "admin")),
        ("GET", "/admin/keys", {}, {}, Api(app, "admin")),
        ("POST", "/checkpoints", {}, {}, Api(app, "admin")),
    ]
    answers = {}
    for method, path, params, query, api in calls:
        case = schema[f"/api/v1{path}"][method].Case(path_parameters=params, query=query)
        response = case.call_and_validate(headers=api.headers, checks=CHECKS)
        assert response.status_code == 200, (path, response.text[:300])
        answers[path] = response
    # the aggregate schemas are specific: a list entry is no record, a record is no sanction case
    assert not schema["/api/v1/records/{record_id}"]["GET"].is_valid_response(answers["/list-entries/{list_entry_id}"])
    assert not schema["/api/v1/sanctions/{sanction_id}"]["GET"].is_valid_response(answers["/records/{record_id}"])

