"""Helpers of the case-work tests: accounts of other profiles' units, and histories built through the real service."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import csrf_token

from domain.actor import Actor
from web.context import services


def add_account(app: Flask, username: str, role: str, unit: str) -> None:
    """A real account for a unit of another profile (e.g. the Changshu enforcement bureaus)."""
    with app.app_context():
        services().accounts.add_user(username, f"{username}-password-1", role, unit=unit, display_name=username)


def login_as(client: FlaskClient, username: str) -> None:
    """Log in an account made by `add_account` through the real login form."""
    response = client.post("/login", data={"username": username, "password": f"{username}-password-1",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


def run(app: Flask, command: str, unit: str, **kwargs: Any) -> Any:
    """Run one CreditService command as `unit` (set-up of a history the page under test then works on)."""
    with app.app_context():
        return getattr(services().credit, command)(Actor(unit, "setup"), **kwargs)


def basis(day: date, number: str, issuer: str = "市场监督管理局", kind: str = "administrative_penalty") -> dict[str, Any]:
    """A legal-basis document (HA-2.2)."""
    return {"type": kind, "number": number, "issuer": issuer, "date": day}


def basis_form(day: str, number: str, issuer: str = "常熟市综合行政执法局") -> dict[str, str]:
    """The same document as form fields."""
    return {"basis_type": "administrative_penalty", "basis_number": number, "basis_issuer": issuer, "basis_date": day}


def refused_at(response: Any, field: str, rule: str) -> str:
    """Assert a 422 refusal naming `field` and `rule` in the banner, and next to the field when the form has it."""
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[-2000:]
    banner = re.search(r'id="refusal" data-field="([^"]*)" data-rule="([^"]*)"', page)
    assert banner and banner.groups() == (field, rule), page[page.find('id="refusal"'):][:600]
    if f'name="{field}"' in page:
        found = re.search(rf'id="error-{re.escape(field)}" data-rule="([^"]*)">', page)
        assert found and found.group(1) == rule, page[-3000:]
    return page


def uuid_of(value: object) -> UUID:
    """An id as UUID."""
    return UUID(str(value))
