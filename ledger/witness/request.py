"""Parsing of a C2SP tlog-witness add-checkpoint request body (https://c2sp.org/tlog-witness)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from ledger.checkpoint import SignedCheckpoint
from ledger.verification_errors import CheckpointFormatError

MAX_PROOF_LINES = 63
HASH_SIZE = 32
MAX_STORED_SIZE = 2**63 - 1  # both witness databases store sizes as signed 64-bit integers
_OLD_LINE = re.compile(r"old (0|[1-9][0-9]{0,19})")


class MalformedRequest(ValueError):
    """The request body breaks the add-checkpoint format (answered with 400)."""


@dataclass(frozen=True)
class AddCheckpoint:
    """One parsed add-checkpoint request: old size, consistency proof and the signed note."""

    old_size: int
    proof: tuple[bytes, ...]
    note_text: str
    note: SignedCheckpoint


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parse `old N`, up to 63 base64 proof lines, an empty line, then the signed checkpoint note."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("request body: expected UTF-8 text") from None
    head, separator, note_text = text.partition("\n\n")
    if not separator:
        raise MalformedRequest("request body: expected an empty line before the checkpoint note, found none")
    first, *proof_lines = head.split("\n")
    old_size = _parse_old(first)
    if len(proof_lines) > MAX_PROOF_LINES:
        raise MalformedRequest(
            f"consistency proof: expected at most {MAX_PROOF_LINES} lines, found {len(proof_lines)}"
        )
    proof = tuple(_parse_hash(line, n) for n, line in enumerate(proof_lines, start=1))
    try:
        note = SignedCheckpoint.from_text(note_text)
    except CheckpointFormatError as error:
        raise MalformedRequest(f"checkpoint note: {error}") from None
    if note.checkpoint.size > MAX_STORED_SIZE:
        raise MalformedRequest(f"checkpoint size: expected at most 2^63-1, found {note.checkpoint.size}")
    return AddCheckpoint(old_size, proof, note_text, note)


def _parse_old(line: str) -> int:
    """Parse the first line `old <decimal size>`."""
    match = _OLD_LINE.fullmatch(line)
    if match is None or int(match.group(1)) > MAX_STORED_SIZE:
        shown = line if len(line) <= 40 else line[:37] + "..."
        raise MalformedRequest(f"line 1: expected 'old <size>' (decimal, 0..2^63-1), found {shown!r}")
    return int(match.group(1))


def _parse_hash(line: str, number: int) -> bytes:
    """Parse one consistency proof line: canonical base64 of a 32-byte hash."""
    try:
        data = base64.b64decode(line.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise MalformedRequest(f"consistency proof line {number}: expected base64") from None
    if len(data) != HASH_SIZE or base64.b64encode(data).decode("ascii") != line:
        raise MalformedRequest(
            f"consistency proof line {number}: expected canonical base64 of {HASH_SIZE} bytes"
        )
    return data
