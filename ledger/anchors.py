"""Trust anchors from outside the database: checkpoints published, handed to a court or held by witnesses.

Stored checkpoints live in the database they vouch for, so whoever can write to it can delete them (issue 13).
A checkpoint kept elsewhere (a file, a witness) is checked here: signed by the ledger's root key, cosigned by
at least `quorum` of the named witnesses, and then the database's log must contain it as a prefix with exactly
its root, both in the stored tree (root of the first N leaves, consistency proof from N to the current size)
and in the tree recomputed from the stored events (see AnchoredTreeChecker). Every failure names the
checkpoint: its size, its root and where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nacl.signing import VerifyKey

from ledger import merkle
from ledger.checkpoint import SignedCheckpoint
from ledger.errors import OutOfRangeError
from ledger.verification_errors import CheckpointFormatError, VerificationError
from ledger.verifier import Problem, TreeChecker, short

if TYPE_CHECKING:
    from ledger.app import LedgerApplication
    from ledger.transparency import ConsistencyAnswer


@dataclass(frozen=True)
class ExternalCheckpoint:
    """A signed checkpoint note from outside the database, and where it came from (for messages)."""

    note: str
    source: str  # e.g. "file published/cp-30.txt", "witness http://127.0.0.1:8080"
    cosigner: str | None = None  # a witness whose own cosignature the note must carry (it was fetched from it)


@dataclass(frozen=True)
class ExternalAnchors:
    """What `verify_ledger(..., anchors=...)` checks the log against."""

    checkpoints: Sequence[ExternalCheckpoint] = ()
    witnesses: Mapping[str, VerifyKey] = field(default_factory=dict)  # witness name -> its cosigning key
    quorum: int = 0  # valid cosignatures each checkpoint needs from `witnesses`


@dataclass(frozen=True)
class Anchor:
    """An accepted external checkpoint: tree size and root hash the log must contain as a prefix."""

    size: int
    root: bytes
    source: str

    def label(self) -> str:
        """How messages name it: size, root and where it came from."""
        return f"external checkpoint (tree size {self.size}, root {short(self.root)}) from {self.source}"


def read_checkpoint_file(path: str) -> ExternalCheckpoint:
    """A checkpoint note from a file; OSError if unreadable, VerificationError (naming the file) if malformed."""
    try:
        with open(path, encoding="utf-8") as handle:
            note = handle.read()
        SignedCheckpoint.from_text(note)
    except UnicodeDecodeError:
        raise CheckpointFormatError(f"checkpoint file {path}: expected UTF-8 text") from None
    except VerificationError as exc:
        raise type(exc)(f"checkpoint file {path}: {exc}") from None
    return ExternalCheckpoint(note, f"file {path}")


def checkpoint_from_witness(url: str, origin: str, witness: str | None = None) -> ExternalCheckpoint:
    """The witness's latest cosigned checkpoint of `origin` (WitnessError if it cannot give one); naming the
    `witness` requires its own cosignature when its key is among the anchors' witnesses."""
    from ledger.witness.client import latest_checkpoint

    note = latest_checkpoint(url, origin)
    return ExternalCheckpoint(note, f"witness {witness + ' at ' if witness else ''}{url}", witness)


def accept_anchors(anchors: ExternalAnchors, origin: str,
                   root_key: VerifyKey | None) -> tuple[list[Anchor], list[Problem]]:
    """The checkpoints that qualify as trust anchors, and a Problem for each refused one (saying why)."""
    accepted: list[Anchor] = []
    refused: list[Problem] = []
    for external in anchors.checkpoints:
        try:
            accepted.append(accept(external, origin, root_key, anchors.witnesses, anchors.quorum))
        except VerificationError as exc:
            refused.append(Problem(None, f"external checkpoint from {external.source}",
                                   "a trust anchor", f"refused: {str(exc).strip()}"))
    return accepted, refused


def accept(external: ExternalCheckpoint, origin: str, root_key: VerifyKey | None,
           witnesses: Mapping[str, VerifyKey], quorum: int) -> Anchor:
    """Check the root key's signature, the origin and the cosignatures; VerificationError says what failed."""
    if root_key is None:
        raise VerificationError("no root key to check it with (pin one or pass --root-key)")
    signed = SignedCheckpoint.from_text(external.note)
    checkpoint = signed.verify({origin: root_key})
    if checkpoint.origin != origin:
        raise VerificationError(f"expected origin {origin}, found {checkpoint.origin}")
    _check_cosignatures(external, witnesses, quorum)
    return Anchor(checkpoint.size, checkpoint.root_hash, external.source)


def _check_cosignatures(external: ExternalCheckpoint, witnesses: Mapping[str, VerifyKey], quorum: int) -> None:
    """Require valid cosignatures from `quorum` of `witnesses` (and from `external.cosigner` if it is named)."""
    need_own = external.cosigner is not None and external.cosigner in witnesses
    if quorum < 1 and not need_own:
        return
    from ledger.cosignature import verify_cosignatures  # the witness protocol, needed only with witnesses

    cosigned = verify_cosignatures(external.note, witnesses)
    if need_own and external.cosigner not in cosigned:
        raise VerificationError(f"no valid cosignature by witness {external.cosigner}, which served it")
    if len(cosigned) < quorum:
        raise VerificationError(f"cosigned by {len(cosigned)} of the named witnesses "
                                f"({', '.join(sorted(cosigned)) or 'none'}), quorum is {quorum}")


