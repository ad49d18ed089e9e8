"""Issue 14 gap 1 (DESIGN §4): followers starting at once on a fresh database create the view tables once,
without one crashing on a duplicate table or type, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from sqlalchemy import inspect

from ledger.config import Settings
from projections.db import create_views, make_engine, metadata

STARTERS = 4


def test_followers_starting_at_once_create_the_views_once_design_4(backend_settings: Settings) -> None:
    engines = [make_engine(backend_settings) for _ in range(STARTERS)]
    start = threading.Barrier(STARTERS)
    errors: list[BaseException] = []

    def starter(index: int) -> None:
        start.wait()
        try:
            create_views(engines[index])
        except BaseException as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)

    threads = [threading.Thread(target=starter, args=(i,)) for i in range(STARTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    schema = engines[0].get_execution_options().get("schema_translate_map", {}).get(None)
    assert set(metadata.tables) <= set(inspect(engines[0]).get_table_names(schema=schema))
    create_views(engines[0])  # and again: idempotent
    for engine in engines:
        engine.dispose()
