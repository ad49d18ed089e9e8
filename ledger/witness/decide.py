"""The tlog-witness add-checkpoint decision for one origin's locked state (pure, no I/O)."""

from __future__ import annotations

import hashlib
import time

from ledger import merkle
from ledger.cosignature import cosign
from ledger.verification_errors import ProofError
from ledger.witness.keys import WitnessKey
from ledger.witness.request import AddCheckpoint
from ledger.witness.store import Decision, Evidence, LogState, now_text

EMPTY_ROOT = hashlib.sha256(b"").digest()


def decide(state: LogState, request: AddCheckpoint, witness: WitnessKey, log_line: str) -> Decision:
    """Cosign if `request` extends `state` consistently; otherwise refuse and keep the request as evidence."""
    checkpoint = request.note.checkpoint
    refusal = _refusal(state, request)
    if refusal is not None:
        status, reason = refusal
        evidence = Evidence(now_text(), checkpoint.origin, request.old_size, checkpoint.size,
                            checkpoint.root_hash, request.note_text, reason)
        conflict = state.size if status == 409 else None
        return Decision(status, reason, evidence=evidence, conflict_size=conflict)
    body = checkpoint.body()
    line = cosign(body, witness.name, witness.signing_key, int(time.time()))
    note = body + "\n" + log_line + "\n"
    return Decision(200, line, new_state=LogState(checkpoint.size, checkpoint.root_hash, note, line))


def _refusal(state: LogState, request: AddCheckpoint) -> tuple[int, str] | None:
    """(status, reason) when the request must be refused, in the order c2sp.org/tlog-witness checks."""
    old, new = request.old_size, request.note.checkpoint.size
    root = request.note.checkpoint.root_hash
    if old > new:
        return 400, f"old size {old} is larger than the checkpoint size {new}"
    if old != state.size:
        return 409, f"old size {old} does not match the latest cosigned size {state.size}"
    if old == new:
        return _same_size(state, request, root)
    if old == 0:
        return (422, "old size 0: expected an empty consistency proof") if request.proof else None
    assert state.root is not None  # a non-zero cosigned size always has a root
    try:
        merkle.verify_consistency(old, new, state.root, root, request.proof)
    except ProofError as error:
        return 422, f"consistency proof from size {old} to {new} fails: {error}"
    return None


def _same_size(state: LogState, request: AddCheckpoint, root: bytes) -> tuple[int, str] | None:
    """Old size = checkpoint size: the roots must match and the proof be empty."""
    size = request.old_size
    if size == 0 and root != EMPTY_ROOT:
        return 422, "size 0: expected the empty tree's root hash"
    if state.root is not None and root != state.root:
        return 409, f"size {size}: root differs from the cosigned root (fork)"
    if request.proof:
        return 422, f"old size equals checkpoint size {size}: expected an empty consistency proof"
    return None