class AnchoredTreeChecker(TreeChecker):
    """The verifier's tree join, also comparing the recomputed root at each external checkpoint's size."""

    def __init__(self, stored: Mapping[int, bytes], anchors: Sequence[Anchor]) -> None:
        super().__init__(stored)
        self.anchors = list(anchors)

    def sizes(self) -> list[int]:
        """Every tree size whose recomputed root must be compared: stored and external checkpoints."""
        return sorted(set(self.checkpoints) | {a.size for a in self.anchors if a.size > 0})

    def _check_root(self, size: int, computed: bytes) -> None:
        if size in self.checkpoints:
            super()._check_root(size, computed)
        for anchor in self.anchors:
            if anchor.size == size and computed != anchor.root:
                self.problems.append(Problem(size - 1, f"root of {anchor.label()}", f"{short(anchor.root)} (external)",
                                             f"{short(computed)} (recomputed from the stored events)"))

    def finish(self) -> list[Problem]:
        """The stored checkpoints' checks, then: is the log at least as long as each external checkpoint, and is
        each external checkpoint (the ledger signed it, so it stored it) still among the stored ones?"""
        problems = super().finish()
        problems += self._stored_copies()
        for anchor in self.anchors:
            if anchor.size > self.range.size:
                problems.append(Problem(None, anchor.label(), f"at least {anchor.size} leaves in the log",
                                        f"{self.range.size} (log shorter: truncated or rewritten)"))
            elif anchor.size == 0 and anchor.root != merkle.EMPTY_ROOT:
                problems.append(Problem(None, anchor.label(), f"{short(merkle.EMPTY_ROOT)} (empty tree)",
                                        short(anchor.root)))
        return problems

    def _stored_copies(self) -> list[Problem]:
        """Each external checkpoint's size must have a stored checkpoint, with the same root."""
        problems = []
        for anchor in self.anchors:
            stored = self.checkpoints.get(anchor.size)
            if stored is None and anchor.size > 0:
                problems.append(Problem(None, f"stored checkpoint at tree size {anchor.size}",
                                        f"the checkpoint of {anchor.label()}", "none (the checkpoint table lost it)"))
            elif stored is not None and stored != anchor.root:
                problems.append(Problem(None, f"stored checkpoint at tree size {anchor.size}",
                                        f"root {short(anchor.root)} of {anchor.label()}",
                                        f"root {short(stored)}: the root key signed two different trees"))
        return problems


def stored_tree_problems(reader: merkle.NodeReader, size: int, anchors: Sequence[Anchor]) -> list[Problem]:
    """For each anchor within the log: the stored tree's root of its first N leaves must be its root, and a
    consistency proof from N to `size` built from the stored nodes must verify."""
    problems: list[Problem] = []
    current = _stored_root(reader, size)
    for anchor in anchors:
        if not 0 < anchor.size <= size:
            continue
        try:
            prefix = merkle.root(anchor.size, reader)
            if prefix != anchor.root:
                problems.append(Problem(anchor.size - 1, f"stored tree against {anchor.label()}",
                                        f"root {short(anchor.root)} of the first {anchor.size} leaves", short(prefix)))
                continue
            proof = merkle.consistency_proof(anchor.size, size, reader) if anchor.size < size else []
            merkle.verify_consistency(anchor.size, size, anchor.root, current or b"", proof)
        except VerificationError as exc:
            problems.append(Problem(anchor.size - 1, f"consistency of the stored tree with {anchor.label()}",
                                    f"a valid consistency proof from {anchor.size} to {size}", str(exc)))
    return problems


def _stored_root(reader: merkle.NodeReader, size: int) -> bytes | None:
    try:
        return merkle.root(size, reader) if size else merkle.EMPTY_ROOT
    except VerificationError:
        return None


def prove_consistency_from(app: LedgerApplication, external: ExternalCheckpoint, new_size: int | None = None,
                           root_key: bytes | None = None) -> ConsistencyAnswer:
    """Consistency proof from an external checkpoint (signed by the root key) to a stored one (default: the
    latest), checked here before it is handed out: VerificationError names the checkpoint if the log diverged."""
    from ledger.transparency import ConsistencyAnswer, latest_checkpoint, stored_checkpoint

    pinned = root_key or app.keystore.pinned_root()
    app.refresh_keys(force=True)
    record = app.keybook.records.get(app.keybook.root_key_id or "")
    key = VerifyKey(pinned) if pinned else VerifyKey(record.public_key) if record else None
    anchor = accept(external, app.settings.origin, key, {}, 0)
    new = latest_checkpoint(app) if new_size is None else stored_checkpoint(app, new_size)
    if new is None or new.checkpoint.size < anchor.size:
        what = "no stored checkpoint" if new is None else f"the stored checkpoint of size {new.checkpoint.size}"
        raise OutOfRangeError(f"{anchor.label()}: {what} at or after it (run `ledger checkpoint`)")
    size = new.checkpoint.size
    try:
        proof = merkle.consistency_proof(anchor.size, size, app.log) if 0 < anchor.size < size else []
        if anchor.size:
            merkle.verify_consistency(anchor.size, size, anchor.root, new.checkpoint.root_hash, proof)
    except VerificationError as exc:
        raise VerificationError(f"the log is not consistent with {anchor.label()}: {exc}") from None
    return ConsistencyAnswer(anchor.size, size, proof, external.note, new.to_text())
