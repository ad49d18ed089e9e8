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

from ledger.accountbook import AccountBook
from ledger.envelope import (
    Envelope,
    EnvelopeError,
    canonical_id,
    leaf_data,
    unpack,
    verification_hashes,
    verify_signature,
)
from ledger.keybook import REGISTRY_TOPIC_PREFIX, KeyBook, KeyProblem
from ledger.merkle import HASH_SIZE, CompactRange, leaf_hash, range_keys
from ledger.merkle_tables import hash_count


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
    """What checking the rows of positions [start, end) yields, one entry per position: the recomputed leaf
    hash (None where no row could give one) and the row's stored hashes (None where there is no row)."""

    leaves: list[bytes | None]
    problems: list[Problem]
    signatures: int
    blobs: list[bytes | None] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def check_rows(rows: Sequence[Sequence[Any]], book: KeyBook, start: int, end: int,
               accounts: AccountBook | None = None) -> RowResult:
    """Check each stored row (LOG_COLUMNS order: position, notification id, originator id, version, topic,
    state, merkle) of positions [start, end); a position without a row is reported missing. With `accounts`,
    each event's actor_user must have held the right to act for its unit at its position."""
    result = RowResult([], [], 0)
    expected = start
    for row in rows:
        position = int(row[0])
        while expected < position:
            _missing(result, expected)
            expected += 1
        expected = position + 1
        blob = None if row[6] is None else bytes(row[6])
        result.blobs.append(blob)
        try:
            result.leaves.append(_check_row(row, blob, book, result, accounts))
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
    result.blobs.append(None)
    result.missing.append(position)


def _check_row(row: Sequence[Any], blob: bytes | None, book: KeyBook, out: RowResult,
               accounts: AccountBook | None = None) -> bytes | None:
    pos, _, originator_id, version, topic, state, _ = row
    if blob is not None and len(blob) != HASH_SIZE * hash_count(pos):
        out.problems.append(Problem(pos, "stored Merkle hashes", f"{hash_count(pos)} hashes of 32 bytes",
                                    f"{len(blob)} bytes"))
    if state is None:
        out.problems.append(Problem(pos, "event state missing", "the signed envelope", "NULL"))
        return None
    state = bytes(state)
    oid, version = canonical_id(originator_id), int(version)
    envelope: Envelope | None = None
    message: bytes | None = None
    try:
        envelope = unpack(state)
        computed, message = verification_hashes(oid, version, topic, state, envelope)
        problem = None
    except EnvelopeError as exc:
        computed = leaf_hash(leaf_data(oid, version, topic, state))
        problem = Problem(pos, "signature envelope", "a valid signed envelope by a registered key", str(exc))
    if blob and blob[:HASH_SIZE] != computed:
        out.problems.append(Problem(pos, "leaf hash does not match the stored event",
                                    f"{short(blob[:HASH_SIZE])} (stored leaf)", f"{short(computed)} (recomputed from event)"))
    if envelope is not None and message is not None:
        problem = _check_signature(pos, topic, envelope, message, book)
        if problem is None and accounts is not None and accounts.checks(pos):
            problem = check_actor_user(pos, envelope.payload, book.records[envelope.key_id].unit, accounts)
    out.signatures += 1
    if problem is not None:
        out.problems.append(problem)
    return computed


def _check_signature(pos: int, topic: str, env: Envelope, message: bytes, book: KeyBook) -> Problem | None:
    try:
        record = book.check_at_position(env.key_id, pos)
    except KeyProblem as exc:
        return Problem(pos, "signature envelope", "a valid signed envelope by a registered key", str(exc))
    if topic.startswith(REGISTRY_TOPIC_PREFIX) and env.key_id != book.root_key_id:
        return Problem(pos, "key registry event signer", f"root key {book.root_key_id}", env.key_id)
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
    if count == 1 and actor_pair(signer_unit) in payload:
        return None
    try:
        actor = json.loads(payload.decode("utf-8")).get("actor_unit")
    except ValueError:
        return Problem(pos, "payload", "JSON", "undecodable bytes")
    if actor != signer_unit:
        return Problem(pos, "signer is not the acting unit", f"a key of unit {actor}", f"a key of unit {signer_unit}")
    return None


def check_actor_user(pos: int, payload: bytes, signer_unit: str, accounts: AccountBook) -> Problem | None:
    """An event's top-level actor_user must have held an active account (or system declaration) acting for its
    actor_unit (the signer's unit when it names none) at this position of the log (HA-5.2)."""
    if b'"actor_user"' not in payload:
        return None
    try:
        fields = json.loads(payload.decode("utf-8"))
    except ValueError:
        return Problem(pos, "payload", "JSON", "undecodable bytes")
    if not isinstance(fields, dict) or "actor_user" not in fields:
        return None
    unit = fields["actor_unit"] if isinstance(fields.get("actor_unit"), str) else signer_unit
    user = fields["actor_user"]
    reason = accounts.actor_problem(user, unit, pos)
    if reason is None:
        return None
    return Problem(pos, f"user {user} acting for unit {unit}",
                   f"an active account of {user} with a role for {unit} (account registry)", reason)


