"""The ledger uses witnesses: submit checkpoints to C2SP tlog-witnesses, keep their cosignatures, name them.

Each configured witness gets the root-signed checkpoint with the RFC 6962 consistency proof from the last size
it cosigned for us (0 the first time), in its own thread with a timeout, so a witness that is down delays no
other. On 409 the witness names the size it holds; the proof is made again from there. Every cosignature is
verified against the witness's configured key before it is stored (ledger/witness_store.py). A checkpoint a
witness has not cosigned yet is submitted again by the next run (`ledger checkpoint` or the checkpointer).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from ledger import merkle
from ledger.app import LedgerApplication
from ledger.errors import OutOfRangeError
from ledger.transparency import create_checkpoint
from ledger.verification_errors import VerificationError
from ledger.witness_config import WitnessSpec
from ledger.witness_store import WitnessStore, cosigned_text

MAX_CONFLICTS = 3  # re-proofs after a 409 before giving up on a witness for this run


@dataclass(frozen=True)
class WitnessOutcome:
    """What one witness did with one checkpoint."""

    witness: str
    status: str  # cosigned | already | ahead | conflict | refused | unavailable | bad-cosignature | error
    detail: str = ""

    @property
    def answered(self) -> bool:
        """Whether the witness holds a cosignature of the checkpoint now."""
        return self.status in ("cosigned", "already")


@dataclass(frozen=True)
class SubmissionReport:
    """The witnesses' answers for the checkpoint of `size`, and whether a quorum has cosigned it."""

    size: int
    outcomes: tuple[WitnessOutcome, ...]
    cosigners: tuple[str, ...]
    quorum: int

    @property
    def quorum_reached(self) -> bool:
        """At least `quorum` configured witnesses have cosigned (trivially true without witnesses)."""
        return len(self.cosigners) >= self.quorum

    def lines(self) -> list[str]:
        """One line per witness and one for the quorum (no personal data: sizes and names only)."""
        out = [f"witness {o.witness}: {o.status}" + (f" ({o.detail})" if o.detail else "") for o in self.outcomes]
        if self.outcomes:
            state = "reached" if self.quorum_reached else "NOT reached"
            out.append(f"checkpoint {self.size}: cosigned by {len(self.cosigners)} of {len(self.outcomes)} witnesses "
                       f"({', '.join(self.cosigners) or 'none'}); quorum {self.quorum} {state}")
        return out


class Covering(NamedTuple):
    """The newest stored checkpoint covering a position: its size, cosigned note and cosigners' names."""

    size: int
    note: str
    cosigners: tuple[str, ...]


def checkpoint_and_submit(app: LedgerApplication) -> SubmissionReport:
    """Sign (or find) the checkpoint of the whole log and submit it to every witness that has not cosigned it."""
    return submit(app, create_checkpoint(app).checkpoint.size)


def submit(app: LedgerApplication, size: int) -> SubmissionReport:
    """Submit the stored checkpoint of `size` to every configured witness in parallel; store what they cosign."""
    config, store = app.settings.witnessing, WitnessStore(app.log)
    note = store.note(size)
    if note is None:
        raise OutOfRangeError(f"no stored checkpoint of tree size {size} (run `ledger checkpoint`)")
    have, sizes = store.lines(size), store.witness_sizes()
    pending = [w for w in config.witnesses if w.name not in have]
    outcomes = {w.name: WitnessOutcome(w.name, "already") for w in config.witnesses if w.name in have}
    if pending:
        with ThreadPoolExecutor(len(pending), thread_name_prefix="witness") as pool:
            futures = [pool.submit(_guarded, app, store, w, size, note, sizes.get(w.name, 0)) for w in pending]
            outcomes.update((o.witness, o) for o in (f.result() for f in futures))
    ordered = tuple(outcomes[w.name] for w in config.witnesses)
    return SubmissionReport(size, ordered, tuple(sorted(store.lines(size))), config.quorum)


def _guarded(app: LedgerApplication, store: WitnessStore, spec: WitnessSpec, size: int, note: str,
             old: int) -> WitnessOutcome:
    """_submit_one, with any failure on our side (e.g. the database) reported for this witness alone."""
    try:
        return _submit_one(app, store, spec, size, note, old)
    except Exception as exc:  # one witness's failure must not hide the others' answers
        return WitnessOutcome(spec.name, "error", f"{type(exc).__name__}: {_short(str(exc))}")


