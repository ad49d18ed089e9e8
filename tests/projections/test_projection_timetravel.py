"""Time travel: transaction time (as of a position or moment) × valid time (in force on a date)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from ledger_support import sql
from projection_support.history import History, record_history

from ledger.app import LedgerApplication
from ledger.errors import SignatureInvalidError
from ledger.checkpoint import SignedCheckpoint
from ledger.transparency import create_checkpoint
from projections.base import ProjectionError
from projections.timetravel import aggregate_at, position_at, status

BEFORE_FIRST_DETERMINATION = date(2023, 2, 15)  # in force only after the correction moved it to 2023-02-01


def r1(app: LedgerApplication, h: History, position: int | None, valid_at: date | None = None) -> dict[str, object]:
    answer = status(app, h.subject_id, position, valid_at=valid_at)  # type: ignore[arg-type]
    return next(i.__dict__ for i in answer.items if i.id == str(h.r1))


@pytest.mark.parametrize(("step", "valid_at", "expected_status", "in_force"), [
    ("r1_recorded", BEFORE_FIRST_DETERMINATION, "active", False),  # before the correction: not yet in force
    ("flagged", date(2023, 3, 5), "objection_pending", True),  # NT-PCI-32: still in force while objected to
    ("corrected", BEFORE_FIRST_DETERMINATION, "corrected", True),  # after the correction: in force that day
    ("r1_repaired", date(2023, 8, 31), "repaired", True),  # the day before repair (valid time)
    ("r1_repaired", date(2023, 9, 1), "repaired", False),  # NT-PCI-35: repaired from that day
])
def test_as_of_and_valid_at(signed_ledger: LedgerApplication, step: str, valid_at: date, expected_status: str,
                            in_force: bool) -> None:
    h = record_history(signed_ledger)
    item = r1(signed_ledger, h, h.positions[step], valid_at)
    assert (item["status"], item["in_force_at"]) == (expected_status, in_force)


def test_answer_names_position_and_covering_checkpoint(signed_ledger: LedgerApplication) -> None:
    h = record_history(signed_ledger)
    position = h.positions["corrected"]
    assert status(signed_ledger, h.subject_id, position).checkpoint is None  # nothing signed yet
    create_checkpoint(signed_ledger)
    answer = status(signed_ledger, h.subject_id, position)
    signed = SignedCheckpoint.from_text(answer.checkpoint or "")
    assert answer.log_position == position and signed.checkpoint.size == answer.checkpoint_size > position
    assert [i.kind for i in answer.items] == ["record"]  # R2 and the black-list entry came later
    assert answer.to_json()["items"][0]["valid_from"] == "2023-02-01"


def test_now_includes_everything_filed(signed_ledger: LedgerApplication) -> None:
    h = record_history(signed_ledger)
    answer = status(signed_ledger, h.subject_id, valid_at=date(2024, 1, 1))
    assert answer.log_position == signed_ledger.log.tree_size() - 1
    kinds = {(i.kind, i.status, i.in_force_at) for i in answer.items}
    assert kinds == {("record", "repaired", False), ("record", "active", True), ("list_entry", "confirmed", True)}


def test_as_of_moment_maps_to_last_position_at_or_before(signed_ledger: LedgerApplication) -> None:
    h = record_history(signed_ledger)
    now = datetime.now(timezone.utc)
    assert position_at(signed_ledger, now) == signed_ledger.log.tree_size() - 1
    answer = status(signed_ledger, h.subject_id, as_of=now.isoformat())
    assert answer.log_position == signed_ledger.log.tree_size() - 1
    with pytest.raises(ProjectionError, match="no event at or before"):
        position_at(signed_ledger, now - timedelta(days=1))
    with pytest.raises(ProjectionError, match="needs a time zone"):
        position_at(signed_ledger, now.replace(tzinfo=None))


def test_subject_not_yet_registered(signed_ledger: LedgerApplication) -> None:
    h = record_history(signed_ledger)
    with pytest.raises(ProjectionError, match="did not exist at log position 3"):
        status(signed_ledger, h.subject_id, h.positions["registered"] - 1)
    with pytest.raises(ProjectionError, match="outside the log"):
        status(signed_ledger, h.subject_id, 10_000)


def test_aggregate_at_every_position_is_the_verified_version_then(signed_ledger: LedgerApplication) -> None:
    """One query per aggregate (issue 17: staff reads) answers what `get(version=last at or before P)` does."""
    h = record_history(signed_ledger)
    rows = signed_ledger.log.aggregate_rows(h.r1)
    for position in range(signed_ledger.log.tree_size()):
        logged = [int(r["originator_version"]) for r in rows if int(r["position"]) <= position]
        found = aggregate_at(signed_ledger, h.r1, position)
        if not logged:
            assert found is None
            continue
        expected = signed_ledger.get(h.r1, version=max(logged))
        assert (found.version, vars(found)) == (expected.version, vars(expected))


def test_aggregate_at_refuses_an_altered_stored_event(signed_ledger: LedgerApplication) -> None:
    """NT-PCI-37: the one-query read verifies every event's signature like `get` does."""
    h = record_history(signed_ledger)
    row = next(r for r in sql.query(signed_ledger, f"SELECT {sql.tables(signed_ledger).notification_column} AS nid, "
                                                   f"state FROM {sql.tables(signed_ledger).events}")
               if b"NT-PCI-12.1" in bytes(r["state"]))
    state = bytes(row["state"]).replace(b"NT-PCI-12.1", b"NT-PCI-12.2", 1)
    sql.update_event(signed_ledger, row["nid"], state=state)
    with pytest.raises(SignatureInvalidError):
        aggregate_at(signed_ledger, h.r1, signed_ledger.log.tree_size() - 1)
