"""C2SP tlog-checkpoint bodies signed as C2SP signed-notes with Ed25519 keys.

Specs: https://c2sp.org/tlog-checkpoint and https://c2sp.org/signed-note. The root hash is an
RFC 6962 Merkle tree hash. Depends only on the standard library and PyNaCl (offline verifier).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ledger.verification_errors import CheckpointFormatError, CheckpointSignatureError

HASH_SIZE = 32
KEY_ID_SIZE = 4
ED25519_ALGORITHM = 0x01
ED25519_SIGNATURE_SIZE = 64
SIGNATURE_PREFIX = "\u2014 "
MAX_SIGNATURES = 100
MAX_TREE_SIZE = 2**64 - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_HEX_KEY_ID = re.compile(r"[0-9a-f]{8}")


# --- text helpers ---------------------------------------------------------------------------------


def _show(text: str) -> str:
    """Quote a found value for an error message, shortened to 64 characters."""
    return repr(text if len(text) <= 64 else text[:61] + "...")


def _b64encode(data: bytes) -> str:
    """Encode with standard, padded base64 (RFC 4648 §4)."""
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    """Decode canonical standard base64 (RFC 4648 §4); CheckpointFormatError names `what`."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise CheckpointFormatError(
            f"{what}: expected standard base64, found {_show(text)}"
        ) from None
    if _b64encode(data) != text:
        raise CheckpointFormatError(f"{what}: expected canonical base64, found {_show(text)}")
    return data


def _check_name(name: str, what: str) -> None:
    """Require a signed-note key name: non-empty, no Unicode spaces, no '+' (C2SP signed-note)."""
    if not name or "+" in name or any(c.isspace() or c < " " for c in name):
        raise CheckpointFormatError(
            f"{what}: expected a non-empty name without spaces or '+', found {_show(name)}"
        )


def _check_line(line: str, what: str) -> None:
    """Require a non-empty line without control characters or surrounding whitespace."""
    if not line or line != line.strip() or any(c < " " for c in line):
        raise CheckpointFormatError(
            f"{what}: expected a non-empty line without control characters "
            f"or surrounding whitespace, found {_show(line)}"
        )


