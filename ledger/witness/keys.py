"""The witness's own Ed25519 key file, and reading a trusted log's public key."""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

from ledger.checkpoint import parse_vkey
from ledger.cosignature import COSIGNATURE_ALGORITHM, witness_key_id, witness_vkey
from ledger.errors import LedgerError
from ledger.verification_errors import CheckpointFormatError

_PREFIX = "PRIVATE+KEY+"


class WitnessKeyError(LedgerError):
    """A witness key file or a log key is missing, malformed or would be overwritten."""


@dataclass(frozen=True)
class WitnessKey:
    """The witness's name and Ed25519 signing key."""

    name: str
    signing_key: SigningKey

    @property
    def vkey(self) -> str:
        """The public vkey text others use to verify this witness's cosignatures."""
        return witness_vkey(self.name, self.signing_key.verify_key)

    def private_text(self) -> str:
        """`PRIVATE+KEY+<name>+<hex key id>+<base64(0x04 || seed)>` (the Go note format, algorithm 0x04)."""
        public = bytes(self.signing_key.verify_key)
        seed = base64.b64encode(bytes([COSIGNATURE_ALGORITHM]) + bytes(self.signing_key)).decode("ascii")
        return f"{_PREFIX}{self.name}+{witness_key_id(self.name, public).hex()}+{seed}\n"


def generate_key_file(path: Path, name: str) -> WitnessKey:
    """Create a new key in `path` with mode 0600; refuse to overwrite an existing file."""
    try:
        witness_key_id(name, bytes(32))
    except CheckpointFormatError as error:
        raise WitnessKeyError(f"--name: {error}") from None
    key = WitnessKey(name, SigningKey.generate())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessKeyError(f"--out: {path} exists; refusing to overwrite a witness key") from None
    with os.fdopen(fd, "w") as handle:
        handle.write(key.private_text())
    return key


def load_key_file(path: Path) -> WitnessKey:
    """Read a key file written by generate_key_file, checking its permissions (like the ledger's key files) and
    its key id."""
    try:
        if path.stat().st_mode & 0o077:
            raise WitnessKeyError(f"--key: witness key {path} is readable by others; chmod 600 it")
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise WitnessKeyError(f"--key: cannot read witness key {path}: {error}") from None
    fields = text[len(_PREFIX):].split("+", 2) if text.startswith(_PREFIX) else []
    if len(fields) != 3:
        raise WitnessKeyError(f"--key: {path} is not a witness key file (expected {_PREFIX}<name>+<id>+<key>)")
    name, hex_id, encoded = fields
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 33 or raw[0] != COSIGNATURE_ALGORITHM:
        raise WitnessKeyError(f"--key: {path}: expected base64 of 0x04 and a 32-byte seed")
    key = WitnessKey(name, SigningKey(raw[1:]))
    if witness_key_id(name, bytes(key.signing_key.verify_key)).hex() != hex_id:
        raise WitnessKeyError(f"--key: {path}: key id {hex_id} does not match the key")
    return key


def read_log_key(value: str, origin: str) -> tuple[str, VerifyKey]:
    """A log's (key name, key) from a file or text: 64 hex digits (named `origin`) or a signed-note vkey."""
    path = Path(value)
    if len(value) < 4096 and path.is_file():
        try:
            value = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise WitnessKeyError(f"--key: cannot read {path}: {error}") from None
    text = value.strip()
    if "+" in text:
        try:
            return parse_vkey(text)
        except CheckpointFormatError as error:
            raise WitnessKeyError(f"--key: {error}") from None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise WitnessKeyError("--key: expected a file or text holding 64 hex digits or a vkey name+id+base64")
    return origin, VerifyKey(raw)
