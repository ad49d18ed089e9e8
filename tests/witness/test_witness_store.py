"""The witness store: a killed PostgreSQL connection fails one call then reconnects; a ledger DB is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
import pytest
from ledger_support.backends import PG_URL
from witness_support import witness_database

from ledger.witness.store import DATABASE_ERRORS, TrustedLog, WitnessStore, WitnessStoreError


@pytest.mark.postgres
def test_a_killed_connection_fails_one_call_then_reconnects(tmp_path: Path) -> None:
    with witness_database("postgres", tmp_path) as url:
        store = WitnessStore(url)
        try:
            store.trust(TrustedLog("o.example/log", "o.example/log", bytes(32)))
            pid = store._conn().info.backend_pid
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(DATABASE_ERRORS):
                store.latest("o.example/log")
            state = store.latest("o.example/log")
            assert state is not None and state.size == 0
            assert store._conn().info.backend_pid != pid
        finally:
            store.close()


def test_a_ledger_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stored_events (x)")
    with pytest.raises(WitnessStoreError, match="own database"):
        WitnessStore(f"sqlite:///{path}")
