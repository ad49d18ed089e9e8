"""The OpenAPI document is generated from the endpoint declarations, and the API conforms to it: a bounded
schemathesis run through WSGI (no server errors, documented status codes, documented response bodies)."""

from __future__ import annotations

from typing import Any

import schemathesis
from api_support import bearer
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from web_helpers import ROLE_USER

from web.api import ENDPOINTS
from web.roles import PUBLIC

EXAMPLES = {GenerationMode.POSITIVE: 6, GenerationMode.NEGATIVE: 3}
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
        tokens[role] = bearer(app, role)
    return tokens[role]


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    checks = CHECKS if mode == GenerationMode.POSITIVE else [not_a_server_error]

    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(app: Flask) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens: dict[str, dict[str, str]] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {f"{e.method} /api/v1{e.path}" for e in ENDPOINTS}
    for operation in operations:
        raw = operation.definition.raw
        has_input = bool(raw.get("parameters") or raw.get("requestBody"))  # else no invalid input exists
        for mode in EXAMPLES if has_input else [GenerationMode.POSITIVE]:
            _run(operation, mode, _headers(app, raw.get("x-roles", []), tokens))
