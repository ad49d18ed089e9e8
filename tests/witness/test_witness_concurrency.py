"""8 threads posting add-checkpoint at once: the state never rolls back and only one view is cosigned."""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass

from spec_check import spec_verify
from witness_support import WITNESS_NAME, LedgerHistory, ServedWitness

from ledger.checkpoint import Checkpoint
from ledger.witness.client import WitnessConflict, WitnessRefused, add_checkpoint

THREADS = 8
MAX_ATTEMPTS = 300


@dataclass(frozen=True)
class Cosigned:
    """One 200 answer: the transition it made and the checkpoint body it cosigned."""

    old: int
    new: int
    body: str
    line: str


def body_of(note: str) -> str:
    return note.split("\n\n", 1)[0] + "\n"


Proofs = dict[tuple[int, int], list[bytes]]


def all_proofs(history: LedgerHistory) -> Proofs:
    """Every consistency proof between two checkpoints, computed before the threads start."""
    sizes = [0, *sorted(history.notes)]
    return {(old, new): history.proof(old, new) for old in sizes for new in sizes if old <= new}


def client(witness: ServedWitness, history: LedgerHistory, proofs: Proofs, seed: int, out: list[Cosigned],
           sizes_seen: list[int], errors: list[str]) -> None:
    """Push to the latest size like a real log client; one in four posts is a log-signed fork."""
    try:
        _push(witness, history, proofs, seed, out, sizes_seen)
    except Exception as error:  # reported to the test thread, which fails on it
        errors.append(f"client {seed}: {error!r}")


def _push(witness: ServedWitness, history: LedgerHistory, proofs: Proofs, seed: int, out: list[Cosigned],
          sizes_seen: list[int]) -> None:
    rng, sizes, known = random.Random(seed), sorted(history.notes), 0
    for _ in range(MAX_ATTEMPTS):
        if known == sizes[-1]:
            return
        new = rng.choice([s for s in sizes if s >= known])
        fork = rng.random() < 0.25 and known > 0  # from size 0 any first checkpoint is accepted
        note = history.forged(new, hashlib.sha256(b"fork %d" % seed).digest()) if fork else history.notes[new]
        try:
            lines = add_checkpoint(witness.url, known, proofs[known, new], note, timeout=30)
        except WitnessConflict as conflict:
            sizes_seen.append(conflict.size)
            known = max(known, conflict.size) if conflict.size in history.notes else known
            continue
        except WitnessRefused as refused:
            if not (refused.status == 422 and fork):
                raise AssertionError(f"unexpected refusal of the real log: {refused}") from None
            continue
        out.append(Cosigned(known, new, body_of(note), lines[0]))
        known = new
    raise AssertionError(f"no progress to size {sizes[-1]} after {MAX_ATTEMPTS} attempts (at {known})")


def test_concurrent_clients_never_roll_back_or_cosign_a_fork(witness: ServedWitness,
                                                              history: LedgerHistory) -> None:
    cosigned: list[Cosigned] = []
    seen: list[int] = []
    errors: list[str] = []
    proofs = all_proofs(history)
    threads = [threading.Thread(target=client, args=(witness, history, proofs, seed, cosigned, seen, errors))
               for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    public = bytes(witness.key.signing_key.verify_key)
    for answer in cosigned:  # only the real log's checkpoints were cosigned, with valid cosignatures
        assert answer.body == body_of(history.notes[answer.new]), "a forked checkpoint was cosigned"
        spec_verify(answer.line, answer.body, WITNESS_NAME, public)
    growth = sorted((a.old, a.new) for a in cosigned if a.new > a.old)
    olds = [old for old, _ in growth]
    assert len(olds) == len(set(olds)), f"two clients advanced from the same cosigned size: {growth}"
    chain = dict(growth)
    size, path = 0, [0]
    while size in chain:
        size = chain[size]
        path.append(size)
    assert path[-1] == max(history.notes) and len(path) == len(growth) + 1, growth
    final = witness.store.latest(history.origin)
    assert final is not None and final.size == max(history.notes)
    assert final.root == Checkpoint.from_body(body_of(history.notes[final.size])).root_hash
    assert len(witness.store.evidence()) > 0 and max(seen) <= final.size
