"""The proof behind an answer: an inclusion proof of a log position against a signed checkpoint, checked here."""

from __future__ import annotations

from dataclasses import dataclass

from nacl.signing import VerifyKey

from ledger import merkle
from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.transparency import InclusionAnswer, prove_inclusion
from ledger.verification_errors import VerificationError


@dataclass(frozen=True)
class CheckedProof:
    """An inclusion proof and what checking it against the pinned root key found."""

    answer: InclusionAnswer
    checkpoint_signed: bool
    included: bool
    problem: str | None


def checked_inclusion(ledger: LedgerApplication, position: int, tree_size: int | None = None) -> CheckedProof:
    """Prove `position` against a stored checkpoint and verify both the signature and the Merkle path."""
    answer = prove_inclusion(ledger, position, tree_size)
    signed = SignedCheckpoint.from_text(answer.checkpoint)
    root = ledger.keystore.pinned_root()
    try:
        if root is None:
            raise VerificationError("no pinned root key to check the checkpoint against")
        checkpoint = signed.verify({ledger.settings.origin: VerifyKey(root)})
    except VerificationError as exc:
        return CheckedProof(answer, False, False, str(exc))
    try:
        merkle.verify_inclusion(answer.leaf_hash, position, checkpoint.size, answer.proof, checkpoint.root_hash)
    except VerificationError as exc:
        return CheckedProof(answer, True, False, str(exc))
    return CheckedProof(answer, True, True, None)
