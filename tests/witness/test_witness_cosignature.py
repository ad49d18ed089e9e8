"""cosignature/v1 lines and witness keys, checked against bytes computed here from the spec text."""

from __future__ import annotations

import base64
import hashlib

import pytest
from nacl.signing import SigningKey, VerifyKey

from ledger.checkpoint import Checkpoint, SignedCheckpoint, sign_checkpoint
from ledger.cosignature import (
    append_cosignatures,
    cosign,
    parse_witness_vkey,
    verify_cosignatures,
    witness_key_id,
    witness_vkey,
)
from ledger.verification_errors import CheckpointFormatError, CosignatureError

ORIGIN = "test.example/ledger"
LOG_KEY = SigningKey(bytes(range(32)))
WITNESS = "court.example/witness"
WITNESS_KEY = SigningKey(hashlib.sha256(b"witness seed").digest())
OTHER_KEY = SigningKey(hashlib.sha256(b"other seed").digest())
CHECKPOINT = Checkpoint(ORIGIN, 7, hashlib.sha256(b"root").digest())
NOTE = sign_checkpoint(CHECKPOINT, ORIGIN, LOG_KEY).to_text()
TIME = 1_700_000_000


def spec_key_id(name: str, public: bytes) -> bytes:
    """tlog-cosignature: key ID = SHA-256(key name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]."""
    return hashlib.sha256(name.encode() + b"\x0a" + b"\x04" + public).digest()[:4]


def spec_line(body: str, name: str, key: SigningKey, timestamp: int) -> str:
    """The signature line per spec: key ID || uint64 BE timestamp || Ed25519 sig of the signed message."""
    message = b"cosignature/v1\n" + b"time " + str(timestamp).encode() + b"\n" + body.encode()
    signature = key.sign(message).signature
    blob = spec_key_id(name, bytes(key.verify_key)) + timestamp.to_bytes(8, "big") + signature
    return "\u2014 " + name + " " + base64.b64encode(blob).decode()


def test_key_id_matches_the_spec_formula() -> None:
    public = bytes(WITNESS_KEY.verify_key)
    assert witness_key_id(WITNESS, public) == spec_key_id(WITNESS, public)
    assert witness_key_id(WITNESS, public) != hashlib.sha256(WITNESS.encode() + b"\n\x01" + public).digest()[:4]


def test_cosign_line_is_byte_identical_to_the_spec_computation() -> None:
    body = CHECKPOINT.body()
    line = cosign(body, WITNESS, WITNESS_KEY, TIME)
    assert line == spec_line(body, WITNESS, WITNESS_KEY, TIME)
    blob = base64.b64decode(line.split(" ")[2])
    assert len(blob) == 4 + 8 + 64 and blob[4:12] == TIME.to_bytes(8, "big")
    WITNESS_KEY.verify_key.verify(f"cosignature/v1\ntime {TIME}\n".encode() + body.encode(), blob[12:])


def test_vkey_round_trip_and_format() -> None:
    vkey = witness_vkey(WITNESS, WITNESS_KEY.verify_key)
    public = bytes(WITNESS_KEY.verify_key)
    encoded = base64.b64encode(b"\x04" + public).decode()
    assert vkey == f"{WITNESS}+{spec_key_id(WITNESS, public).hex()}+{encoded}"
    name, key = parse_witness_vkey(vkey)
    assert name == WITNESS and bytes(key) == public


@pytest.mark.parametrize(
    "mangle, message",
    [
        (lambda v: v.replace("+", ""), "3 '\\+'-separated fields"),
        (lambda v: v.split("+", 2)[0] + "+00000000+" + v.split("+", 2)[2], "witness vkey id: expected"),
        (lambda v: "+".join(v.split("+", 2)[:2] + [base64.b64encode(b"\x01" + bytes(32)).decode()]), "0x04"),
    ],
)
def test_bad_vkeys_are_rejected(mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CheckpointFormatError, match=message):
        parse_witness_vkey(mangle(witness_vkey(WITNESS, WITNESS_KEY.verify_key)))


def test_verify_cosignatures_returns_timestamps_and_ignores_unknown_witnesses() -> None:
    lines = [spec_line(CHECKPOINT.body(), WITNESS, WITNESS_KEY, TIME),
             spec_line(CHECKPOINT.body(), "other.example", OTHER_KEY, TIME + 1)]
    note = append_cosignatures(NOTE, lines)
    assert verify_cosignatures(note, {WITNESS: WITNESS_KEY.verify_key}) == {WITNESS: TIME}
    both = {WITNESS: WITNESS_KEY.verify_key, "other.example": OTHER_KEY.verify_key}
    assert verify_cosignatures(note, both) == {WITNESS: TIME, "other.example": TIME + 1}
    assert verify_cosignatures(NOTE, both) == {}


def test_note_with_cosignatures_still_parses_and_verifies_as_a_checkpoint() -> None:
    """signed-note: verifiers ignore lines of unknown keys, whatever their length (4+72 bytes here)."""
    note = append_cosignatures(NOTE, [cosign(CHECKPOINT.body(), WITNESS, WITNESS_KEY, TIME)])
    parsed = SignedCheckpoint.from_text(note)
    assert [len(s.signature) for s in parsed.signatures] == [64, 72]
    assert parsed.verify({ORIGIN: LOG_KEY.verify_key}) == CHECKPOINT


def test_bad_cosignature_by_a_known_witness_raises() -> None:
    forged = spec_line(CHECKPOINT.body(), WITNESS, WITNESS_KEY, TIME)
    blob = bytearray(base64.b64decode(forged.split(" ")[2]))
    blob[11] ^= 1  # another timestamp than the one signed
    note = append_cosignatures(NOTE, [f"\u2014 {WITNESS} {base64.b64encode(bytes(blob)).decode()}"])
    with pytest.raises(CosignatureError, match="does not verify"):
        verify_cosignatures(note, {WITNESS: WITNESS_KEY.verify_key})


def test_cosignature_of_the_wrong_length_by_a_known_witness_raises() -> None:
    blob = spec_key_id(WITNESS, bytes(WITNESS_KEY.verify_key)) + bytes(64)
    note = append_cosignatures(NOTE, [f"\u2014 {WITNESS} {base64.b64encode(blob).decode()}"])
    with pytest.raises(CosignatureError, match="expected 76 bytes, found 68"):
        verify_cosignatures(note, {WITNESS: WITNESS_KEY.verify_key})


def test_a_log_signature_is_not_a_cosignature() -> None:
    """Same name and key under 0x01 has another key id, so it is ignored, not mistaken for a cosignature."""
    note = sign_checkpoint(CHECKPOINT, WITNESS, WITNESS_KEY).to_text()
    assert verify_cosignatures(note, {WITNESS: VerifyKey(bytes(WITNESS_KEY.verify_key))}) == {}
