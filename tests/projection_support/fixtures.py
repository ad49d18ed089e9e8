"""The `engine` and `scenario_ledger` fixtures of the projection tests (imported by each test module: a conftest.py in
tests/projections would shadow tests/conftest.py for `from conftest import ...`)."""

from __future__ import annotations

from typing import Iterator

import pytest
from ledger_support.backends import backend_settings, initialised_ledger
from projection_support.scenario import Scenario, build
from sqlalchemy import Engine

from ledger.app import LedgerApplication
from projections.db import make_engine
from projections.follower import Follower


@pytest.fixture
def engine(signed_ledger: LedgerApplication) -> Iterator[Engine]:
    """An SQLAlchemy engine on the ledger's own database (same file or schema)."""
    eng = make_engine(signed_ledger.settings)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def scenario_ledger(request: pytest.FixtureRequest,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerApplication, Scenario, Engine]]:
    """The scenario of projection_support.scenario, written once per module and backend, views followed."""
    with backend_settings(request.param, tmp_path_factory.mktemp("scenario")) as settings:
        app = initialised_ledger(settings)
        eng = make_engine(settings)
        try:
            scenario = build(app)
            Follower(app, eng, batch_size=16).run_once()
            yield app, scenario, eng
        finally:
            eng.dispose()
            app.close()
