"""Malformed add-checkpoint requests over real HTTP: always 4xx, never 500, nothing persisted."""

from __future__ import annotations

import base64
import hashlib
import http.client
import random
import socket
from collections.abc import Callable

import pytest
from witness_support import LedgerHistory, ServedWitness

from ledger.checkpoint import Checkpoint, sign_checkpoint

HASH = base64.b64encode(hashlib.sha256(b"h").digest()).decode()


def first_note(history: LedgerHistory) -> str:
    return history.notes[min(history.notes)]


def request_text(history: LedgerHistory, head: str = "old 0\n") -> str:
    return head + "\n" + first_note(history)


MALFORMED: dict[str, tuple[Callable[[LedgerHistory], bytes], int]] = {
    "no empty line": (lambda h: ("old 0\n" + first_note(h)).encode(), 400),
    "64 proof lines": (lambda h: request_text(h, "old 0\n" + (HASH + "\n") * 64).encode(), 400),
    "bad base64 proof": (lambda h: request_text(h, "old 0\n" + "not*base64!\n").encode(), 400),
    "short proof hash": (lambda h: request_text(h, "old 0\n" + HASH[:-8] + "AAA=\n").encode(), 400),
    "wrong key name": (lambda h: request_text(h).replace(f"\u2014 {h.origin} ", "\u2014 other.example ").encode(),
                       403),
    "em dash missing": (lambda h: request_text(h).replace("\u2014 ", "-- ").encode(), 400),
    "no old line": (lambda h: request_text(h, "").encode(), 400),
    "old negative": (lambda h: request_text(h, "old -1\n").encode(), 400),
    "old leading zero": (lambda h: request_text(h, "old 01\n").encode(), 400),
    "old upper case": (lambda h: request_text(h, "OLD 0\n").encode(), 400),
    "old trailing space": (lambda h: request_text(h, "old 0 \n").encode(), 400),
    "old too large": (lambda h: request_text(h, f"old {2**64}\n").encode(), 400),
    "not utf-8": (lambda h: b"old 0\n\n\xff\xfe" + first_note(h).encode(), 400),
    "empty body": (lambda h: b"", 400),
    "only old": (lambda h: b"old 0\n", 400),
    "no signatures": (lambda h: request_text(h).split("\n\n")[0].encode() + b"\n\n" + b"", 400),
    "crlf": (lambda h: request_text(h).replace("\n", "\r\n").encode(), 400),
}


def nothing_persisted(witness: ServedWitness, history: LedgerHistory) -> None:
    state = witness.store.latest(history.origin)
    assert state is not None and (state.size, state.root, state.note) == (0, None, None)
    assert witness.store.evidence() == []


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_body_is_4xx_and_nothing_persisted(case: str, witness: ServedWitness,
                                                     history: LedgerHistory) -> None:
    make, expected = MALFORMED[case]
    status, _, text = witness.post(make(history))
    assert status == expected, text
    nothing_persisted(witness, history)


def send_head_then_read(witness: ServedWitness, head: bytes, body_chunks: list[bytes]) -> bytes:
    """Send request headers and as much body as the server takes, then read its answer."""
    with socket.create_connection(("127.0.0.1", witness.server.effective_port), timeout=30) as sock:  # type: ignore
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest, as it should
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
        return answer


def test_1mb_body_is_413_from_its_content_length(witness: ServedWitness, history: LedgerHistory) -> None:
    """The 413 comes after the headers alone: the server does not read the 1 MB body."""
    head = (b"POST /add-checkpoint HTTP/1.1\r\nHost: witness\r\nContent-Length: 1048576\r\n\r\n"
            + b"old 0\n\n")
    answer = send_head_then_read(witness, head, [])
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]
    nothing_persisted(witness, history)


def test_1mb_chunked_body_is_413(witness: ServedWitness, history: LedgerHistory) -> None:
    head = b"POST /add-checkpoint HTTP/1.1\r\nHost: witness\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
    answer = send_head_then_read(witness, head, [chunk] * 16 + [b"0\r\n\r\n"])
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:80]
    nothing_persisted(witness, history)


def test_missing_content_length_is_411(witness: ServedWitness, history: LedgerHistory) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", witness.server.effective_port, timeout=30)  # type: ignore
    conn.putrequest("POST", "/add-checkpoint")
    conn.endheaders()
    response = conn.getresponse()
    assert response.status == 411
    conn.close()
    nothing_persisted(witness, history)


def test_checkpoint_size_beyond_the_store_is_400(witness: ServedWitness, history: LedgerHistory) -> None:
    huge = sign_checkpoint(Checkpoint(history.origin, 2**63, hashlib.sha256(b"r").digest()), history.origin,
                           history.root_key).to_text()
    status, _, text = witness.post(("old 0\n\n" + huge).encode())
    assert status == 400 and "2^63-1" in text
    nothing_persisted(witness, history)


def test_random_mutations_never_500(witness: ServedWitness, history: LedgerHistory) -> None:
    """200 byte-level mutations of a valid request: never a 5xx, and a refusal stores no state."""
    valid = history.body(0, min(history.notes))
    rng = random.Random(1311)
    for _ in range(200):
        body = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        if bytes(body) == valid:
            continue  # a byte replaced by itself: not a mutation
        status, _, text = witness.post(bytes(body))
        assert 200 <= status < 500, text
        if status != 200:
            assert witness.store.latest(history.origin).size == 0  # type: ignore[union-attr]
