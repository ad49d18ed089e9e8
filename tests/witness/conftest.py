"""Fixtures: one real ledger's checkpoint history, and a real witness on each witness-DB backend."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from witness_support import LedgerHistory, ServedWitness, new_history, serve_witness, witness_database, witness_key


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerHistory]:
    """A real SQLite ledger with 12 checkpoints of growing size (do not grow it in tests)."""
    found = new_history(tmp_path_factory.mktemp("ledger"), 12)
    yield found
    found.app.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def witness_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh witness database URL on each backend (SQLite file, PostgreSQL schema)."""
    with witness_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def witness(witness_db: str, history: LedgerHistory) -> Iterator[ServedWitness]:
    """A witness trusting the history's log, served over loopback HTTP."""
    served = serve_witness(witness_db, witness_key(), history)
    yield served
    served.stop()
