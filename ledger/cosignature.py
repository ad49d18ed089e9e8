"""C2SP tlog-cosignature `cosignature/v1` witness cosignatures with Ed25519 (stdlib + PyNaCl only).

Spec: https://c2sp.org/tlog-cosignature. A cosignature is a signed-note signature line whose bytes
are key id (4) || timestamp (8, big-endian seconds) || Ed25519 signature (64) over
"cosignature/v1\\ntime <T>\\n" followed by the checkpoint body. Usable offline by bundle checkers.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ledger.checkpoint import (
    KEY_ID_SIZE,
    SIGNATURE_PREFIX,
    CheckpointFormatError,
    SignedCheckpoint,
    _b64decode,
    _check_name,
)
from ledger.verification_errors import CosignatureError

COSIGNATURE_ALGORITHM = 0x04
TIMESTAMP_SIZE = 8
COSIGNATURE_SIZE = KEY_ID_SIZE + TIMESTAMP_SIZE + 64
MAX_TIMESTAMP = 2**64 - 1


def witness_key_id(name: str, public_key: bytes) -> bytes:
    """Return SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4] (C2SP tlog-cosignature)."""
    _check_name(name, "witness name")
    if len(public_key) != 32:
        raise CheckpointFormatError(f"witness public key: expected 32 bytes, found {len(public_key)}")
    material = name.encode("utf-8") + b"\n" + bytes([COSIGNATURE_ALGORITHM]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def witness_vkey(name: str, verify_key: VerifyKey) -> str:
    """Return the vkey text `name+<8 hex key id>+base64(0x04 || public key)`."""
    public = bytes(verify_key)
    encoded = base64.b64encode(bytes([COSIGNATURE_ALGORITHM]) + public).decode("ascii")
    return f"{name}+{witness_key_id(name, public).hex()}+{encoded}"


def parse_witness_vkey(text: str) -> tuple[str, VerifyKey]:
    """Parse a witness vkey into (name, VerifyKey), checking the 0x04 algorithm byte and the key id."""
    fields = text.strip().split("+", 2)
    if len(fields) != 3:
        raise CheckpointFormatError(f"witness vkey: expected 3 '+'-separated fields, found {len(fields)}")
    name, hex_id, encoded = fields
    _check_name(name, "witness vkey name")
    key = _b64decode(encoded, "witness vkey")
    if len(key) != 33 or key[0] != COSIGNATURE_ALGORITHM:
        raise CheckpointFormatError(
            f"witness vkey: expected 0x04 followed by 32 bytes, found {len(key)} bytes"
            + (f" starting 0x{key[0]:02x}" if key else "")
        )
    expected = witness_key_id(name, key[1:]).hex()
    if hex_id != expected:
        raise CheckpointFormatError(f"witness vkey id: expected {expected}, found {hex_id!r}")
    return name, VerifyKey(key[1:])


def signed_message(body: str, timestamp: int) -> bytes:
    """Return the cosigned bytes: "cosignature/v1\\ntime <T>\\n" + checkpoint body (UTF-8)."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise CheckpointFormatError(f"cosignature timestamp: expected 0..2^64-1, found {timestamp}")
    return f"cosignature/v1\ntime {timestamp}\n{body}".encode("utf-8")


def cosign(body: str, name: str, signing_key: SigningKey, timestamp: int) -> str:
    """Return the note line `— <name> <base64(key id || timestamp || signature)>` (no newline)."""
    signature = signing_key.sign(signed_message(body, timestamp)).signature
    key_id = witness_key_id(name, bytes(signing_key.verify_key))
    blob = key_id + timestamp.to_bytes(TIMESTAMP_SIZE, "big") + signature
    return f"{SIGNATURE_PREFIX}{name} {base64.b64encode(blob).decode('ascii')}"


def append_cosignatures(note_text: str, lines: Iterable[str]) -> str:
    """Return the signed note with cosignature lines (with or without newlines) appended."""
    return note_text + "".join(line.rstrip("\n") + "\n" for line in lines)


def verify_cosignatures(note_text: str, witnesses: Mapping[str, VerifyKey]) -> dict[str, int]:
    """Return {witness name: timestamp} for every valid cosignature line by a known witness.

    Lines by unknown names or key ids are ignored (C2SP signed-note); a line with a known
    witness's name and key id that is malformed or does not verify raises CosignatureError.
    """
    note = SignedCheckpoint.from_text(note_text)
    body = note.checkpoint.body()
    found: dict[str, int] = {}
    for signature in note.signatures:
        verify_key = witnesses.get(signature.name)
        if verify_key is None or witness_key_id(signature.name, bytes(verify_key)) != signature.key_id:
            continue
        if signature.name in found:
            raise CosignatureError(f"cosignature by {signature.name}: expected one line, found more")
        found[signature.name] = _check_cosignature(signature.name, signature.signature, verify_key, body)
    return found


def _check_cosignature(name: str, payload: bytes, verify_key: VerifyKey, body: str) -> int:
    """Verify timestamp || signature bytes (after the key id) by one witness; return the timestamp."""
    who = f"cosignature by {name} (key id {witness_key_id(name, bytes(verify_key)).hex()})"
    if len(payload) != COSIGNATURE_SIZE - KEY_ID_SIZE:
        raise CosignatureError(
            f"{who}: expected {COSIGNATURE_SIZE} bytes, found {len(payload) + KEY_ID_SIZE}"
        )
    timestamp = int.from_bytes(payload[:TIMESTAMP_SIZE], "big")
    try:
        verify_key.verify(signed_message(body, timestamp), payload[TIMESTAMP_SIZE:])
    except BadSignatureError:
        raise CosignatureError(f"{who}: signature does not verify over time {timestamp} and the checkpoint") from None
    return timestamp