def _split_lines(text: str, what: str) -> list[str]:
    """Split newline-terminated text without control characters into lines (C2SP signed-note)."""
    if not text.endswith("\n"):
        raise CheckpointFormatError(
            f"{what}: expected text ending in a newline, found end {_show(text[-16:])}"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointFormatError(f"{what}: expected valid UTF-8 text") from None
    bad = next((c for c in text if c < " " and c != "\n"), None)
    if bad is not None:
        raise CheckpointFormatError(
            f"{what}: expected no control characters besides newline, found {bad!r}"
        )
    return text[:-1].split("\n")


# --- checkpoint body (C2SP tlog-checkpoint) -------------------------------------------------------


def _parse_size(line: str) -> int:
    """Parse line 2: tree size in ASCII decimal without leading zeros."""
    if not _DECIMAL.fullmatch(line):
        raise CheckpointFormatError(
            f"checkpoint line 2 (size): expected decimal digits without leading "
            f"zeros, found {_show(line)}"
        )
    return int(line)


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint: origin, tree size, RFC 6962 root hash, extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Validate every field so that body() always yields a well-formed checkpoint."""
        _check_line(self.origin, "checkpoint line 1 (origin)")
        if any(c.isspace() for c in self.origin):
            raise CheckpointFormatError(
                f"checkpoint line 1 (origin): expected no spaces, found {_show(self.origin)}"
            )
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointFormatError(
                f"checkpoint line 2 (size): expected 0..2^64-1, found {self.size}"
            )
        if len(self.root_hash) != HASH_SIZE:
            raise CheckpointFormatError(
                f"checkpoint line 3 (root hash): expected {HASH_SIZE} bytes, "
                f"found {len(self.root_hash)}"
            )
        for number, line in enumerate(self.extensions, start=4):
            _check_line(line, f"checkpoint line {number} (extension)")

    def body(self) -> str:
        """Return the body: origin, size, base64 root, extensions, each ending in a newline."""
        lines = (self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions)
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_body(cls, text: str) -> Checkpoint:
        """Parse and validate a body; CheckpointFormatError names the bad line."""
        lines = _split_lines(text, "checkpoint body")
        if len(lines) < 3:
            raise CheckpointFormatError(
                f"checkpoint body has too few lines: expected at least 3, found {len(lines)}"
            )
        origin, size, root, *extensions = lines
        root_hash = _b64decode(root, "checkpoint line 3 (root hash)")
        return cls(origin, _parse_size(size), root_hash, tuple(extensions))


# --- Ed25519 note keys (C2SP signed-note) ---------------------------------------------------------


def key_id(name: str, verify_key: VerifyKey) -> bytes:
    """Return the signed-note key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    _check_name(name, "key name")
    material = name.encode("utf-8") + b"\n" + bytes([ED25519_ALGORITHM]) + bytes(verify_key)
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def vkey_string(name: str, verify_key: VerifyKey) -> str:
    """Return the verifier key text <name>+<hex key ID>+<base64(0x01 || public key)>."""
    encoded = _b64encode(bytes([ED25519_ALGORITHM]) + bytes(verify_key))
    return f"{name}+{key_id(name, verify_key).hex()}+{encoded}"


def parse_vkey(text: str) -> tuple[str, VerifyKey]:
    """Parse a verifier key text into (name, VerifyKey), checking the algorithm and key ID."""
    fields = text.split("+", 2)
    if len(fields) != 3:
        raise CheckpointFormatError(
            f"verifier key: expected 3 '+'-separated fields, found {len(fields)}"
        )
    name, hex_id, encoded = fields
    _check_name(name, "verifier key name")
    if not _HEX_KEY_ID.fullmatch(hex_id):
        raise CheckpointFormatError(
            f"verifier key id: expected 8 lowercase hex digits, found {_show(hex_id)}"
        )
    key = _b64decode(encoded, "verifier key")
    if len(key) != 33 or key[0] != ED25519_ALGORITHM:
        raise CheckpointFormatError(
            f"verifier key: expected 0x01 followed by 32 bytes, found {len(key)} bytes"
        )
    verify_key = VerifyKey(key[1:])
    if key_id(name, verify_key).hex() != hex_id:
        raise CheckpointFormatError(
            f"verifier key id: expected {key_id(name, verify_key).hex()}, found {hex_id}"
        )
    return name, verify_key


# --- signed notes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signed-note signature line: key name, 4-byte key ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def __post_init__(self) -> None:
        """Validate the key name and key ID size."""
        _check_name(self.name, "signature key name")
        if len(self.key_id) != KEY_ID_SIZE or not self.signature:
            raise CheckpointFormatError(
                f"signature by {self.name}: expected a {KEY_ID_SIZE}-byte key id and a "
                f"signature, found {len(self.key_id)} and {len(self.signature)} bytes"
            )

    def line(self) -> str:
        """Return the line '— <name> <base64(key ID || signature)>' with its newline."""
        return f"{SIGNATURE_PREFIX}{self.name} {_b64encode(self.key_id + self.signature)}\n"

    @classmethod
    def from_line(cls, line: str, number: int) -> NoteSignature:
        """Parse signature line `number` (1-based, without its newline)."""
        what = f"signature line {number}"
        fields = (
            line[len(SIGNATURE_PREFIX) :].split(" ") if line.startswith(SIGNATURE_PREFIX) else []
        )
        if len(fields) != 2:
            raise CheckpointFormatError(
                f"{what}: expected '\u2014 <name> <base64>', found {_show(line)}"
            )
        _check_name(fields[0], f"{what} key name")
        blob = _b64decode(fields[1], f"{what} signature")
        if len(blob) <= KEY_ID_SIZE:
            raise CheckpointFormatError(
                f"{what}: expected more than {KEY_ID_SIZE} bytes, found {len(blob)}"
            )
        return cls(fields[0], blob[:KEY_ID_SIZE], blob[KEY_ID_SIZE:])


def _verify_signature(signature: NoteSignature, verify_key: VerifyKey, body: bytes) -> None:
    """Check one Ed25519 signature by a known key over the note body (C2SP signed-note)."""
    who = f"{signature.name} (key id {signature.key_id.hex()})"
    if len(signature.signature) != ED25519_SIGNATURE_SIZE:
        raise CheckpointSignatureError(
            f"signature by {who} has wrong size: expected "
            f"{ED25519_SIGNATURE_SIZE} bytes, found {len(signature.signature)}"
        )
    try:
        verify_key.verify(body, signature.signature)
    except BadSignatureError:
        raise CheckpointSignatureError(
            f"signature by {who} does not verify over the checkpoint body"
        ) from None


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with its signed-note signature lines."""

    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]

    def to_text(self) -> str:
        """Return the signed note: body, one blank line, then one line per signature."""
        return self.checkpoint.body() + "\n" + "".join(sig.line() for sig in self.signatures)

    @classmethod
    def from_text(cls, text: str) -> SignedCheckpoint:
        """Parse a signed note strictly, raising CheckpointFormatError on any malformation."""
        _split_lines(text, "signed note")
        split = text.rfind("\n\n")
        if split < 0:
            raise CheckpointFormatError(
                "signed note: expected a blank line before the signatures, found none"
            )
        body, block = text[: split + 1], text[split + 2 :]
        checkpoint = Checkpoint.from_body(body)
        lines = block[:-1].split("\n") if block else []
        if not 1 <= len(lines) <= MAX_SIGNATURES:
            raise CheckpointFormatError(
                f"signed note: expected 1..{MAX_SIGNATURES} signature lines, found {len(lines)}"
            )
        signatures = tuple(
            NoteSignature.from_line(line, n) for n, line in enumerate(lines, start=1)
        )
        return cls(checkpoint, signatures)

    def verify(self, known: Mapping[str, VerifyKey]) -> Checkpoint:
        """Return the checkpoint if every known key's signature verifies and at least one exists."""
        body = self.checkpoint.body().encode("utf-8")
        verified: set[str] = set()
        for signature in self.signatures:
            verify_key = known.get(signature.name)
            if verify_key is None or key_id(signature.name, verify_key) != signature.key_id:
                continue  # C2SP signed-note: signatures from unknown keys are ignored.
            if signature.name in verified:
                raise CheckpointFormatError(
                    f"signed note: expected one signature by {signature.name}, found more"
                )
            _verify_signature(signature, verify_key, body)
            verified.add(signature.name)
        if not verified:
            names = sorted({sig.name for sig in self.signatures})
            raise CheckpointSignatureError(
                f"no verified signature by a known key: expected one of "
                f"{sorted(known)}, found signatures by {names}"
            )
        return self.checkpoint


def sign_checkpoint(checkpoint: Checkpoint, name: str, signing_key: SigningKey) -> SignedCheckpoint:
    """Sign the body (UTF-8, final newline included) as a C2SP signed-note with Ed25519."""
    signature = signing_key.sign(checkpoint.body().encode("utf-8")).signature
    note_signature = NoteSignature(name, key_id(name, signing_key.verify_key), signature)
    return SignedCheckpoint(checkpoint, (note_signature,))
