"""Pure verification of a ledger log: envelopes, signatures, key validity, leaves, tree, checkpoints.

Depends only on the standard library and PyNaCl (plus the ledger's pure modules), so the server's
`verify`, an auditor with a copy of the database and the court-bundle checker share it (DESIGN §3).
Every failure is a Problem naming the position, what was expected and what was found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from nacl.exceptions import BadSignatureError

from ledger.envelope import EnvelopeError, canonical_id, leaf_data, signed_message, unpack, verify_signature
from ledger.keybook import REGISTRY_TOPIC_PREFIX, KeyBook, KeyProblem
from ledger.merkle import HASH_SIZE, CompactRange, leaf_hash
from ledger.merkle_tables import hash_count, unpack_hashes


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold, at a log position (None for whole-log checks)."""

    position: int | None
    what: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = "log" if self.position is None else f"position {self.position}"
        return f"{where}: {self.what}: expected {self.expected}, found {self.found}"


def short(data: bytes | None) -> str:
    """First 16 hex digits of a hash, for messages."""
    return "nothing" if data is None else data.hex()[:16] + "…"


@dataclass
class RowResult:
    """What checking the rows of positions [start, end) yields: recomputed leaf hashes (None where no row
    could give one), the subtree hashes the rows store, and problems."""

    leaves: list[bytes | None]
    problems: list[Problem]
    signatures: int
    nodes: dict[tuple[int, int], bytes] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)


def check_rows(rows: Sequence[Sequence[Any]], book: KeyBook, start: int, end: int) -> RowResult:
    """Check each stored row (LOG_COLUMNS order: position, notification id, originator id, version, topic,
    state, merkle) of positions [start, end); a position without a row is reported missing."""
    result = RowResult([], [], 0)
    expected = start
    for row in rows:
        position = int(row[0])
        while expected < position:
            _missing(result, expected)
            expected += 1
        expected = position + 1
        try:
            result.leaves.append(_check_row(row, book, result))
        except Exception as exc:  # a verifier reports damaged rows, it never crashes on them
            result.problems.append(Problem(position, "unreadable event row", "a well-formed row",
                                           f"{type(exc).__name__}: {exc}"))
            result.leaves.append(None)
    while expected < end:
        _missing(result, expected)
        expected += 1
    return result


def _missing(result: RowResult, position: int) -> None:
    result.problems.append(Problem(position, "event row missing", f"the event at log position {position}", "no row"))
    result.leaves.append(None)
    result.missing.append(position)


def _check_row(row: Sequence[Any], book: KeyBook, out: RowResult) -> bytes | None:
    pos, _, originator_id, version, topic, state, blob = row
    if blob is not None:
        blob = bytes(blob)
        if len(blob) != HASH_SIZE * hash_count(pos):
            out.problems.append(Problem(pos, "stored Merkle hashes", f"{hash_count(pos)} hashes of 32 bytes",
                                        f"{len(blob)} bytes"))
        for level, index, digest in unpack_hashes(pos, blob):
            out.nodes[(level, index)] = digest
    if state is None:
        out.problems.append(Problem(pos, "event state missing", "the signed envelope", "NULL"))
        return None
    state = bytes(state)
    oid, version = canonical_id(originator_id), int(version)
    computed = leaf_hash(leaf_data(oid, version, topic, state))
    stored = blob[:HASH_SIZE] if blob else None
    if stored is not None and stored != computed:
        out.problems.append(Problem(pos, "leaf hash does not match the stored event",
                                    f"{short(stored)} (stored leaf)", f"{short(computed)} (recomputed from event)"))
    problem = _check_signature(pos, oid, version, topic, state, book)
    out.signatures += 1
    if problem is not None:
        out.problems.append(problem)
    return computed


