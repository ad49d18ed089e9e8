"""Fixtures of the web tests: a real signed ledger (SQLite template copied per test; PostgreSQL schemas),
the real Flask app on it, and test clients."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ledger_support.backends import drop_pg_schema, new_pg_schema, postgres_settings, require_postgres
from web_helpers import TODAY, build_ledger, tmp_settings

from ledger.config import Settings
from web.app import create_app


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, UUID]:
    """One signed SQLite ledger with keys, profiles, a subject and the demo accounts, built once."""
    folder = tmp_path_factory.mktemp("web-ledger-template")
    return folder, build_ledger(tmp_settings(folder))


def _app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings, today=lambda: TODAY, secure_cookies=False, TESTING=True)
    yield app
    services_ = app.extensions["credit_ledger"]
    services_.close()


@pytest.fixture
def app(web_template: tuple[Path, UUID], tmp_path: Path) -> Iterator[Flask]:
    """The web app on a fresh copy of the template ledger (SQLite)."""
    folder = tmp_path / "ledger"
    shutil.copytree(web_template[0], folder)
    yield from _app(tmp_settings(folder))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_app(request: pytest.FixtureRequest, web_template: tuple[Path, UUID], tmp_path: Path) -> Iterator[Flask]:
    """The web app on SQLite and on PostgreSQL (a fresh schema, built like the template)."""
    if request.param == "sqlite":
        folder = tmp_path / "ledger"
        shutil.copytree(web_template[0], folder)
        yield from _app(tmp_settings(folder))
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        settings = postgres_settings(tmp_path, schema)
        build_ledger(settings)
        yield from _app(settings)
    finally:
        drop_pg_schema(schema)


@pytest.fixture
def subject_id(web_template: tuple[Path, UUID]) -> UUID:
    """The person registered in the template (the subject account's subject)."""
    return web_template[1]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the SQLite app."""
    return app.test_client()

