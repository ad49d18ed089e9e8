"""Offline proof primitives: signed envelopes, Merkle leaves and proofs (RFC 9162), signed notes.

Standard library and PyNaCl only, no other project import (court-bundle checker). The byte layouts
mirror `ledger/envelope.py`, `ledger/merkle.py` and `ledger/checkpoint.py`, which the bundle tests
cross-check against.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from typing import Sequence
from uuid import UUID

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

MAGIC = b"CLE2"
SIGNATURE_SIZE = 64
HASH_SIZE = 32


class ProofFailure(ValueError):
    """A signature, envelope, proof or note that does not hold; the message says why."""


@dataclass(frozen=True)
class Envelope:
    """The key id, signature and payload packed in an event's stored state."""

    key_id: str
    signature: bytes
    batch_size: int
    index: int
    path: tuple[bytes, ...]
    payload: bytes


def unpack(state: bytes) -> Envelope:
    """Parse `MAGIC | u16 key-id length | key id | signature | u32 batch size | u32 index | u8 n | path | payload`."""
    if state[:4] != MAGIC or len(state) < 6:
        raise ProofFailure(f"stored state does not start with {MAGIC!r}")
    (length,) = struct.unpack(">H", state[4:6])
    end = 6 + length + SIGNATURE_SIZE
    if len(state) < end + 9:
        raise ProofFailure("stored state is truncated before the batch header ends")
    try:
        key_id = state[6:6 + length].decode("utf-8")
    except UnicodeDecodeError:
        raise ProofFailure("key id is not UTF-8") from None
    size, index, count = struct.unpack_from(">IIB", state, end)
    start = end + 9
    payload = start + count * HASH_SIZE
    if len(state) < payload:
        raise ProofFailure("stored state is truncated inside the batch path")
    path = tuple(state[i:i + HASH_SIZE] for i in range(start, payload, HASH_SIZE))
    return Envelope(key_id, state[6 + length:end], size, index, path, state[payload:])


def _oid(originator_id: str) -> str:
    return UUID(originator_id).hex


def signing_message(originator_id: str, version: int, topic: str, env: Envelope) -> bytes:
    """The bytes the save's signature covers: the batch root this event's path leads to (credit-ledger/batch/v1)."""
    digest = hashlib.sha256(env.payload).hexdigest()
    message = f"credit-ledger/event/v1\n{_oid(originator_id)}\n{version}\n{topic}\n{digest}\n{env.key_id}\n"
    leaf = hashlib.sha256(b"\x00" + message.encode()).digest()
    root = root_from_path(leaf, env.index, env.batch_size, env.path)
    return f"credit-ledger/batch/v1\n{env.batch_size}\n{root.hex()}\n{env.key_id}\n".encode()


def leaf_hash(originator_id: str, version: int, topic: str, state: bytes) -> bytes:
    """RFC 6962 leaf hash of a stored event (credit-ledger/leaf/v1)."""
    digest = hashlib.sha256(state).hexdigest()
    data = f"credit-ledger/leaf/v1\n{_oid(originator_id)}\n{version}\n{topic}\n{digest}\n".encode()
    return hashlib.sha256(b"\x00" + data).digest()


def check_signature(public_key: bytes, message: bytes, signature: bytes, who: str) -> None:
    """Raise ProofFailure unless `signature` by `who` verifies over `message`."""
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError, TypeError):
        raise ProofFailure(f"signature by {who} does not verify") from None


# --- RFC 9162 §2.1.3.2 and §2.1.4.2 ---------------------------------------------------------------


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _climb(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def _check_hashes(proof: Sequence[bytes]) -> None:
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofFailure(f"proof element is not {HASH_SIZE} bytes")


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that `leaf` is at `index` of the tree of `size` leaves with `root` (RFC 9162 §2.1.3.2)."""
    r = root_from_path(leaf, index, size, proof)
    if r != root:
        raise ProofFailure(f"inclusion proof leads to root {r.hex()[:16]}…, not the checkpoint's {root.hex()[:16]}…")


def root_from_path(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root an RFC 9162 §2.1.3.2 inclusion path leads to; ProofFailure if malformed."""
    if not 0 <= index < size:
        raise ProofFailure(f"position {index} is outside the tree of size {size}")
    _check_hashes(proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofFailure("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = _node(p, r)
            fn, sn = _climb(fn, sn)
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofFailure("inclusion proof ends below the root")
    return r


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> None:
    """Check that the tree of `old_size` is a prefix of the tree of `new_size` (RFC 9162 §2.1.4.2)."""
    if not 0 < old_size <= new_size:
        raise ProofFailure(f"sizes {old_size} and {new_size} do not satisfy 0 < old <= new")
    _check_hashes(proof)
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofFailure("equal tree sizes need equal roots and an empty proof")
        return
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    if not path:
        raise ProofFailure("consistency proof is empty")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofFailure("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            fn, sn = _climb(fn, sn)
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofFailure(f"consistency proof does not join the tree of size {old_size} to that of size {new_size}")


# --- C2SP signed-note checkpoints -----------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A checkpoint signed note, verified: origin, tree size and root hash."""

    origin: str
    size: int
    root: bytes


def b64(text: str, what: str) -> bytes:
    """Strict standard base64, or ProofFailure naming `what`."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ProofFailure(f"{what} is not base64") from None


def note_key_id(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key id: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4]


def verify_note(text: str, root_public_key: bytes) -> Note:
    """Parse a C2SP tlog-checkpoint signed note and check its signature by the root key under its origin."""
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n"):
        raise ProofFailure("not a signed note (no blank line before the signatures)")
    body, lines = text[:split + 1], text[split + 2:-1].split("\n")
    head = body[:-1].split("\n")
    if len(head) < 3 or not head[1].isdigit():
        raise ProofFailure("checkpoint body needs origin, decimal tree size and root hash lines")
    origin, size, root = head[0], int(head[1]), b64(head[2], "checkpoint root hash")
    wanted = note_key_id(origin, root_public_key)
    for line in lines:
        name, _, blob_text = line.removeprefix("\u2014 ").partition(" ")
        blob = b64(blob_text, "checkpoint signature")
        if name == origin and blob[:4] == wanted:
            check_signature(root_public_key, body.encode(), blob[4:], f"the root key of {origin}")
            return Note(origin, size, root)
    raise ProofFailure(f"no signature by the pinned root key under the log name {origin}")
