"""Real ledgers for tests: SQLite temp files and PostgreSQL schemas (no mocks)."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from ledger.app import LedgerApplication
from ledger.config import Settings

PG_URL = os.environ.get("LEDGER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_available() -> bool:
    """Whether the test PostgreSQL server answers."""
    import psycopg

    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def require_postgres() -> None:
    """Skip when PostgreSQL is absent on a developer machine; on CI its absence is a failure."""
    if postgres_available():
        return
    if ON_CI:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} and CI=true: PostgreSQL tests must run")
    pytest.skip(f"PostgreSQL not reachable at {PG_URL}")


def new_pg_schema() -> str:
    """Create an empty schema for one test and return its name."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return name


def drop_pg_schema(name: str) -> None:
    """Drop a test schema and everything in it."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def sqlite_settings(tmp: Path) -> Settings:
    """Settings for a ledger in a temporary SQLite file."""
    return Settings(database_url=f"sqlite:///{tmp}/ledger.sqlite3", keys_dir=tmp / "keys", origin="test.example/ledger")


def postgres_settings(tmp: Path, schema: str) -> Settings:
    """Settings for a ledger in a PostgreSQL schema."""
    return Settings(database_url=f"{PG_URL}?schema={schema}", keys_dir=tmp / "keys", origin="test.example/ledger")


@contextmanager
def backend_settings(backend: str, tmp: Path) -> Iterator[Settings]:
    """Settings for a new ledger on `backend`: "sqlite", a file under `tmp`; "postgres", a new schema, dropped after."""
    if backend == "sqlite":
        yield sqlite_settings(tmp)
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        yield postgres_settings(tmp, schema)
    finally:
        drop_pg_schema(schema)


def initialised_ledger(settings: Settings, units: tuple[str, ...] = ()) -> LedgerApplication:
    """Create tables, root key and registry, register `units`, and return the open ledger."""
    LedgerApplication(settings, create_tables=True).initialise()
    app = LedgerApplication(settings)
    for unit in units:
        app.register_key(unit)
    return app
