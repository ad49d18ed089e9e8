"""The JSON API under /api/v1: every endpoint declared once (web.api.spec), routed, permitted and documented
from that declaration; bearer tokens for machine clients, the session (with CSRF) for browsers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from web.api import errors
from web.api.admin import ADMIN_ENDPOINTS
from web.api.audit import AUDIT
from web.api.authorised import AUTHORISED
from web.api.bundle import BUNDLE
from web.api.circulars import CIRCULARS
from web.api.commands import COMMANDS
from web.api.evaluations import EVALUATIONS
from web.api.government import GOVERNMENT
from web.api.openapi import PREFIX, document
from web.api.profiles import PROFILE_ENDPOINTS
from web.api.queries import QUERIES
from web.api.reporting import REPORTING
from web.api.rulings import RULINGS
from web.api.spec import Endpoint
from web.api.validate import request_args
from web.api.withdrawals import WITHDRAWALS
from web.api.worklists import WORK
from web.errors import refuse
from web.permissions import allow
from web.principal import current_principal
from web.roles import PUBLIC, ROLES
from web.security import accept_sessions, csrf, exempt_token_api

ENDPOINTS: tuple[Endpoint, ...] = (*QUERIES, WORK, *COMMANDS, *AUTHORISED, *RULINGS, *REPORTING, *AUDIT, BUNDLE,
                                   *ADMIN_ENDPOINTS, *CIRCULARS, *PROFILE_ENDPOINTS, *WITHDRAWALS, *GOVERNMENT,
                                   *EVALUATIONS)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
bp = Blueprint("api", __name__, url_prefix=PREFIX)


def _view(spec: Endpoint) -> Any:
    def view(**path_values: str) -> ResponseReturnValue:
        args = request_args(spec, path_values)
        answer = spec.handler(args)
        return answer if isinstance(answer, Response) else jsonify(answer)
    view.__name__ = spec.name
    view.__doc__ = spec.summary
    return view


def openapi_json() -> ResponseReturnValue:
    """The OpenAPI 3 document of this API."""
    extra = {f"{PREFIX}/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                                "tags": ["meta"], "security": [{}],
                                                "responses": {"200": {"description": "OpenAPI 3 document",
                                                                      "content": {"application/json": {
                                                                          "schema": {"type": "object"}}}}}}},
             f"{PREFIX}/csrf-token": {"get": {"operationId": "csrf_token", "summary": "CSRF token for session POSTs",
                                              "tags": ["session"], "security": [{"sessionCookie": []}],
                                              "responses": {"200": {"description": "send it as X-CSRFToken",
                                                                    "content": {"application/json": {"schema": {
                                                                        "type": "object", "required": ["csrf_token"],
                                                                        "properties": {"csrf_token": {
                                                                            "type": "string"}}}}}},
                                                            "401": {"description": "not logged in"}}}}}
    return jsonify(document(ENDPOINTS, extra))


def csrf_token() -> ResponseReturnValue:
    """The CSRF token a logged-in browser sends as `X-CSRFToken` on POSTs."""
    return jsonify({"csrf_token": generate_csrf()})


@bp.before_request
def _csrf_for_sessions() -> None:
    """Session requests (no bearer token) that change state must carry the CSRF token (X-CSRFToken)."""
    if request.method not in SAFE_METHODS and not current_principal().via_token and not _is_lookup():
        csrf.protect()


def _is_lookup() -> bool:
    """Whether the request is a lookup: a read sent as POST only to keep personal numbers out of URLs."""
    name = (request.endpoint or "").removeprefix(bp.name + ".")
    return any(spec.lookup and spec.name == name for spec in ENDPOINTS)


@bp.after_request
def _error_shape(response: Response) -> Response:
    return errors.rewrap(response)


def _build() -> None:
    for spec in ENDPOINTS:
        bp.add_url_rule(spec.flask_rule, spec.name, _view(spec), methods=[spec.method])
    bp.add_url_rule("/openapi.json", "openapi", openapi_json, methods=["GET"])
    bp.add_url_rule("/csrf-token", "csrf_token", csrf_token, methods=["GET"])
    errors.register(bp)


def permissions() -> dict[str, frozenset[str]]:
    """The API's entries of THE permission table."""
    table = {f"api.{spec.name}": spec.roles for spec in ENDPOINTS}
    return {**table, "api.openapi": frozenset(ROLES), "api.csrf_token": frozenset(ROLES) - {PUBLIC}}


_build()


def _routing_error(exc: HTTPException) -> ResponseReturnValue:
    """Unknown paths and methods under /api/v1 answer JSON too (the UI keeps its error page)."""
    if request.path.startswith(PREFIX + "/"):
        return errors.error_response(exc.code or 404, exc.description or exc.name)
    return refuse(exc.code or 404, exc.description or exc.name)


def register(app: Flask) -> None:
    """Add the API to the permission table and the app (token or session auth; CSRF for session POSTs)."""
    allow(permissions())
    exempt_token_api(bp)
    accept_sessions(bp)
    app.register_blueprint(bp)
    for code in (404, 405):
        app.register_error_handler(code, _routing_error)
