"""Helpers of the API tests: tokens per role, JSON calls, the ledger's event count, the error shape."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask
from web_helpers import ROLE_USER
from werkzeug.test import TestResponse

from web.context import services


def token_for(app: Flask, role: str, username: str | None = None) -> str:
    """A fresh API token of the role's demo user (or of `username`)."""
    with app.app_context():
        return services().accounts.issue_token(username or ROLE_USER[role], f"{role} system")


def bearer(app: Flask, role: str, username: str | None = None) -> dict[str, str]:
    """The Authorization header of a fresh token of the role's demo user (or of `username`)."""
    return {"Authorization": f"Bearer {token_for(app, role, username)}"}


def person_of(app: Flask) -> UUID:
    """The subject id of the demo subject account (each ledger keys subject ids with its own secret)."""
    with app.app_context():
        return services().accounts.get(ROLE_USER["subject"]).subject_id  # type: ignore[union-attr,return-value]


def add_user(app: Flask, username: str, role: str, unit: str) -> None:
    """Another account (e.g. a recording unit of another city's profile)."""
    with app.app_context():
        services().accounts.add_user(username, "password-123", role, unit=unit)


STATED_PURPOSE, STATED_BASIS = "办理本案", "案件编号〔2025〕1号"


class Api:
    """A JSON client acting as one role through a bearer token."""

    def __init__(self, app: Flask, role: str, username: str | None = None) -> None:
        self.app, self.client, self.headers = app, app.test_client(), bearer(app, role, username)

    def get(self, path: str, **params: Any) -> TestResponse:
        """GET /api/v1<path> with query parameters."""
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> TestResponse:
        """POST JSON to /api/v1<path>."""
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers)

    def ok(self, path: str, body: Any = None) -> dict[str, Any]:
        """POST a command that must succeed; its answer."""
        response = self.post(path, body)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()  # type: ignore[no-any-return]

    def read(self, path: str, **params: Any) -> Any:
        """GET a query that must succeed; its answer. Reads of a subject's data state a purpose and basis
        (HA-5.2); endpoints that declare none ignore them."""
        params.setdefault("purpose", STATED_PURPOSE)
        params.setdefault("basis", STATED_BASIS)
        response = self.get(path, **params)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()


def error_of(response: TestResponse) -> dict[str, Any]:
    """The API error body's inner object (message, field, rule_id)."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]  # type: ignore[no-any-return]


def event_total(app: Flask) -> int:
    """Events in the app's ledger, not counting the account registry's (a test's fresh API token is one)."""
    with app.app_context():
        ledger = services().ledger
        return ledger.event_count() - services().accounts.registry.version()
