"""Signed checkpoints and inclusion / consistency proofs served from the stored Merkle nodes."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from eventsourcing.persistence import PersistenceError

from ledger import merkle
from ledger.app import LedgerApplication
from ledger.checkpoint import Checkpoint, SignedCheckpoint, sign_checkpoint
from ledger.errors import OutOfRangeError
from ledger.witness_store import WitnessStore, cosigned_text


@dataclass(frozen=True)
class InclusionAnswer:
    """An inclusion proof of the leaf at `position` in the tree of `tree_size` leaves."""

    position: int
    tree_size: int
    leaf_hash: bytes
    proof: list[bytes]
    checkpoint: str  # the signed note with the stored witness cosignatures appended
    cosigners: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """JSON-ready form (base64 hashes, as the RFC 6962 vectors use)."""
        return {"position": self.position, "tree_size": self.tree_size, "leaf_hash": _b64(self.leaf_hash),
                "proof": [_b64(p) for p in self.proof], "checkpoint": self.checkpoint,
                "cosigners": list(self.cosigners)}


@dataclass(frozen=True)
class ConsistencyAnswer:
    """A consistency proof between two stored checkpoints."""

    old_size: int
    new_size: int
    proof: list[bytes]
    old_checkpoint: str
    new_checkpoint: str

    def to_json(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"old_size": self.old_size, "new_size": self.new_size, "proof": [_b64(p) for p in self.proof],
                "old_checkpoint": self.old_checkpoint, "new_checkpoint": self.new_checkpoint}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def create_checkpoint(app: LedgerApplication) -> SignedCheckpoint:
    """Sign and store a checkpoint of the whole log now (returns the stored one if unchanged)."""
    size = app.log.tree_size()
    existing = stored_checkpoint(app, size)
    if existing is not None:
        return existing
    cp = Checkpoint(app.settings.origin, size, merkle.root(size, app.log) if size else merkle.EMPTY_ROOT)
    signed = sign_checkpoint(cp, app.settings.origin, app.root_signer().signing_key)
    try:
        app.log.insert_checkpoint(size, signed.to_text())
    except PersistenceError:
        # another process stored this size meanwhile: the same note (Ed25519 signatures are deterministic)
        existing = stored_checkpoint(app, size)
        if existing is None:
            raise
        return existing
    return signed


def stored_checkpoint(app: LedgerApplication, size: int) -> SignedCheckpoint | None:
    """The stored checkpoint for a tree size, if any."""
    for row in app.log.checkpoints():
        if int(row["tree_size"]) == size:
            return SignedCheckpoint.from_text(row["note"])
    return None


def latest_checkpoint(app: LedgerApplication) -> SignedCheckpoint | None:
    """The newest stored checkpoint."""
    rows = app.log.checkpoints()
    return SignedCheckpoint.from_text(rows[-1]["note"]) if rows else None


def prove_inclusion(app: LedgerApplication, position: int, tree_size: int | None = None) -> InclusionAnswer:
    """Inclusion proof of `position` in a checkpointed tree (default: the latest checkpoint)."""
    signed = _checkpoint_or_latest(app, tree_size)
    size = signed.checkpoint.size
    if not 0 <= position < size:
        raise OutOfRangeError(f"position {position} is outside the checkpointed tree of size {size} "
                              f"(valid: 0..{size - 1}; run `ledger checkpoint` to cover newer events)")
    leaf = app.log.nodes([(0, position)])[(0, position)]
    lines = WitnessStore(app.log).lines(size)
    return InclusionAnswer(position, size, leaf, merkle.inclusion_proof(position, size, app.log),
                           cosigned_text(signed.to_text(), lines), tuple(sorted(lines)))


def prove_consistency(app: LedgerApplication, old_size: int, new_size: int) -> ConsistencyAnswer:
    """Consistency proof between two stored checkpoints."""
    if old_size > new_size:
        raise OutOfRangeError(f"old size {old_size} is larger than new size {new_size}")
    old, new = _checkpoint_or_latest(app, old_size), _checkpoint_or_latest(app, new_size)
    proof = merkle.consistency_proof(old_size, new_size, app.log) if old_size else []
    return ConsistencyAnswer(old_size, new_size, proof, old.to_text(), new.to_text())


def _checkpoint_or_latest(app: LedgerApplication, size: int | None) -> SignedCheckpoint:
    signed = latest_checkpoint(app) if size is None else stored_checkpoint(app, size)
    if signed is None:
        sizes = [int(r["tree_size"]) for r in app.log.checkpoints()]
        what = "no checkpoint yet" if size is None else f"no checkpoint of tree size {size}"
        raise OutOfRangeError(f"{what} (stored checkpoint sizes: {sizes or 'none'}; run `ledger checkpoint`)")
    return signed
