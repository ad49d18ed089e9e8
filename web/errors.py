"""Error conventions: a refusal names the field and the rule; HTML pages for the UI, JSON for token APIs."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from domain.errors import NotFound, RuleViolation
from ledger.errors import LedgerError, OutOfRangeError
from projections.base import ProjectionError
from web.security import is_token_api


def error_body(message: str, field: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """The JSON shape of every refusal: message, field, rule id (as `RuleViolation.to_dict`)."""
    return {"message": message, "field": field, "rule": rule}


def refuse(status: int, message: str, field: str | None = None, rule: str | None = None) -> ResponseReturnValue:
    """A refusal in the request's language: JSON for token APIs, an error page otherwise."""
    if is_token_api(request.endpoint):
        return jsonify(error_body(message, field, rule)), status
    return render_template("error.html", status=status, message=message, field=field, rule=rule), status


def register(app: Flask) -> None:
    """Install the handlers (a last resort: forms catch their refusals and show them next to the field)."""

    @app.errorhandler(RuleViolation)
    def _rule(exc: RuleViolation) -> ResponseReturnValue:
        return refuse(422, exc.message, exc.field, exc.rule_id)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> ResponseReturnValue:
        return refuse(404, str(exc), exc.field)

    @app.errorhandler(ProjectionError)
    def _projection(exc: ProjectionError) -> ResponseReturnValue:
        return refuse(422, str(exc), "as_of")

    @app.errorhandler(OutOfRangeError)
    def _range(exc: OutOfRangeError) -> ResponseReturnValue:
        return refuse(422, str(exc), "position")

    @app.errorhandler(LedgerError)
    def _ledger(exc: LedgerError) -> ResponseReturnValue:
        return refuse(409, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> ResponseReturnValue:
        return refuse(400, exc.description or "CSRF token missing or invalid", "csrf_token")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        return refuse(exc.code or 500, exc.description or exc.name)
