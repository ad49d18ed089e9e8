"""Shared fixtures: real ledgers on SQLite (a temp file) and PostgreSQL (a fresh schema per test)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from ledger_support.backends import (
    drop_pg_schema,
    initialised_ledger,
    new_pg_schema,
    postgres_settings,
    require_postgres,
    sqlite_settings,
)

from ledger.app import LedgerApplication
from ledger.config import Settings


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh, empty ledger on each backend."""
    if request.param == "sqlite":
        yield sqlite_settings(tmp_path)
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        yield postgres_settings(tmp_path, schema)
    finally:
        drop_pg_schema(schema)


@pytest.fixture
def signed_ledger(backend_settings: Settings) -> Iterator[LedgerApplication]:
    """An initialised ledger (both backends) with a credit office and two departments registered."""
    app = initialised_ledger(backend_settings, ("credit-office", "dept-a", "dept-b"))
    yield app
    app.close()