def _submit_one(app: LedgerApplication, store: WitnessStore, spec: WitnessSpec, size: int, note: str,
                old: int) -> WitnessOutcome:
    """One witness: submit, re-prove after a 409, verify and store the cosignature."""
    from ledger.witness.client import WitnessConflict, WitnessRefused, WitnessUnavailable, add_checkpoint

    for _ in range(MAX_CONFLICTS + 1):
        if old > size:
            return WitnessOutcome(spec.name, "ahead", f"it has cosigned size {old}, newer than {size}")
        try:
            lines = add_checkpoint(spec.url, old, consistency(app, old, size), note,
                                   timeout=app.settings.witnessing.timeout)
        except WitnessConflict as conflict:
            if conflict.size == old:  # the sizes agree, the trees do not: a fork, not a stale size
                return WitnessOutcome(spec.name, "conflict", f"it holds another tree of size {old}")
            old = conflict.size
            continue
        except WitnessRefused as refused:
            return WitnessOutcome(spec.name, "refused", f"HTTP {refused.status}: {_short(refused.text)}")
        except WitnessUnavailable as down:
            return WitnessOutcome(spec.name, "unavailable", _short(str(down)))
        return _keep(store, spec, size, note, lines)
    return WitnessOutcome(spec.name, "conflict", f"it still holds another size ({old}) after {MAX_CONFLICTS} re-proofs")


def consistency(app: LedgerApplication, old: int, new: int) -> list[bytes]:
    """RFC 6962 consistency proof from `old` to `new` leaves (empty from 0 and between equal sizes)."""
    return merkle.consistency_proof(old, new, app.log) if 0 < old < new else []


def _keep(store: WitnessStore, spec: WitnessSpec, size: int, note: str, lines: Sequence[str]) -> WitnessOutcome:
    """Store the witness's cosignature line if it verifies under the configured key."""
    line = verified_line(note, lines, spec)
    if line is None:
        return WitnessOutcome(spec.name, "bad-cosignature", "no line verifies under its configured key")
    store.add_cosignature(size, spec.name, line)  # with the witness's last size, in one transaction
    return WitnessOutcome(spec.name, "cosigned")


def verified_line(note: str, lines: Sequence[str], spec: WitnessSpec) -> str | None:
    """The first of the witness's returned lines that is its valid cosignature of `note`, or None."""
    from ledger.cosignature import verify_cosignatures

    for line in lines:
        line = line if line.endswith("\n") else line + "\n"
        try:
            if spec.name in verify_cosignatures(note + line, {spec.name: spec.verify_key}):
                return line
        except (VerificationError, ValueError):
            continue
    return None


def cosigned_note(app: LedgerApplication, size: int) -> str:
    """The stored checkpoint of `size` with its stored cosignature lines appended (one valid C2SP signed note)."""
    store = WitnessStore(app.log)
    note = store.note(size)
    if note is None:
        raise OutOfRangeError(f"no stored checkpoint of tree size {size}")
    return cosigned_text(note, store.lines(size))


def cosigners(app: LedgerApplication, size: int) -> list[str]:
    """Names of the witnesses whose cosignature of the checkpoint of `size` is stored."""
    return sorted(WitnessStore(app.log).lines(size))


def newest_covering_checkpoint(app: LedgerApplication, position: int) -> Covering | None:
    """The newest stored checkpoint whose tree holds `position`, cosigned, with its cosigners; None if none does."""
    store = WitnessStore(app.log)
    newest = store.newest()
    if newest is None or newest[0] <= position:
        return None
    size = newest[0]
    lines = store.lines(size)
    return Covering(size, cosigned_text(store.note(size) or "", lines), tuple(sorted(lines)))


def short_of_quorum(app: LedgerApplication) -> list[tuple[int, tuple[str, ...]]]:
    """Stored checkpoints (size, valid cosigners) that fewer than the quorum of configured witnesses cosigned;
    each stored line is verified again under the configured witness's key (a forged row counts for nothing)."""
    config = app.settings.witnessing
    if not config.witnesses or config.quorum == 0:
        return []
    stored = WitnessStore(app.log).all_lines()
    short = []
    for row in app.log.checkpoints():
        size, lines = int(row["tree_size"]), stored.get(int(row["tree_size"]), {})
        valid = tuple(w.name for w in config.witnesses
                      if w.name in lines and verified_line(row["note"], [lines[w.name]], w) is not None)
        if len(valid) < config.quorum:
            short.append((size, valid))
    return short


def quorum_notes(app: LedgerApplication, limit: int = 20) -> list[str]:
    """`verify` report lines naming each stored checkpoint a quorum of the configured witnesses did not cosign
    (a note, not a failure: the log itself may be intact; the checkpoint is only not independently witnessed)."""
    short, quorum = short_of_quorum(app), app.settings.witnessing.quorum
    notes = [f"checkpoint at tree size {size} is not cosigned by a quorum of witnesses: {len(names)} of {quorum} "
             f"required ({', '.join(names) or 'none'})" for size, names in short[:limit]]
    if len(short) > limit:
        notes.append(f"... and {len(short) - limit} more checkpoints without a quorum of witnesses "
                     f"(sizes up to {short[-1][0]})")
    return notes


def _short(text: str) -> str:
    line = (text or "").strip().splitlines()
    return (line[0] if line else "")[:160]
