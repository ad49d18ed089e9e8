"""Bitemporal answers for a subject, a whole list and the public view, at (T1, D) pairs before and after
a correction of an earlier date, a repair and an expiry (DESIGN §4), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from projection_support.fixtures import scenario_ledger  # noqa: F401 (fixture)
from projection_support.scenario import Scenario
from sqlalchemy import Engine

from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.transparency import create_checkpoint
from projections.asof import list_as_of, public_as_of
from projections.base import ProjectionError
from projections.timetravel import status

Setup = tuple[LedgerApplication, Scenario, Engine]
A, B, C = "张**", "李**", "江阴王伟食品有限公司"  # masked as the public sees them (HA-3.2)
# The scenario's last business day. Without a valid-at date an answer is about today (issue 14), which would
# make these expectations depend on the day the suite runs.
LAST_DAY = date(2025, 3, 3)


def black(setup: Setup, step: str, valid_at: date | None, profile: str | None = None) -> list[tuple[str, str]]:
    app, s, engine = setup
    with list_as_of(app, engine, "black", profile=profile, as_of_position=s.positions[step], valid_at=valid_at) as a:
        assert a.log_position == s.positions[step] and a.valid_at == valid_at
        return [(r["masked_name"], r["policy_id"]) for r in a.rows]


@pytest.mark.parametrize(("step", "valid_at", "expected"), [
    ("A_black", LAST_DAY, [(A, "NT")]),
    ("A_black", date(2024, 7, 1), [(A, "NT")]),  # C was not yet listed in the ledger at that position
    ("C_black", date(2024, 3, 1), [(A, "NT")]),  # C's entry starts 2024-06-03 (valid time)
    ("C_black", date(2024, 7, 1), [(A, "NT"), (C, "JY")]),
    ("C_black", date(2024, 10, 1), [(A, "NT"), (C, "JY")]),  # before the repair the ledger showed C in force
    ("RC_repaired", date(2024, 10, 1), [(A, "NT")]),  # after it, C exited on 2024-09-02 (JY-17, NT-PCI-35)
    ("RC_repaired", date(2024, 7, 1), [(A, "NT"), (C, "JY")]),  # ... but was in force in July
    ("pending", LAST_DAY, [(A, "NT")]),
])
def test_jy_6_list_as_of_and_valid_at(scenario_ledger: Setup, step: str, valid_at: date | None,
                                      expected: list[tuple[str, str]]) -> None:
    assert black(scenario_ledger, step, valid_at) == expected


def test_list_per_profile(scenario_ledger: Setup) -> None:
    assert black(scenario_ledger, "C_black", date(2024, 7, 1), profile="JY") == [(C, "JY")]
    assert black(scenario_ledger, "C_black", date(2024, 7, 1), profile="NT") == [(A, "NT")]
    app, s, engine = scenario_ledger
    with list_as_of(app, engine, "red", as_of_position=s.positions["C_red"]) as answer:
        assert [r["masked_name"] for r in answer.rows] == [C]
    with list_as_of(app, engine, "red", as_of_position=s.positions["C_black"]) as answer:
        assert list(answer.rows) == []  # JY-6.2: the black listing took C off the red list


def public(setup: Setup, step: str, valid_at: date | None) -> list[tuple[str, bool]]:
    app, s, engine = setup
    with public_as_of(app, engine, as_of_position=s.positions[step], valid_at=valid_at) as answer:
        assert answer.view == "public" and answer.log_position == s.positions[step]
        rows = list(answer.rows)
    assert all("name" not in r and "id_number" not in r for r in rows)  # masked only (HA-3.2)
    return [(r["masked_name"], r["objection_pending"]) for r in rows]


@pytest.mark.parametrize(("step", "valid_at", "expected"), [
    ("RB_recorded", date(2024, 2, 15), [(A, False)]),  # before the correction: B's record starts 2024-03-01
    ("RB_corrected", date(2024, 2, 15), [(A, False), (B, False)]),  # after it: from 2024-02-01
    ("RB_flagged", date(2024, 3, 6), [(A, False), (B, True)]),  # NT-PCI-32: still public, flagged
    ("RB_flagged", date(2025, 2, 15), [(A, False), (B, True)]),  # one year from 2024-03-01 as then recorded
    ("RB_corrected", date(2025, 2, 15), [(A, False)]),  # one year from 2024-02-01 after the correction
    ("swept", LAST_DAY, [(A, False)]),  # NT-PCI-30: expired, no longer public
    ("RB_corrected", LAST_DAY, [(A, False)]),  # B's validity ended 2025-02-01: not shown, unswept (issue 14)
    ("swept", date(2025, 1, 15), [(A, False), (B, False)]),  # the archive still answers for a past date
])
def test_nt_pci_30_32_public_view_as_of_and_valid_at(scenario_ledger: Setup, step: str, valid_at: date | None,
                                                   expected: list[tuple[str, bool]]) -> None:
    assert public(scenario_ledger, step, valid_at) == expected


@pytest.mark.parametrize(("step", "valid_at", "expected"), [
    ("RB_recorded", date(2024, 2, 15), ("active", False)),
    ("RB_flagged", date(2024, 3, 6), ("objection_pending", True)),
    ("RB_corrected", date(2024, 2, 15), ("corrected", True)),
    ("swept", date(2025, 1, 15), ("expired", True)),
    ("swept", date(2025, 2, 15), ("expired", False)),
])
def test_subject_as_of_and_valid_at(scenario_ledger: Setup, step: str, valid_at: date,
                                    expected: tuple[str, bool]) -> None:
    app, s, _ = scenario_ledger
    answer = status(app, s.ids["B"], s.positions[step], valid_at=valid_at)
    item = next(i for i in answer.items if i.id == str(s.ids["RB"]))
    assert (item.status, item.in_force_at) == expected


def test_answers_name_position_and_covering_checkpoint(scenario_ledger: Setup) -> None:
    app, s, engine = scenario_ledger
    position = s.positions["RB_corrected"]
    create_checkpoint(app)
    with list_as_of(app, engine, "black", as_of_position=position) as answer:
        header = answer.header()
        assert not isinstance(answer.rows, (list, tuple)) and isinstance(answer.rows, Iterator)  # streamed
    signed = SignedCheckpoint.from_text(header["checkpoint"])
    assert header["log_position"] == position and signed.checkpoint.size == header["checkpoint_size"] > position
    with public_as_of(app, engine, as_of_position=position) as answer:
        assert answer.checkpoint == header["checkpoint"]


def test_as_of_moment_and_bad_positions(scenario_ledger: Setup) -> None:
    app, s, engine = scenario_ledger
    now = datetime.now().astimezone()
    with list_as_of(app, engine, "black", as_of=now.isoformat(), valid_at=date(2024, 7, 1)) as answer:
        assert answer.log_position == app.log.tree_size() - 1
        assert [r["masked_name"] for r in answer.rows] == [A, C]
    with pytest.raises(ProjectionError, match="outside the log"):
        with list_as_of(app, engine, "black", as_of_position=10**6):
            pass
    with pytest.raises(ProjectionError, match="no event at or before"):
        with public_as_of(app, engine, as_of=now - timedelta(days=3650)):
            pass
