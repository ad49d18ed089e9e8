"""C2SP tlog-witness add-checkpoint over real HTTP: every status code, forks kept as evidence, restarts."""

from __future__ import annotations

import hashlib
import time

from nacl.signing import SigningKey
from spec_check import spec_verify
from witness_support import WITNESS_NAME, LedgerHistory, ServedWitness, raw_request, serve_witness

from ledger.checkpoint import Checkpoint, sign_checkpoint
from ledger.cosignature import verify_cosignatures
from ledger.witness.client import add_checkpoint_body

OTHER_ROOT = hashlib.sha256(b"another history").digest()


def body_of(note: str) -> str:
    """The checkpoint body of a signed note (text before the blank line, with its newline)."""
    return note.split("\n\n", 1)[0] + "\n"


def sizes(history: LedgerHistory) -> list[int]:
    return sorted(history.notes)


def advance(witness: ServedWitness, history: LedgerHistory, old: int, new: int) -> str:
    """Post a real growing checkpoint and require a 200; return the cosignature line."""
    status, _, text = witness.post(history.body(old, new))
    assert status == 200, text
    return text


def test_first_checkpoint_is_cosigned_with_spec_bytes(witness: ServedWitness, history: LedgerHistory) -> None:
    first = sizes(history)[0]
    before = int(time.time())
    status, content_type, text = witness.post(history.body(0, first))
    assert status == 200 and content_type.startswith("text/plain")
    assert text.endswith("\n") and text.count("\n") == 1
    public = bytes(witness.key.signing_key.verify_key)
    stamp = spec_verify(text.rstrip("\n"), body_of(history.notes[first]), WITNESS_NAME, public)
    assert before - 1 <= stamp <= int(time.time()) + 1


def test_growing_checkpoints_are_cosigned_and_readable(witness: ServedWitness, history: LedgerHistory) -> None:
    chain = sizes(history)[:5]
    old = 0
    for new in chain:
        advance(witness, history, old, new)
        old = new
    status, _, note = raw_request(witness.url, "GET", f"/checkpoint?origin={history.origin.replace('/', '%2F')}")
    assert status == 200
    assert note.startswith(history.notes[chain[-1]])  # the log's own note, then our line
    assert verify_cosignatures(note, {WITNESS_NAME: witness.key.signing_key.verify_key}).keys() == {WITNESS_NAME}
    assert witness.store.latest(history.origin).size == chain[-1]  # type: ignore[union-attr]
    assert witness.store.evidence() == []


def test_resubmitting_the_cosigned_checkpoint_is_cosigned_again(witness: ServedWitness,
                                                              history: LedgerHistory) -> None:
    first = sizes(history)[1]
    advance(witness, history, 0, first)
    advance(witness, history, first, first)
    assert witness.store.latest(history.origin).size == first  # type: ignore[union-attr]


def test_unknown_origin_is_404(witness: ServedWitness) -> None:
    key = SigningKey(bytes(32))
    note = sign_checkpoint(Checkpoint("other.example/log", 1, OTHER_ROOT), "other.example/log", key).to_text()
    status, _, text = witness.post(add_checkpoint_body(0, [], note))
    assert status == 404 and "unknown origin" in text
    assert witness.store.evidence() == []


def test_no_trusted_signature_is_403(witness: ServedWitness, history: LedgerHistory) -> None:
    first = sizes(history)[0]
    impostor = sign_checkpoint(Checkpoint.from_body(body_of(history.notes[first])), history.origin,
                               SigningKey(b"\x07" * 32)).to_text()
    status, _, text = witness.post(add_checkpoint_body(0, [], impostor))
    assert status == 403 and "trusted log key" in text
    real = history.notes[first]
    line = real.rstrip("\n").rsplit("\n", 1)[1]
    tampered = real.replace(line, line[:-6] + ("AAAAA=" if not line.endswith("AAAAA=") else "BBBBB="))
    assert witness.post(add_checkpoint_body(0, [], tampered))[0] in (400, 403)
    assert witness.store.latest(history.origin).size == 0 and witness.store.evidence() == []  # type: ignore


def test_old_larger_than_checkpoint_is_400_and_kept(witness: ServedWitness, history: LedgerHistory) -> None:
    first = sizes(history)[0]
    status, _, text = witness.post(add_checkpoint_body(first + 1, [], history.notes[first]))
    assert status == 400 and "larger than the checkpoint size" in text
    (row,) = witness.store.evidence()
    assert (row.old_size, row.new_size, row.note) == (first + 1, first, history.notes[first])


def test_stale_old_size_is_409_with_the_cosigned_size(witness: ServedWitness, history: LedgerHistory) -> None:
    s0, s1, s2 = sizes(history)[:3]
    advance(witness, history, 0, s1)
    status, content_type, text = witness.post(history.body(s0, s2))
    assert (status, content_type, text) == (409, "text/x.tlog.size", f"{s1}\n")
    status, _, _ = witness.post(history.body(0, s2))
    assert status == 409
    assert witness.store.latest(history.origin).size == s1  # type: ignore[union-attr]


