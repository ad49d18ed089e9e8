"""No unlogged window: an event and its Merkle leaf are one row, committed together or not at all (DESIGN §3)."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate, event

from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.errors import LogDamagedError
from ledger.merkle import frontier_keys
from ledger.merkle_tables import completing_position
from ledger_support import sql


class Note(Aggregate):
    """A tiny aggregate to produce signed events."""

    @event("Written")
    def __init__(self, actor_unit: str, text: str) -> None:
        self.text = text


def test_append_onto_a_log_with_a_missing_frontier_row_is_refused_and_stores_nothing(
        signed_ledger: LedgerApplication) -> None:
    """A writer that must read the log's end from the database (another process appended since its last save,
    or it never saved) chains to the frontier's stored hashes; if a row holding one is gone, the event is not
    stored either (it is one transaction), and the error says why."""
    log = signed_ledger.log
    signed_ledger.save_as("dept-a", Note("dept-a", "first"))
    size = log.tree_size()
    frontier_row = completing_position(frontier_keys(size)[0])  # the largest perfect subtree's last leaf
    row = sql.row_at(signed_ledger, frontier_row)
    sql.delete_event(signed_ledger, row["nid"])
    fresh = LedgerApplication(signed_ledger.settings)  # knows nothing of the log's end
    try:
        with pytest.raises(LogDamagedError, match=f"positions \\[{frontier_row}\\]"):
            fresh.save_as("dept-a", Note("dept-a", "never stored"))
        assert log.tree_size() == size and log.row_counts()[0] == size - 1
    finally:
        fresh.close()
    sql.insert_event(signed_ledger, row)
    signed_ledger.save_as("dept-a", Note("dept-a", "stored"))
    assert log.tree_size() == size + 1
    assert verify_ledger(signed_ledger, workers=1).ok


def test_events_carry_acting_units_key(signed_ledger: LedgerApplication) -> None:
    """The envelope names the acting unit's active key (DESIGN §3: the signer is the acting unit)."""
    note = Note("dept-a", "hello")
    signed_ledger.save_as("dept-a", note)
    row = signed_ledger.log.aggregate_rows(note.id)[0]
    from ledger.envelope import unpack

    assert unpack(bytes(row["state"])).key_id == signed_ledger.keybook.active_for("dept-a").key_id
    assert signed_ledger.get(note.id).text == "hello"
