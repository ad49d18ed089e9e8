"""Error conventions: a refusal names the field and the rule; HTML pages for the UI, JSON for token APIs."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from eventsourcing.persistence import IntegrityError
from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from domain.errors import NotFound, RuleViolation
from ledger.errors import LedgerError, OutOfRangeError
from projections.base import ProjectionError
from web.incidents import new_incident
from web.security import is_token_api


def error_body(message: str, field: str | None = None, rule: str | None = None) -> dict[str, Any]:
    """The JSON shape of every refusal: message, field, rule id (as `RuleViolation.to_dict`)."""
    return {"message": message, "field": field, "rule": rule}


def refuse(status: int, message: str, field: str | None = None, rule: str | None = None) -> ResponseReturnValue:
    """A refusal in the request's language: JSON for token APIs, an error page otherwise."""
    if is_token_api(request.endpoint):
        return jsonify(error_body(message, field, rule)), status
    error = SimpleNamespace(message=message, field=field, rule_id=rule)
    return render_template("error.html", status=status, error=error), status


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

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        return refuse(413, too_large_message(), "body")

    @app.errorhandler(IntegrityError)
    def _conflict(exc: IntegrityError) -> ResponseReturnValue:
        return refuse(409, conflict_message(exc), getattr(exc, "field", None))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        return refuse(500, incident_message(new_incident(exc)))


def too_large_message() -> str:
    """The refusal of a body over MAX_CONTENT_LENGTH, in the request's language."""
    return _("The request is larger than %(limit)s bytes.", limit=current_app.config["MAX_CONTENT_LENGTH"])


def conflict_message(exc: Exception | None = None) -> str:
    """The refusal of a save that lost its race to another writer after every retry (with the item's version now,
    when the command named one: domain.errors.ConcurrentChange)."""
    version = getattr(exc, "version", None)
    if version is not None:
        return _("Someone else changed this item at the same moment (it is now at version %(version)s); nothing "
                 "was saved. Read it again and retry.", version=version)
    return _("Someone else changed this item at the same moment; nothing was saved. Read it again and retry.")


def incident_message(incident: str) -> str:
    """What a person sees of an unexpected error: the incident id to quote, no internals."""
    return _("Unexpected error; nothing more is shown here. Quote incident %(incident)s to the operator.",
             incident=incident)
