"""The witness client against a real served witness, a closed port and a silent listener."""

from __future__ import annotations

import socket

import pytest
from nacl.signing import SigningKey
from witness_support import LedgerHistory, ServedWitness

from ledger.checkpoint import Checkpoint, sign_checkpoint
from ledger.witness.client import (
    WitnessConflict,
    WitnessRefused,
    WitnessUnavailable,
    add_checkpoint,
    latest_checkpoint,
)


def test_conflict_carries_the_cosigned_size(witness: ServedWitness, history: LedgerHistory) -> None:
    s1, s2 = sorted(history.notes)[1:3]
    assert len(add_checkpoint(witness.url + "/", 0, [], history.notes[s1])) == 1
    with pytest.raises(WitnessConflict) as caught:
        add_checkpoint(witness.url, 0, [], history.notes[s2])
    assert caught.value.size == s1


def test_refusals_carry_status_and_text(witness: ServedWitness, history: LedgerHistory) -> None:
    s1 = sorted(history.notes)[1]
    impostor = sign_checkpoint(Checkpoint.from_body(history.notes[s1].split("\n\n")[0] + "\n"), history.origin,
                               SigningKey(b"\x05" * 32)).to_text()
    with pytest.raises(WitnessRefused) as caught:
        add_checkpoint(witness.url, 0, [], impostor)
    assert caught.value.status == 403 and "trusted log key" in caught.value.text
    with pytest.raises(WitnessRefused) as caught:
        latest_checkpoint(witness.url, "nobody.example/log")
    assert caught.value.status == 404


def test_latest_checkpoint_percent_encodes_the_origin(witness: ServedWitness, history: LedgerHistory) -> None:
    s1 = sorted(history.notes)[1]
    add_checkpoint(witness.url, 0, [], history.notes[s1])
    assert latest_checkpoint(witness.url, history.origin).startswith(history.notes[s1])


def test_closed_port_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(WitnessUnavailable, match="unavailable"):
        add_checkpoint(f"http://127.0.0.1:{port}", 0, [], "x\n")


def test_silent_witness_times_out_as_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # accepts the connection in the kernel but never answers
        with pytest.raises(WitnessUnavailable):
            latest_checkpoint(f"http://127.0.0.1:{sock.getsockname()[1]}", "o", timeout=0.5)
