"""The signed envelope every stored event's state is wrapped in, and the Merkle leaf encoding.

Stdlib + PyNaCl only: the offline verifier and the court-bundle checker reuse it.

One save (one database transaction) is signed ONCE: the signer builds an RFC 6962 Merkle tree over the
canonical encodings of the save's events (`event_message`: originator id, version, topic, SHA-256 of the
payload, key id) and signs `batch_message(root, size, key id)`. Each event's stored state carries that
signature and its own audit path, so every event is still checked on its own:

    MAGIC "CLE2" | u16 key-id length | key id (UTF-8) | 64-byte Ed25519 signature
    | u32 batch size | u32 index in batch | u8 path length | path (32 bytes each) | payload

A save of one event has an empty path and its root is the leaf hash of its own message (DESIGN §3).
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple
from uuid import UUID

from nacl.signing import VerifyKey

from ledger.merkle import leaf_hash, root_and_paths, root_from_inclusion
from ledger.verification_errors import ProofError

MAGIC = b"CLE2"
SIGNATURE_SIZE = 64
HASH_SIZE = 32
_BATCH = struct.Struct(">IIB")
BATCH_OF_ONE = _BATCH.pack(1, 0, 0)  # the batch header of a save of one event: no path
_LOWER_HEX = re.compile("[0-9a-f]{32}")
# The first line of each canonical encoding (verification_hashes builds the same bytes inline).
EVENT_V1, BATCH_V1, LEAF_V1 = "credit-ledger/event/v1\n", "credit-ledger/batch/v1\n", "credit-ledger/leaf/v1\n"


class EnvelopeError(ValueError):
    """Stored state is not a well-formed signed envelope."""


class Envelope(NamedTuple):
    """An event payload with the key id, the save's signature and the event's path to the signed root.

    A NamedTuple (immutable, and cheap to build: every read of every event parses one).
    """

    key_id: str
    signature: bytes
    batch_size: int
    index: int
    path: tuple[bytes, ...]
    payload: bytes


def unpack(state: bytes) -> Envelope:
    """Parse stored state bytes into an Envelope, or raise EnvelopeError."""
    if state[:4] != MAGIC:
        raise EnvelopeError(f"stored state does not start with {MAGIC!r}")
    if len(state) < 6:
        raise EnvelopeError("stored state is truncated")
    length = (state[4] << 8) | state[5]
    sig_end = 6 + length + SIGNATURE_SIZE
    if len(state) < sig_end + _BATCH.size:
        raise EnvelopeError("stored state is truncated before the batch header ends")
    key_id = _key_id(state[6 : 6 + length])
    size, index, count = _BATCH.unpack_from(state, sig_end)
    path_start = sig_end + _BATCH.size
    if not count:  # a save of one event (the common case)
        return Envelope(key_id, state[6 + length : sig_end], size, index, (), state[path_start:])
    payload_start = path_start + count * HASH_SIZE
    if len(state) < payload_start:
        raise EnvelopeError("stored state is truncated inside the batch path")
    path = tuple(state[i : i + HASH_SIZE] for i in range(path_start, payload_start, HASH_SIZE))
    return Envelope(key_id, state[6 + length : sig_end], size, index, path, state[payload_start:])


@lru_cache(maxsize=1024)
def _key_id(raw: bytes) -> str:
    """A key id's text (few distinct keys sign a whole log: decode each once)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EnvelopeError("key id is not UTF-8") from None


def key_id_of(state: bytes) -> str:
    """Only the key id of stored state (for readers that verified the event already), or EnvelopeError."""
    if state[:4] != MAGIC or len(state) < 6:
        raise EnvelopeError(f"stored state does not start with {MAGIC!r}")
    (length,) = struct.unpack_from(">H", state, 4)
    try:
        return state[6 : 6 + length].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EnvelopeError("key id is not UTF-8") from exc


_last_id: tuple[object, str] = (None, "")


def canonical_id(originator_id: UUID | str) -> str:
    """Originator id as 32 lower-case hex digits (the same on SQLite and PostgreSQL)."""
    global _last_id
    last = _last_id
    if originator_id is last[0]:  # verify derives the leaf and the signed message from one row's id: parse it once
        return last[1]
    if isinstance(originator_id, UUID):
        result = originator_id.hex
    elif len(originator_id) == 32 and _LOWER_HEX.fullmatch(originator_id):  # as SQLite stores it: skip parsing
        result = originator_id
    else:
        result = UUID(str(originator_id)).hex
    _last_id = (originator_id, result)
    return result


def event_message(originator_id: UUID | str, version: int, topic: str, payload: bytes, key_id: str) -> bytes:
    """The canonical encoding of one event that its save's signature commits to."""
    digest = hashlib.sha256(payload).hexdigest()
    oid = canonical_id(originator_id)
    return f"{EVENT_V1}{oid}\n{version}\n{topic}\n{digest}\n{key_id}\n".encode()


def batch_message(batch_root: bytes, size: int, key_id: str) -> bytes:
    """The exact bytes a save's signature covers: the root over its events' messages, their count, the key."""
    return f"{BATCH_V1}{size}\n{batch_root.hex()}\n{key_id}\n".encode()


def signed_message(originator_id: UUID | str, version: int, topic: str, envelope: Envelope) -> bytes:
    """The bytes `envelope.signature` must verify over, re-derived from this event and its audit path."""
    leaf = leaf_hash(event_message(originator_id, version, topic, envelope.payload, envelope.key_id))
    if envelope.batch_size == 1 and envelope.index == 0 and not envelope.path:
        batch_root = leaf  # a save of one event: its leaf is the signed root (the common case, no path)
    else:
        try:
            batch_root = root_from_inclusion(leaf, envelope.index, envelope.batch_size, envelope.path)
        except ProofError as exc:
            raise EnvelopeError(f"batch path: {exc}") from None
    return batch_message(batch_root, envelope.batch_size, envelope.key_id)


