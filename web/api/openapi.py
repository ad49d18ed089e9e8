"""The OpenAPI 3 document, generated from the endpoint declarations (the same ones that validate requests)."""

from __future__ import annotations

from typing import Any

from web.api.errors import ERROR_SCHEMA
from web.api.spec import Endpoint, Field, object_schema
from web.roles import PUBLIC

PREFIX = "/api/v1"
ERRORS = {
    "400": "malformed request (body not JSON, JSON nested deeper than LEDGER_MAX_JSON_DEPTH, CSRF token missing "
           "on a session request)",
    "401": "no or an invalid / revoked API token (and no session)",
    "403": "the caller's role may not use this endpoint (HA-5.2)",
    "404": "no such subject, record, list entry, objection, repair or sanction case",
    "409": "the ledger refused the write (e.g. the unit has no valid signing key), or another writer changed the "
           "same item after every retry; nothing stored",
    "413": "the request body is larger than LEDGER_MAX_BODY_BYTES",
    "422": "a field is invalid or a rule refuses the command: `field` and `rule_id` name them; nothing stored",
    "500": "an unexpected error: the message and the X-Incident-Id header give an incident id, nothing else",
}
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "clt_… (ledger users token USER)",
                   "description": "machine clients (e.g. a department's system polling its inbox)"},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "credit_ledger_session",
                      "description": "browser use after logging in; POSTs must send the `X-CSRFToken` header "
                                     "(GET /api/v1/csrf-token)"},
}


def _parameter(f: Field, where: str) -> dict[str, Any]:
    found: dict[str, Any] = {"name": f.name, "in": where, "required": where == "path" or f.required,
                             "schema": f.schema(), "description": f.description or f"rule {f.rule}"}
    if f.schema().get("type") == "array":
        found.update(style="form", explode=True)  # repeated: ?name=a&name=b
    return found


def _errors() -> dict[str, Any]:
    return {code: {"description": text, "content": {"application/json": {"schema": {"$ref":
                                                                                    "#/components/schemas/Error"}}}}
            for code, text in ERRORS.items()}


def operation(spec: Endpoint) -> dict[str, Any]:
    """One operation object: parameters, request body, responses, security, roles (`x-roles`)."""
    op: dict[str, Any] = {
        "operationId": spec.name, "summary": spec.summary, "tags": [spec.tag], "x-roles": sorted(spec.roles),
        "parameters": [_parameter(f, "path") for f in spec.path_fields] + [_parameter(f, "query") for f in spec.query],
        "responses": {"200": {"description": "OK", "content": {spec.media_type: {"schema": spec.response}}},
                      **_errors()},
    }
    if spec.registers_read:
        op["description"] = ("A non-public read: registered in the subject's access log (channel `api`) before the "
                             "answer (HA-5.2, JY-24). Auditors must send `purpose` and `basis`.")
    if spec.body is not None:
        op["requestBody"] = {"required": any(f.required for f in spec.body), "content": {"application/json": {
            "schema": object_schema(spec.body)}}}
    public = PUBLIC in spec.roles
    op["security"] = ([{}] if public else []) + [{"bearerAuth": []}, {"sessionCookie": []}]
    return op


def document(endpoints: tuple[Endpoint, ...], extra_paths: dict[str, Any]) -> dict[str, Any]:
    """The whole OpenAPI 3.0 document."""
    paths: dict[str, Any] = dict(extra_paths)
    for spec in endpoints:
        paths.setdefault(PREFIX + spec.path, {})[spec.method.lower()] = operation(spec)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Public-credit audit ledger API", "version": "1.0.0",
                 "description": "Commands are signed by the caller's unit; every refusal names the field and the "
                                "rule id of RULES.md; nothing is stored on a refusal."},
        "paths": paths,
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": {"Error": ERROR_SCHEMA}},
    }
