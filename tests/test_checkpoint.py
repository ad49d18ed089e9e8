"""Tests for ledger.checkpoint: C2SP tlog-checkpoint bodies and Ed25519 signed-notes."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import pytest
from nacl.signing import SigningKey

from ledger.checkpoint import (
    Checkpoint,
    NoteSignature,
    SignedCheckpoint,
    key_id,
    parse_vkey,
    sign_checkpoint,
    vkey_string,
)
from ledger.verification_errors import (
    CheckpointFormatError,
    CheckpointSignatureError,
    VerificationError,
)

NAME = "ledger.example.gov.cn/credit"
OTHER = "witness.example.org"
KEY = SigningKey(bytes(range(32)))
OTHER_KEY = SigningKey(bytes(range(1, 33)))
ROOT = hashlib.sha256(b"root").digest()
CHECKPOINT = Checkpoint(NAME, 1234, ROOT)
KNOWN = {NAME: KEY.verify_key}


def signed_text() -> str:
    """The signed note of CHECKPOINT by KEY."""
    return sign_checkpoint(CHECKPOINT, NAME, KEY).to_text()


def test_round_trip_sign_text_parse_verify() -> None:
    text = signed_text()
    parsed = SignedCheckpoint.from_text(text)
    assert parsed.to_text() == text
    assert parsed.verify(KNOWN) == CHECKPOINT


def test_exact_text_layout() -> None:
    signed = sign_checkpoint(CHECKPOINT, NAME, KEY)
    signature = KEY.sign(CHECKPOINT.body().encode()).signature
    blob = base64.b64encode(key_id(NAME, KEY.verify_key) + signature).decode()
    assert signed.to_text().split("\n") == [
        NAME,
        "1234",
        base64.b64encode(ROOT).decode(),
        "",
        f"\u2014 {NAME} {blob}",
        "",
    ]
    assert signed.signatures[0].signature == signature


def test_body_with_extensions_round_trips() -> None:
    checkpoint = Checkpoint(NAME, 0, ROOT, ("ext one", "ext-two"))
    assert checkpoint.body().endswith("\next one\next-two\n")
    assert Checkpoint.from_body(checkpoint.body()) == checkpoint


def test_key_id_known_answer() -> None:
    public = bytes(KEY.verify_key)
    expected = hashlib.sha256(NAME.encode() + b"\x0a" + b"\x01" + public).digest()[:4]
    assert key_id(NAME, KEY.verify_key) == expected
    encoded = base64.b64encode(b"\x01" + public).decode()
    assert "+" in encoded  # base64 may contain "+": parse_vkey must split only twice
    vkey = vkey_string(NAME, KEY.verify_key)
    assert vkey == f"{NAME}+{expected.hex()}+{encoded}"
    assert parse_vkey(vkey) == (NAME, KEY.verify_key)


@pytest.mark.parametrize(
    "vkey, message",
    [
        ("name+00000000", r"expected 3 '\+'-separated fields"),
        ("na me+00000000+AQ==", "verifier key name"),
        ("name+0000000G+AQ==", "expected 8 lowercase hex digits"),
        ("name+00000000+AQ==", "expected 0x01 followed by 32 bytes, found 1 bytes"),
        ("name+00000000+" + base64.b64encode(b"\x01" + bytes(32)).decode(), "verifier key id"),
    ],
)
def test_parse_vkey_rejects(vkey: str, message: str) -> None:
    with pytest.raises(CheckpointFormatError, match=message):
        parse_vkey(vkey)


# --- tampering: one field at a time ---------------------------------------------------------------


def _replace_line(number: int, new: str) -> Callable[[str], str]:
    """Return a tamper function replacing line `number` (0-based) of the note."""

    def tamper(text: str) -> str:
        lines = text.split("\n")
        lines[number] = new
        return "\n".join(lines)

    return tamper


def _flip_signature_byte(text: str) -> str:
    """Flip one bit in the last signature byte, keeping the base64 canonical."""
    body, line = text[:-1].rsplit("\n", 1)
    prefix, blob = line.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 0x01
    return f"{body}\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


SIGNATURE_TAMPERS = {
    "origin": (_replace_line(0, "evil.example/log"), "does not verify"),
    "size": (_replace_line(1, "1235"), "does not verify"),
    "root": (_replace_line(2, base64.b64encode(bytes(32)).decode()), "does not verify"),
    "signature-byte": (_flip_signature_byte, "does not verify"),
    "key-name": (
        lambda t: t.replace(f"\u2014 {NAME} ", f"\u2014 {OTHER} "),
        "no verified signature",
    ),
}


@pytest.mark.parametrize("field", sorted(SIGNATURE_TAMPERS))
def test_tampered_field_fails_signature_check(field: str) -> None:
    tamper, message = SIGNATURE_TAMPERS[field]
    note = SignedCheckpoint.from_text(tamper(signed_text()))
    with pytest.raises(CheckpointSignatureError, match=message):
        note.verify(KNOWN)


FORMAT_TAMPERS = {
    "missing-blank-line": (lambda t: t.replace("\n\n", "\n"), "expected a blank line"),
    "trailing-garbage": (lambda t: t + "garbage", "expected text ending in a newline"),
    "trailing-garbage-line": (lambda t: t + "garbage\n", "signature line 2"),
    "no-signatures": (lambda t: t.split("\n\n")[0] + "\n\n", "expected 1..100 signature lines"),
    "bad-base64": (
        lambda t: t[:-3] + "!!\n",
        "signature line 1 signature: expected standard base64",
    ),
    "plain-dash": (lambda t: t.replace("\u2014", "-"), r"expected '\u2014 <name> <base64>'"),
    "size-leading-zero": (_replace_line(1, "01234"), "checkpoint line 2 \\(size\\)"),
    "size-not-decimal": (_replace_line(1, "+1234"), "checkpoint line 2 \\(size\\)"),
    "root-short": (
        _replace_line(2, "AAAA"),
        "checkpoint line 3 \\(root hash\\): expected 32 bytes",
    ),
    "root-not-base64": (_replace_line(2, "not base64!"), "checkpoint line 3 \\(root hash\\)"),
    "origin-empty": (_replace_line(0, ""), "checkpoint line 1 \\(origin\\)"),
    "origin-space": (_replace_line(0, "a log"), "checkpoint line 1 \\(origin\\)"),
    "control-char": (_replace_line(0, "log\r"), "expected no control characters"),
    "too-few-lines": (lambda t: t.split("\n", 1)[1], "too few lines|checkpoint line"),
}


@pytest.mark.parametrize("case", sorted(FORMAT_TAMPERS))
def test_malformed_note_is_rejected(case: str) -> None:
    tamper, message = FORMAT_TAMPERS[case]
    with pytest.raises(CheckpointFormatError, match=message) as caught:
        SignedCheckpoint.from_text(tamper(signed_text()))
    assert isinstance(caught.value, VerificationError)


def test_wrong_size_signature_by_known_key() -> None:
    signature = sign_checkpoint(CHECKPOINT, NAME, KEY).signatures[0]
    short = NoteSignature(NAME, signature.key_id, signature.signature[:-1])
    with pytest.raises(CheckpointSignatureError, match="expected 64 bytes, found 63"):
        SignedCheckpoint(CHECKPOINT, (short,)).verify(KNOWN)


# --- known and unknown keys -----------------------------------------------------------------------


def test_note_signed_only_by_unknown_key_is_rejected() -> None:
    note = sign_checkpoint(CHECKPOINT, OTHER, OTHER_KEY)
    with pytest.raises(CheckpointSignatureError, match="no verified signature by a known key"):
        note.verify(KNOWN)


def test_known_name_with_other_key_id_is_ignored() -> None:
    note = sign_checkpoint(CHECKPOINT, NAME, OTHER_KEY)
    with pytest.raises(CheckpointSignatureError, match="no verified signature by a known key"):
        note.verify(KNOWN)


def test_second_signature_by_unknown_key_is_ignored() -> None:
    ours = sign_checkpoint(CHECKPOINT, NAME, KEY).signatures
    theirs = sign_checkpoint(CHECKPOINT, OTHER, OTHER_KEY).signatures
    text = SignedCheckpoint(CHECKPOINT, ours + theirs).to_text()
    assert SignedCheckpoint.from_text(text).verify(KNOWN) == CHECKPOINT
    both = {NAME: KEY.verify_key, OTHER: OTHER_KEY.verify_key}
    assert SignedCheckpoint.from_text(text).verify(both) == CHECKPOINT


def test_bad_signature_by_second_known_key_fails() -> None:
    ours = sign_checkpoint(CHECKPOINT, NAME, KEY).signatures
    forged = NoteSignature(OTHER, key_id(OTHER, OTHER_KEY.verify_key), bytes(64))
    both = {NAME: KEY.verify_key, OTHER: OTHER_KEY.verify_key}
    with pytest.raises(CheckpointSignatureError, match=f"signature by {OTHER} .* does not verify"):
        SignedCheckpoint(CHECKPOINT, (*ours, forged)).verify(both)


def test_duplicate_signature_by_known_key_is_rejected() -> None:
    ours = sign_checkpoint(CHECKPOINT, NAME, KEY).signatures
    with pytest.raises(CheckpointFormatError, match="expected one signature by"):
        SignedCheckpoint(CHECKPOINT, ours + ours).verify(KNOWN)


# --- values are validated on construction ---------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"origin": ""}, "line 1 \\(origin\\)"),
        ({"size": -1}, "line 2 \\(size\\): expected 0..2\\^64-1, found -1"),
        ({"root_hash": b"short"}, "line 3 \\(root hash\\): expected 32 bytes, found 5"),
        ({"extensions": ("",)}, "line 4 \\(extension\\)"),
        ({"extensions": ("a\nb",)}, "line 4 \\(extension\\)"),
    ],
)
def test_checkpoint_rejects_invalid_fields(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"origin": NAME, "size": 1, "root_hash": ROOT, **kwargs}
    with pytest.raises(CheckpointFormatError, match=message):
        Checkpoint(**fields)  # type: ignore[arg-type]


def test_no_private_key_material_in_reprs_or_errors() -> None:
    seed_forms = (bytes(KEY).hex(), base64.b64encode(bytes(KEY)).decode(), repr(bytes(KEY)))
    note = sign_checkpoint(CHECKPOINT, NAME, KEY)
    with pytest.raises(CheckpointFormatError) as caught:
        sign_checkpoint(CHECKPOINT, "bad name", KEY)
    for text in (repr(note), note.to_text(), str(caught.value)):
        assert not any(form in text for form in seed_forms)
