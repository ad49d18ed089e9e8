"""The signed envelope and the two digests verify derives from every stored event (DESIGN §3)."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from ledger.envelope import (
    canonical_id,
    leaf_data,
    log_leaf_hash,
    seal_batch,
    signed_message,
    unpack,
    verification_hashes,
)
from ledger.merkle import leaf_hash

SIGNER = SigningKey.generate()
events = st.lists(st.tuples(st.uuids(), st.integers(1, 10**9), st.text(min_size=1, max_size=40),
                            st.binary(max_size=600)), min_size=1, max_size=13)


@settings(max_examples=60, deadline=None)
@given(events=events, key_id=st.text(min_size=1, max_size=30))
def test_verification_hashes_equal_the_leaf_and_the_signed_message_built_separately(events, key_id) -> None:
    """verify's combined fast path must give exactly the leaf the recorder stored and the message the
    signer signed, for saves of one event and of many (with audit paths); so must the append's inline leaf, and
    seal_batch's inline event encodings (the signature verifies over signed_message's bytes)."""
    states = seal_batch(events, key_id, lambda m: SIGNER.sign(m).signature)
    for (oid, version, topic, _), state in zip(events, states, strict=True):
        envelope = unpack(state)
        leaf, message = verification_hashes(canonical_id(oid), version, topic, state, envelope)
        assert leaf == leaf_hash(leaf_data(oid, version, topic, state))
        assert log_leaf_hash(canonical_id(oid), version, topic, state) == leaf  # the recorder's inline leaf
        assert message == signed_message(oid, version, topic, envelope)
        SIGNER.verify_key.verify(message, envelope.signature)


def test_a_different_event_gives_a_different_leaf_and_message() -> None:
    oid = uuid.uuid4()
    state = seal_batch([(oid, 1, "t.Created", b"{}")], "k:1", lambda m: SIGNER.sign(m).signature)[0]
    envelope = unpack(state)
    leaf, message = verification_hashes(oid.hex, 1, "t.Created", state, envelope)
    for other in ((oid.hex, 2, "t.Created"), (oid.hex, 1, "t.Changed"), (uuid.uuid4().hex, 1, "t.Created")):
        other_leaf, other_message = verification_hashes(*other, state, envelope)
        assert other_leaf != leaf and other_message != message
