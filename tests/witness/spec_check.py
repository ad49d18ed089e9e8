"""Independent checks of cosignature lines, written from the C2SP spec text with hashlib and nacl only."""

from __future__ import annotations

import base64
import hashlib

from nacl.signing import VerifyKey


def spec_key_id(name: str, public: bytes) -> bytes:
    """tlog-cosignature: SHA-256(key name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\x0a\x04" + public).digest()[:4]


def spec_verify(line: str, body: str, name: str, public: bytes) -> int:
    """Check one `— name base64(keyid || uint64 time || sig)` line over body; return its timestamp."""
    assert line.startswith("\u2014 " + name + " "), line
    blob = base64.b64decode(line.split(" ")[2], validate=True)
    assert len(blob) == 4 + 8 + 64
    assert blob[:4] == spec_key_id(name, public)
    timestamp = int.from_bytes(blob[4:12], "big")
    message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()
    VerifyKey(public).verify(message, blob[12:])
    return timestamp