def test_two_roots_at_one_size_second_refused_and_kept(witness: ServedWitness, history: LedgerHistory) -> None:
    s1 = sizes(history)[1]
    advance(witness, history, 0, s1)
    fork = history.forged(s1, OTHER_ROOT)
    status, content_type, text = witness.post(add_checkpoint_body(s1, [], fork))
    assert (status, content_type, text) == (409, "text/x.tlog.size", f"{s1}\n")
    (row,) = witness.store.evidence()
    assert (row.origin, row.old_size, row.new_size, row.root, row.note) == (history.origin, s1, s1, OTHER_ROOT, fork)
    assert "fork" in row.reason
    assert witness.store.latest(history.origin).root == Checkpoint.from_body(  # type: ignore[union-attr]
        body_of(history.notes[s1])).root_hash


def test_first_submission_of_a_fork_then_the_real_log(witness: ServedWitness, history: LedgerHistory) -> None:
    """Whichever branch comes first wins: the other one, though log-signed, is refused and kept."""
    s1, s3 = sizes(history)[1], sizes(history)[3]
    status, _, _ = witness.post(add_checkpoint_body(0, [], history.forged(s1, OTHER_ROOT)))
    assert status == 200
    status, _, text = witness.post(history.body(s1, s3))
    assert status == 422 and "consistency proof" in text
    assert [row.new_size for row in witness.store.evidence()] == [s3]


def test_bad_consistency_proof_is_422(witness: ServedWitness, history: LedgerHistory) -> None:
    s1, s4 = sizes(history)[1], sizes(history)[4]
    advance(witness, history, 0, s1)
    proof = history.proof(s1, s4)
    bad = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    status, _, text = witness.post(add_checkpoint_body(s1, bad, history.notes[s4]))
    assert status == 422, text
    status, _, _ = witness.post(add_checkpoint_body(s1, proof[:-1], history.notes[s4]))
    assert status == 422
    status, _, _ = witness.post(add_checkpoint_body(s1, proof, history.forged(s4, OTHER_ROOT)))
    assert status == 422
    assert len(witness.store.evidence()) == 3
    assert witness.store.latest(history.origin).size == s1  # type: ignore[union-attr]


def test_nonempty_proof_from_zero_is_422(witness: ServedWitness, history: LedgerHistory) -> None:
    s1 = sizes(history)[1]
    status, _, _ = witness.post(add_checkpoint_body(0, [OTHER_ROOT], history.notes[s1]))
    assert status == 422
    assert witness.store.latest(history.origin).size == 0  # type: ignore[union-attr]


def test_rollback_to_a_smaller_size_is_refused(witness: ServedWitness, history: LedgerHistory) -> None:
    s1, s3 = sizes(history)[1], sizes(history)[3]
    advance(witness, history, 0, s1)
    advance(witness, history, s1, s3)
    assert witness.post(add_checkpoint_body(s3, [], history.notes[s1]))[0] == 400
    assert witness.post(add_checkpoint_body(s1, [], history.notes[s1]))[:2] == (409, "text/x.tlog.size")
    assert witness.post(add_checkpoint_body(0, [], history.notes[s1]))[0] == 409
    assert witness.store.latest(history.origin).size == s3  # type: ignore[union-attr]
    assert len(witness.store.evidence()) == 3


def test_restart_keeps_state(witness: ServedWitness, history: LedgerHistory) -> None:
    s1, s2, s5 = sizes(history)[1], sizes(history)[2], sizes(history)[5]
    advance(witness, history, 0, s2)
    witness.stop()
    again = serve_witness(witness.db_url, witness.key)
    try:
        assert again.post(history.body(0, s1))[:3] == (409, "text/x.tlog.size", f"{s2}\n")
        assert again.post(history.body(s2, s5))[0] == 200
        assert again.store.latest(history.origin).size == s5  # type: ignore[union-attr]
    finally:
        again.stop()
    witness.store = again.store  # the fixture's stop() closes this one again, harmlessly


def test_read_endpoint_and_routing(witness: ServedWitness, history: LedgerHistory) -> None:
    assert raw_request(witness.url, "GET", "/checkpoint?origin=nobody.example")[0] == 404
    assert raw_request(witness.url, "GET", "/checkpoint")[0] == 400
    assert raw_request(witness.url, "GET", "/checkpoint?origin=a%00b")[0] == 400  # PostgreSQL text has no NUL
    assert raw_request(witness.url, "GET", "/checkpoint?origin=a&origin=b")[0] == 400
    assert raw_request(witness.url, "GET", "/checkpoint?origin=%ff%fe")[0] == 404
    origin = history.origin.replace("/", "%2F")
    assert raw_request(witness.url, "GET", f"/checkpoint?origin={origin}")[0] == 404  # nothing cosigned yet
    assert raw_request(witness.url, "GET", "/add-checkpoint")[0] == 405
    assert raw_request(witness.url, "POST", "/checkpoint", b"x")[0] == 405
    assert raw_request(witness.url, "GET", "/")[0] == 404
