"""The one decision of issue 14 (domain/effective.py) at its boundaries, and its SQL form agreeing with it on
SQLite and PostgreSQL (NT-PCI-30, JY-20, LYG-18)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, Table, insert, select

from domain.effective import EXPIRED, Period, Standing, awaiting_sweep, effective_status, in_force_on, standing
from ledger.config import Settings
from projections.db import make_engine
from projections.status import in_force_clause

START, LAST = date(2024, 3, 1), date(2025, 2, 28)
DAY = timedelta(days=1)


def test_nt_pci_30_in_force_up_to_and_including_the_last_day() -> None:
    assert standing(START - DAY, START, LAST, None) is Standing.NOT_STARTED
    assert standing(START, START, LAST, None) is Standing.IN_FORCE
    assert standing(LAST, START, LAST, None) is Standing.IN_FORCE
    assert standing(LAST + DAY, START, LAST, None) is Standing.PAST_LAST_DAY  # swept or not
    assert standing(LAST + DAY, START, LAST, LAST + 5 * DAY) is Standing.PAST_LAST_DAY  # swept late
    assert standing(START + DAY, START, LAST, START + DAY) is Standing.ENDED  # repaired, exited, revoked
    assert standing(date(2099, 1, 1), START, None, None) is Standing.IN_FORCE  # a tier without a time limit
    assert standing(LAST, None, LAST, None) is Standing.NOT_STARTED  # never confirmed


def test_jy_20_status_word_and_awaiting_the_sweep() -> None:
    period = Period(START, LAST)
    assert effective_status("confirmed", True, period, LAST) == "confirmed"
    assert effective_status("confirmed", True, period, LAST + DAY) == EXPIRED
    assert effective_status("exited", False, period, LAST + DAY) == "exited"  # a stored closing is kept
    assert awaiting_sweep(True, LAST, LAST + DAY) and not awaiting_sweep(True, LAST, LAST)
    assert not awaiting_sweep(False, LAST, LAST + DAY) and not awaiting_sweep(True, None, date(2099, 1, 1))


def test_the_sql_form_agrees_with_the_function_on_every_boundary(backend_settings: Settings) -> None:
    table = Table("t_effective_periods", MetaData(), Column("n", Integer, primary_key=True),
                  Column("valid_from", Date), Column("valid_until", Date), Column("ended_on", Date))
    starts, lasts = (None, START), (None, START, LAST)
    ends = (None, START, START + DAY, LAST, LAST + DAY)
    periods = list(itertools.product(starts, lasts, ends))
    days = (START - DAY, START, START + DAY, LAST - DAY, LAST, LAST + DAY, LAST + 2 * DAY)
    engine = make_engine(backend_settings)
    try:
        table.create(engine)
        with engine.begin() as conn:
            conn.execute(insert(table), [{"n": n, "valid_from": f, "valid_until": u, "ended_on": e}
                                         for n, (f, u, e) in enumerate(periods)])
        for day in days:
            with engine.connect() as conn:
                found = {r.n for r in conn.execute(select(table.c.n).where(in_force_clause(table, day)))}
            assert found == {n for n, (f, u, e) in enumerate(periods) if in_force_on(day, f, u, e)}, day
    finally:
        engine.dispose()
