"""The signed envelope every stored event's state is wrapped in, and the Merkle leaf encoding.

Stdlib + PyNaCl only: the offline verifier and the court-bundle checker reuse it.
Stored state = MAGIC | u16 key-id length | key id (UTF-8) | 64-byte Ed25519 signature | payload.
The signature covers `signing_message(...)`: originator id, version, topic, SHA-256 of the payload
and the key id (DESIGN §3).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Callable
from uuid import UUID

MAGIC = b"CLE1"
SIGNATURE_SIZE = 64


class EnvelopeError(ValueError):
    """Stored state is not a well-formed signed envelope."""


@dataclass(frozen=True)
class Envelope:
    """An event payload with the key id and signature that vouch for it."""

    key_id: str
    signature: bytes
    payload: bytes

    def pack(self) -> bytes:
        """Serialise to the stored-state byte layout."""
        kid = self.key_id.encode("utf-8")
        return MAGIC + struct.pack(">H", len(kid)) + kid + self.signature + self.payload


def unpack(state: bytes) -> Envelope:
    """Parse stored state bytes into an Envelope, or raise EnvelopeError."""
    if state[:4] != MAGIC:
        raise EnvelopeError(f"stored state does not start with {MAGIC!r}")
    if len(state) < 6:
        raise EnvelopeError("stored state is truncated")
    (length,) = struct.unpack(">H", state[4:6])
    end = 6 + length
    if len(state) < end + SIGNATURE_SIZE:
        raise EnvelopeError("stored state is truncated before the signature ends")
    try:
        key_id = state[6:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EnvelopeError("key id is not UTF-8") from exc
    return Envelope(key_id, state[end : end + SIGNATURE_SIZE], state[end + SIGNATURE_SIZE :])


def canonical_id(originator_id: UUID | str) -> str:
    """Originator id as 32 lower-case hex digits (the same on SQLite and PostgreSQL)."""
    return originator_id.hex if isinstance(originator_id, UUID) else UUID(str(originator_id)).hex


def signing_message(originator_id: UUID | str, version: int, topic: str, payload: bytes, key_id: str) -> bytes:
    """The exact bytes an event signature covers."""
    digest = hashlib.sha256(payload).hexdigest()
    oid = canonical_id(originator_id)
    return f"credit-ledger/event/v1\n{oid}\n{version}\n{topic}\n{digest}\n{key_id}\n".encode()


def seal(originator_id: UUID | str, version: int, topic: str, payload: bytes, key_id: str,
         sign: Callable[[bytes], bytes]) -> bytes:
    """Sign a payload and return the stored-state bytes."""
    signature = sign(signing_message(originator_id, version, topic, payload, key_id))
    return Envelope(key_id, signature, payload).pack()


def leaf_data(originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    """The Merkle leaf input for a stored event (RFC 6962 hashes it with a 0x00 prefix)."""
    digest = hashlib.sha256(state).hexdigest()
    return f"credit-ledger/leaf/v1\n{canonical_id(originator_id)}\n{version}\n{topic}\n{digest}\n".encode()