@lru_cache(maxsize=256)
def actor_pair(unit: str) -> bytes:
    """The payload bytes of `"actor_unit":"<unit>"` as the ledger's JSON transcoder writes them."""
    return b'"actor_unit":' + json.dumps(unit, ensure_ascii=False).encode("utf-8")


@dataclass
class ChunkTree:
    """The tree over one chunk of positions [start, end), as the process that read the chunk computes it.

    `start` is a multiple of the chunk length (a power of two), so the chunk's subtrees are the global
    tree's: `subtrees` are the hashes of its maximal perfect subtrees, `partial[s]` the same for
    [start, s) at each checkpoint size s inside the chunk, and `above` the hashes the chunk's last row
    stores for nodes above the chunk (they also cover earlier chunks, so the joining process checks them).
    """

    start: int
    end: int
    subtrees: list[bytes]
    partial: dict[int, list[bytes]]
    above: bytes
    missing: list[int]
    problems: list[Problem]


def chunk_tree(start: int, rows: RowResult, checkpoint_sizes: Iterable[int]) -> ChunkTree:
    """Build the chunk's subtrees from its recomputed leaves and compare every node the chunk completes
    within itself with the hashes its rows store (a missing row's leaf falls back to nothing)."""
    local, sizes, partial, problems = CompactRange(), set(checkpoint_sizes), {}, []
    above = b""
    missing = rows.missing
    for computed, blob in zip(rows.leaves, rows.blobs, strict=True):
        leaf = computed if computed is not None else (blob[:HASH_SIZE] if blob else b"\0" * HASH_SIZE)
        completed = local.append(leaf)
        if blob is not None:
            joined = b"".join([node[2] for node in completed]) if len(completed) > 1 else leaf
            if len(completed) > 1 and blob[:len(joined)] != joined:
                problems += _node_problems(start, completed[1:], blob, missing)
            above = blob[len(joined):]
        else:
            above = b""
        if start + local.size in sizes:
            partial[start + local.size] = list(local.frontier)
    return ChunkTree(start, start + local.size, list(local.frontier), partial, above, list(missing), problems)


def _node_problems(start: int, completed: Sequence[tuple[int, int, bytes]], blob: bytes,
                   missing: Sequence[int]) -> list[Problem]:
    """Stored-vs-recomputed node differences; `completed` indexes are local to a chunk starting at `start`."""
    problems = []
    for level, local_index, digest in completed:
        index = (start >> level) + local_index
        first, last = index << level, ((index + 1) << level) - 1
        if any(first <= m <= last for m in missing):
            continue  # the missing row is reported once, at its position; its ancestors would only repeat it
        found = blob[level * HASH_SIZE:(level + 1) * HASH_SIZE] or None
        if found != digest:
            problems.append(Problem(first, f"stored Merkle node (level {level}, index {index})", short(digest),
                                    short(found)))
    return problems


class TreeChecker:
    """Joins the chunks' subtrees into the whole tree; checks the nodes above chunks and checkpoint roots."""

    def __init__(self, checkpoints: Mapping[int, bytes]) -> None:
        self.range = CompactRange()
        self.checkpoints = dict(checkpoints)
        self.problems: list[Problem] = []
        self.missing: list[int] = []

    def add(self, chunk: ChunkTree) -> None:
        """Append the next chunk (it must start where the tree ends)."""
        self.missing.extend(chunk.missing)
        self.problems.extend(chunk.problems)
        for size in sorted(chunk.partial):
            self._check_root(size, self.range.root_with(chunk.partial[size]))
        completed: list[tuple[int, int, bytes]] = []
        for (level, _), digest in zip(range_keys(chunk.start, chunk.end), chunk.subtrees, strict=True):
            completed = self.range.append_subtree(digest, level)
        above = completed[1:]  # nodes over this and earlier chunks, stored in this chunk's last row
        if above:
            top = above[0][0]
            stored = b"\0" * (top * HASH_SIZE) + chunk.above  # align the stored hashes with their levels
            self.problems += _node_problems(0, above, stored, self.missing)

    def _check_root(self, size: int, computed: bytes) -> None:
        expected = self.checkpoints[size]
        if computed != expected:
            self.problems.append(Problem(size - 1, f"root of checkpoint at tree size {size}",
                                         f"{short(expected)} (signed checkpoint)", f"{short(computed)} (recomputed)"))

    def finish(self) -> list[Problem]:
        """Whole-log checks after the last chunk: truncation."""
        size = self.range.size
        for cp_size in sorted(self.checkpoints):
            if cp_size > size:
                self.problems.append(Problem(None, f"checkpoint at tree size {cp_size}",
                                             f"at least {cp_size} leaves in the log", f"{size} (log truncated)"))
        return self.problems
