"""The verifier's fast path: one tight pass over a chunk whose rows are all there, in order.

A chunk of a log that has not been touched is checked here with the same checks as `verifier.check_rows`
and `verifier.chunk_tree` (signatures, key validity windows, signer and acting unit, leaf hashes, every
stored node, hash counts, checkpoint roots inside the chunk), without building a Problem per check (and, for
a chunk that is one whole subtree, without a CompactRange: its levels are compared list against list). At
the first thing that does not hold it gives up (returns None) and the caller checks the chunk again on the
thorough path, which names every problem; so the two paths can only differ in speed
(tests/test_verify_fast.py compares them on intact and damaged chunks).
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple, Sequence

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

from ledger.envelope import (
    BATCH_V1,
    EVENT_V1,
    BATCH_OF_ONE,
    MAGIC,
    SIGNATURE_SIZE,
    Envelope,
    EnvelopeError,
    unpack,
    log_leaf_hash,
    verification_hashes,
    verify_signature,
)
from ledger.accountbook import AccountBook
from ledger.keybook import REGISTRY_TOPIC_PREFIX, KeyBook, KeyProblem
from ledger.merkle import HASH_SIZE
from ledger.verifier import ChunkTree, RowResult, actor_pair, chunk_tree

_EVENT_HEAD, _BATCH_HEAD = f"\0{EVENT_V1}", f"{BATCH_V1}1\n"
_ACTOR_USER_KEY = b'"actor_user":"'


def fast_chunk(rows: Sequence[Sequence[Any]], book: KeyBook, start: int, end: int,
               checkpoint_sizes: Sequence[int] = (), accounts: AccountBook | None = None,
               ) -> tuple[RowResult, ChunkTree] | None:
    """RowResult and ChunkTree of a chunk [start, end) that holds no problem, or None when the chunk must be
    checked on the thorough path (a problem, or rows that are not exactly the chunk's positions)."""
    size = end - start
    if size < 1 or len(rows) != size:
        return None
    try:
        leaves = _checked_leaves(rows, book, start, accounts)
    except (EnvelopeError, KeyProblem, BadSignatureError, ValueError, TypeError, IndexError, AttributeError):
        return None
    if leaves is None:
        return None
    blobs = [bytes(row[6]) for row in rows]
    if [blob[:HASH_SIZE] for blob in blobs] != leaves:
        return None
    if size < 2 or size & (size - 1) or start % size or checkpoint_sizes:
        # not one whole subtree (the log's last chunk), or checkpoint roots inside: the general tree builder
        tree = chunk_tree(start, RowResult(leaves, [], size, blobs, []), checkpoint_sizes)
        return None if tree.problems else (RowResult([], [], size), tree)
    level, nodes, sha256 = 0, leaves, hashlib.sha256
    while len(nodes) > 1:
        level += 1
        nodes = [sha256(b"\x01" + left + right).digest() for left, right in zip(nodes[::2], nodes[1::2])]
        offset, step = level * HASH_SIZE, 1 << level
        if [blob[offset:offset + HASH_SIZE] for blob in blobs[step - 1::step]] != nodes:
            return None
    result = RowResult([], [], size)
    return result, ChunkTree(start, end, [nodes[0]], {}, blobs[-1][(level + 1) * HASH_SIZE:], [], [])


def _checked_leaves(rows: Sequence[Sequence[Any]], book: KeyBook, start: int,
                    accounts: AccountBook | None = None) -> list[bytes] | None:
    """Each row's recomputed leaf hash, or None at the first row that fails a check (see verifier._check_row)."""
    sha256, signers = hashlib.sha256, _signers(book)
    windows, checked_after = _account_windows(accounts)
    leaves: list[bytes] = []
    append = leaves.append
    expected = start
    for position, _, oid, version, topic, state, blob in rows:
        if position != expected or blob is None or state is None:
            return None
        expected += 1
        if len(blob) != HASH_SIZE * ((position + 1) & -(position + 1)).bit_length():
            return None
        state = bytes(state)
        if not state.startswith(MAGIC):
            return None
        length = (state[4] << 8) | state[5]
        sig_end = 6 + length + SIGNATURE_SIZE
        signer = signers.get(state[6:6 + length])
        if signer is None or not signer.low < position <= signer.high:
            return None
        if not signer.is_root and topic.startswith(REGISTRY_TOPIC_PREFIX):
            return None
        # The id and version go into the hashed text as stored: any form but the canonical one (32 lower-case hex
        # digits, a decimal integer) gives bytes nobody signed, so the chunk falls back to the slow path.
        head = f"{oid}\n{version}\n{topic}\n"
        if state.startswith(BATCH_OF_ONE, sig_end):  # a save of one event: no path, its leaf is the signed root
            payload_start = sig_end + 9
            append(log_leaf_hash(oid, version, topic, state))
            signed = sha256(f"{_EVENT_HEAD}{head}{sha256(state[payload_start:]).hexdigest()}{signer.tail}".encode())
            # the binding VerifyKey.verify calls, without its argument checks (raises BadSignatureError)
            crypto_sign_open(state[6 + length:sig_end] + f"{_BATCH_HEAD}{signed.hexdigest()}{signer.tail}".encode(),
                             signer.public_key)
        else:
            envelope: Envelope = unpack(state)
            leaf, message = verification_hashes(oid, int(version), topic, state, envelope)
            append(leaf)
            verify_signature(signer.public_key, message, envelope.signature, envelope.batch_size)
            payload_start = len(state) - len(envelope.payload)
        first = state.find(b'"actor_unit"', payload_start)
        if first >= 0 and (not state.startswith(signer.actor_pair, first) or state.find(b'"actor_unit"', first + 1) >= 0):
            return None  # not exactly one "actor_unit", naming the signer's unit: decided on the slow path
        if position > checked_after:
            user = _actor_user(state, payload_start)
            if user is None:
                return None
            if user:
                for low, high in windows.get((user, signer.unit), ()):
                    if low < position <= high:
                        break
                else:
                    return None
    return leaves


def _account_windows(accounts: AccountBook | None) -> tuple[dict[tuple[bytes, str], Any], float]:
    """The account book's acting windows keyed by the user name's UTF-8 bytes, and the position after which actor
    users are checked (infinity: not checked)."""
    if accounts is None or not accounts.started or accounts.genesis_position is None:
        return {}, float("inf")
    return accounts.byte_windows(), accounts.genesis_position


def _actor_user(state: bytes, payload_start: int) -> bytes | None:
    """The one "actor_user" name of a payload as stored; b"" when it has none; None (decide on the slow path) when
    it has more than one, or one that is not a plain JSON string without escapes."""
    first = state.find(b'"actor_user"', payload_start)
    if first < 0:
        return b""
    if not state.startswith(_ACTOR_USER_KEY, first) or state.find(b'"actor_user"', first + 12) >= 0:
        return None
    start = first + len(_ACTOR_USER_KEY)
    end = state.find(b'"', start)
    raw = state[start:end]
    return None if end < 0 or not raw or b"\\" in raw else raw


class _Signer(NamedTuple):
    """What the fast path needs of a key, found by the key id's bytes as stored."""

    low: float  # the key may sign at log positions (low, high]
    high: float
    public_key: bytes
    tail: str  # "\n<key id>\n", the end of the event and batch encodings
    actor_pair: bytes  # '"actor_unit":"<unit>"' as the ledger's JSON writes it
    is_root: bool
    unit: str


def _signers(book: KeyBook) -> dict[bytes, _Signer]:
    """Every key of the book by its id's UTF-8 bytes, with the log positions at which it may sign: the same bounds
    as KeyBook.check_at_position (the root key also signs the genesis event, at its own registration)."""
    signers = {}
    for key_id, record in book.records.items():
        low = -1 if record.registered_position is None else record.registered_position
        is_root = key_id == book.root_key_id
        if is_root and record.registered_position is not None:
            low -= 1
        high = float("inf") if record.ended_position is None else record.ended_position
        signers[key_id.encode("utf-8")] = _Signer(low, high, record.public_key, f"\n{key_id}\n",
                                                  actor_pair(record.unit), is_root, record.unit)
    return signers