def _check_signature(pos: int, oid: str, version: int, topic: str, state: bytes, book: KeyBook) -> Problem | None:
    try:
        env = unpack(state)
        record = book.check_at_position(env.key_id, pos)
    except (EnvelopeError, KeyProblem) as exc:
        return Problem(pos, "signature envelope", "a valid signed envelope by a registered key", str(exc))
    if topic.startswith(REGISTRY_TOPIC_PREFIX) and env.key_id != book.root_key_id:
        return Problem(pos, "key registry event signer", f"root key {book.root_key_id}", env.key_id)
    try:
        message = signed_message(oid, version, topic, env)
    except EnvelopeError as exc:
        return Problem(pos, "signature envelope", "a valid signed envelope by a registered key", str(exc))
    try:
        verify_signature(record.public_key, message, env.signature, env.batch_size)
    except BadSignatureError:
        return Problem(pos, "signature", f"a valid Ed25519 signature by {env.key_id} over the payload hash",
                       "a signature that does not verify (payload, topic, version or signature altered)")
    return _check_actor(pos, env.payload, record.unit)


def _check_actor(pos: int, payload: bytes, signer_unit: str) -> Problem | None:
    count = payload.count(b'"actor_unit"')
    if count == 0:
        return None
    # Fast path: the one "actor_unit" key names the signer (if it were nested, the full parse would find no
    # top-level actor and also report nothing). Any other case is decided by parsing the whole payload.
    if count == 1 and _actor_pair(signer_unit) in payload:
        return None
    try:
        actor = json.loads(payload.decode("utf-8")).get("actor_unit")
    except ValueError:
        return Problem(pos, "payload", "JSON", "undecodable bytes")
    if actor != signer_unit:
        return Problem(pos, "signer is not the acting unit", f"a key of unit {actor}", f"a key of unit {signer_unit}")
    return None


@lru_cache(maxsize=256)
def _actor_pair(unit: str) -> bytes:
    """The payload bytes of `"actor_unit":"<unit>"` as the ledger's JSON transcoder writes them."""
    return b'"actor_unit":' + json.dumps(unit, ensure_ascii=False).encode("utf-8")


class TreeChecker:
    """Rebuilds the tree from recomputed leaves, compares stored nodes and checkpoint roots."""

    def __init__(self, checkpoints: Mapping[int, bytes]) -> None:
        self.range = CompactRange()
        self.checkpoints = dict(checkpoints)
        self.problems: list[Problem] = []
        self.roots: dict[int, bytes] = {}
        self.missing: list[int] = []

    def feed(self, leaves: Iterable[bytes | None], stored_nodes: Mapping[tuple[int, int], bytes],
             missing: Sequence[int] = ()) -> None:
        """Append a chunk of leaves (None = no event to recompute from: fall back to the stored leaf).

        Nodes over a missing row are not compared (that row is already reported; its ancestors would only
        repeat it), but checkpoint roots still are."""
        self.missing.extend(missing)
        for computed in leaves:
            position = self.range.size
            leaf = computed if computed is not None else stored_nodes.get((0, position), b"\0" * 32)
            for level, index, digest in self.range.append(leaf):
                self._compare_node(level, index, digest, stored_nodes)
            self._at_size(self.range.size)

    def _compare_node(self, level: int, index: int, digest: bytes, stored: Mapping[tuple[int, int], bytes]) -> None:
        first, last = index << level, ((index + 1) << level) - 1
        if self.missing and any(first <= m <= last for m in self.missing):
            return
        found = stored.get((level, index))
        if level > 0 and found != digest:
            self.problems.append(Problem(first, f"stored Merkle node (level {level}, index {index})",
                                         short(digest), short(found)))
        elif level == 0 and found is None:
            self.problems.append(Problem(index, "stored leaf hash", short(digest), "nothing"))

    def _at_size(self, size: int) -> None:
        expected = self.checkpoints.get(size)
        if expected is not None:
            computed = self.range.root()
            self.roots[size] = computed
            if computed != expected:
                self.problems.append(Problem(size - 1, f"root of checkpoint at tree size {size}",
                                             f"{short(expected)} (signed checkpoint)", f"{short(computed)} (recomputed)"))

    def finish(self) -> list[Problem]:
        """Whole-log checks after the last leaf: truncation."""
        size = self.range.size
        for cp_size in sorted(self.checkpoints):
            if cp_size > size:
                self.problems.append(Problem(None, f"checkpoint at tree size {cp_size}",
                                             f"at least {cp_size} leaves in the log", f"{size} (log truncated)"))
        return self.problems