def verification_hashes(oid: str, version: int, topic: str, state: bytes, envelope: Envelope) -> tuple[bytes, bytes]:
    """For a stored event with a canonical originator id: its Merkle leaf hash (as `leaf_hash(leaf_data(...))`)
    and the bytes its signature must verify over (as `signed_message`), computed together (verify's hot path)."""
    sha256 = hashlib.sha256
    head = f"{oid}\n{version}\n{topic}\n"
    leaf = log_leaf_hash(oid, version, topic, state)
    key_id = envelope.key_id
    signed = sha256(f"\0{EVENT_V1}{head}{sha256(envelope.payload).hexdigest()}\n{key_id}\n".encode()).digest()
    if envelope.batch_size != 1 or envelope.index != 0 or envelope.path:
        try:
            signed = root_from_inclusion(signed, envelope.index, envelope.batch_size, envelope.path)
        except ProofError as exc:
            raise EnvelopeError(f"batch path: {exc}") from None
    return leaf, f"{BATCH_V1}{envelope.batch_size}\n{signed.hex()}\n{key_id}\n".encode()


def verify_signature(public_key: bytes, message: bytes, signature: bytes, batch_size: int = 2) -> None:
    """Check one Ed25519 signature (BadSignatureError if wrong); a save's other events hit the cache.

    A save of one event shares its signature with no other event: it skips the cache.
    """
    if batch_size == 1:
        _verify_key(public_key).verify(message, signature)
    else:
        _verify_shared(public_key, message, signature)


@lru_cache(maxsize=4096)
def _verify_shared(public_key: bytes, message: bytes, signature: bytes) -> None:
    """A save's signature, checked once for all its events (only successes are cached)."""
    _verify_key(public_key).verify(message, signature)


@lru_cache(maxsize=256)
def _verify_key(public_key: bytes) -> VerifyKey:
    """One VerifyKey per signer key (construction checks the point encoding; do it once)."""
    return VerifyKey(public_key)


EventParts = tuple[UUID | str, int, str, bytes]  # originator id, version, topic, payload


class SealedEvent(NamedTuple):
    """A sealed event as the recorder stores it (a StoredEvent's four fields) and its id in canonical form,
    which its Merkle leaf needs (computed once, while sealing)."""

    originator_id: UUID | str
    originator_version: int
    topic: str
    state: bytes
    hex_id: str


def seal_events(events: Sequence[EventParts], key_id: str, sign: Callable[[bytes], bytes]) -> list[SealedEvent]:
    """Sign a save's events with ONE signature and wrap each payload in its envelope (the layout in the module
    docstring; every save of the ledger goes through here, so the encodings are built inline)."""
    sha256, tail = hashlib.sha256, f"\n{key_id}\n"
    hex_ids, leaves = [], []
    for oid, version, topic, payload in events:
        hex_id = oid.hex if type(oid) is UUID else canonical_id(oid)
        hex_ids.append(hex_id)  # leaf_hash(event_message(...)), built inline:
        leaves.append(sha256(f"\0{EVENT_V1}{hex_id}\n{version}\n{topic}\n{sha256(payload).hexdigest()}{tail}".encode()).digest())
    kid = key_id.encode("utf-8")
    size = len(events)
    if size == 1:  # a save of one event: its leaf is the signed root, it has no path
        oid, version, topic, payload = events[0]
        signature = sign(f"{BATCH_V1}1\n{leaves[0].hex()}{tail}".encode())
        state = b"".join((MAGIC, len(kid).to_bytes(2, "big"), kid, signature, BATCH_OF_ONE, payload))
        return [SealedEvent(oid, version, topic, state, hex_ids[0])]
    batch_root, paths = root_and_paths(leaves)
    head = b"".join((MAGIC, len(kid).to_bytes(2, "big"), kid, sign(batch_message(batch_root, size, key_id))))
    return [SealedEvent(oid, version, topic, b"".join((head, _BATCH.pack(size, i, len(path)), *path, payload)), hex_id)
            for i, ((oid, version, topic, payload), path, hex_id) in enumerate(zip(events, paths, hex_ids, strict=True))]


def seal_batch(events: Sequence[EventParts], key_id: str, sign: Callable[[bytes], bytes]) -> list[bytes]:
    """The stored-state bytes of a save's events under ONE signature (see seal_events)."""
    return [sealed.state for sealed in seal_events(events, key_id, sign)]


def log_leaf_hash(hex_id: str, version: int, topic: str, state: bytes) -> bytes:
    """`leaf_hash(leaf_data(...))` in one step for an id already in canonical form (`canonical_id`): the Merkle
    leaf of a stored event (the append computes one per event)."""
    return hashlib.sha256(f"\0{LEAF_V1}{hex_id}\n{version}\n{topic}\n{hashlib.sha256(state).hexdigest()}\n".encode()).digest()


def seal(originator_id: UUID | str, version: int, topic: str, payload: bytes, key_id: str,
         sign: Callable[[bytes], bytes]) -> bytes:
    """Sign one event on its own (a save of one) and return its stored-state bytes."""
    return seal_batch([(originator_id, version, topic, payload)], key_id, sign)[0]


def leaf_data(originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The Merkle leaf input for a stored event (RFC 6962 hashes it with a 0x00 prefix)."""
    digest = hashlib.sha256(state).hexdigest()
    return f"{LEAF_V1}{canonical_id(originator_id)}\n{version}\n{topic}\n{digest}\n".encode()
