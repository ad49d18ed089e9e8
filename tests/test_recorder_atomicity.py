"""No unlogged window: an event and its Merkle leaf commit together or not at all (DESIGN §3)."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from ledger.app import LedgerApplication
from ledger.audit import verify_ledger


class Note(Aggregate):
    """A tiny aggregate to produce signed events."""

    @event("Written")
    def __init__(self, actor_unit: str, text: str) -> None:
        self.text = text


def test_failed_leaf_write_rolls_back_the_event(signed_ledger: LedgerApplication) -> None:
    """A conflicting row in merkle_nodes makes the leaf insert fail; the event must not be stored either."""
    log = signed_ledger.log
    size = log.tree_size()
    events_before = log.count_rows("events")
    with log.datastore.transaction(commit=True) as cursor:
        cursor.execute(log.merkle.insert_node(), (0, size, b"\x00" * 32))
    with pytest.raises(IntegrityError):
        signed_ledger.save_as("credit-office", Note("credit-office", "never stored"))
    assert log.count_rows("events") == events_before
    assert log.tree_size() == size
    with log.datastore.transaction(commit=True) as cursor:
        cursor.execute(f"DELETE FROM {log.merkle.nodes} WHERE level = 0 AND idx = {size}")
    signed_ledger.save_as("credit-office", Note("credit-office", "stored"))
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
