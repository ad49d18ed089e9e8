"""API refusals: `{"error": {"message", "field", "rule_id"}}` with a 4xx status, for every kind of refusal; a
request whose declared fields are bad adds `errors`, every field at fault (issue 16.3)."""

from __future__ import annotations

import json
from typing import Any

from eventsourcing.persistence import IntegrityError
from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from domain.errors import NotFound, RuleViolation
from ledger.errors import LedgerError, OutOfRangeError
from projections.base import ProjectionError
from web.errors import conflict_message, incident_message, too_large_message
from web.incidents import new_incident

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["message", "field", "rule_id"], "additionalProperties": False,
        "properties": {"message": {"type": "string"},
                       "field": {"type": "string", "nullable": True, "description": "the field at fault"},
                       "rule_id": {"type": "string", "nullable": True, "description": "the rule of RULES.md"},
                       "errors": {"type": "array", "description": "every field at fault when the request was "
                                  "checked against its declaration (the first is the error itself; issue 16.3)",
                                  "items": {"type": "object", "required": ["message", "field", "rule_id"],
                                            "additionalProperties": False,
                                            "properties": {"message": {"type": "string"},
                                                           "field": {"type": "string", "nullable": True},
                                                           "rule_id": {"type": "string", "nullable": True}}}}}}},
}


class ApiError(Exception):
    """A refusal before the service is called: HTTP status, message, field, rule id."""

    def __init__(self, status: int, message: str, field: str | None, rule_id: str | None,
                 errors: list[ApiError] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.rule_id = status, message, field, rule_id
        self.errors = errors or []  # every field at fault, when the request's fields were checked together

    def as_dict(self) -> dict[str, str | None]:
        """The error's message, field and rule id."""
        return {"message": self.message, "field": self.field, "rule_id": self.rule_id}


def all_refused(errors: list[ApiError]) -> ApiError | None:
    """One refusal for every field at fault (flattened; the first one's status, message, field and rule)."""
    flat = [one for error in errors for one in (error.errors or [error])]
    if not flat:
        return None
    first = flat[0]
    return ApiError(first.status, first.message, first.field, first.rule_id, flat)


def error_response(status: int, message: str, field: str | None = None, rule_id: str | None = None,
                   errors: list[ApiError] | None = None) -> Response:
    """The JSON refusal (with `errors`, every field at fault, when the request's fields were checked together)."""
    body: dict[str, Any] = {"message": message, "field": field, "rule_id": rule_id}
    if errors:
        body["errors"] = [error.as_dict() for error in errors]
    response = jsonify({"error": body})
    response.status_code = status
    return response


def rewrap(response: Response) -> Response:
    """Give the foundation's flat refusals (401/403 of the permission check) the API's error shape."""
    if response.status_code < 400 or not response.is_json:
        return response
    body = response.get_json(silent=True)
    if isinstance(body, dict) and set(body) == {"message", "field", "rule"}:
        response.set_data(json.dumps({"error": {"message": body["message"], "field": body["field"],
                                                "rule_id": body["rule"]}}))
    return response


def register(bp: Blueprint) -> None:
    """Turn every refusal raised inside the API into its JSON answer (never an HTML page, never a 500)."""

    @bp.errorhandler(ApiError)
    def _api(exc: ApiError) -> ResponseReturnValue:
        return error_response(exc.status, exc.message, exc.field, exc.rule_id, exc.errors)

    @bp.errorhandler(RuleViolation)
    def _rule(exc: RuleViolation) -> ResponseReturnValue:
        return error_response(422, exc.message, exc.field, exc.rule_id)

    @bp.errorhandler(NotFound)
    def _missing(exc: NotFound) -> ResponseReturnValue:
        return error_response(404, str(exc), exc.field)

    @bp.errorhandler(ProjectionError)
    def _projection(exc: ProjectionError) -> ResponseReturnValue:
        return error_response(422, str(exc), "as_of", "NT-PCI-36")

    @bp.errorhandler(OutOfRangeError)
    def _range(exc: OutOfRangeError) -> ResponseReturnValue:
        return error_response(422, str(exc), "position", "NT-PCI-37")

    @bp.errorhandler(LedgerError)
    def _ledger(exc: LedgerError) -> ResponseReturnValue:
        return error_response(409, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    @bp.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        return error_response(400, exc.description or "CSRF token missing or invalid (send X-CSRFToken)",
                              "csrf_token")

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        return error_response(exc.code or 400, exc.description or exc.name)

    @bp.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        return error_response(413, too_large_message(), "body")

    @bp.errorhandler(IntegrityError)
    def _conflict(exc: IntegrityError) -> ResponseReturnValue:
        return error_response(409, conflict_message(exc), getattr(exc, "field", None))

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        incident = new_incident(exc)
        response = error_response(500, incident_message(incident))
        response.headers["X-Incident-Id"] = incident
        return response
