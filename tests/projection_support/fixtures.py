"""The `engine` fixture of the projection tests (imported by each test module: a conftest.py in
tests/projections would shadow tests/conftest.py for `from conftest import ...`)."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import Engine

from ledger.app import LedgerApplication
from projections.db import make_engine


@pytest.fixture
def engine(signed_ledger: LedgerApplication) -> Iterator[Engine]:
    """An SQLAlchemy engine on the ledger's own database (same file or schema)."""
    eng = make_engine(signed_ledger.settings)
    yield eng
    eng.dispose()
