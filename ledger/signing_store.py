"""Event store and mapper that sign every event on the way in and verify it on the way out."""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from eventsourcing.persistence import EventStore, Mapper, Notification, Recording, StoredEvent
from nacl.exceptions import BadSignatureError

from ledger.batch_seal import Save
from ledger.envelope import EnvelopeError, SealedEvent, seal_events, signed_message, unpack, verify_signature
from ledger.errors import SignatureInvalidError, SignerMismatchError, UnsignedSaveError
from ledger.keybook import KeyProblem, KeyRecord, event_time
from ledger.keys import Signer
from ledger.write_veto import check_write


class KeyResolver(Protocol):
    """Finds the public key record of a key id (refreshing from the registry when unknown)."""

    def key_record(self, key_id: str, topic: str) -> KeyRecord:
        """The record for `key_id`, or raise KeyProblem."""


def seal_stored_events(stored: Sequence[StoredEvent], signer: Signer) -> list[SealedEvent]:
    """Wrap a save's mapped events in envelopes under ONE signature over their batch root."""
    if not stored:
        return []
    return seal_events([(s.originator_id, s.originator_version, s.topic, s.state) for s in stored],
                       signer.key_id, signer.sign)


class VerifyingMapper(Mapper):
    """Mapper whose reads check the envelope signature and the signing key's validity."""

    resolver: KeyResolver

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        """Verify, then decode the payload."""
        where = f"event {stored_event.originator_id} v{stored_event.originator_version}"
        try:
            envelope = unpack(stored_event.state)
            record = self.resolver.key_record(envelope.key_id, stored_event.topic)
            message = signed_message(stored_event.originator_id, stored_event.originator_version,
                                     stored_event.topic, envelope)
            verify_signature(record.public_key, message, envelope.signature, envelope.batch_size)
        except (EnvelopeError, KeyProblem) as exc:
            raise SignatureInvalidError(f"{where}: {exc}") from None
        except BadSignatureError:
            raise SignatureInvalidError(f"{where}: signature by {envelope.key_id} does not verify") from None
        inner = StoredEvent(stored_event.originator_id, stored_event.originator_version,
                            stored_event.topic, envelope.payload)
        event = super().to_domain_event(inner)
        when = event_time(vars(event))
        if record.ended_at is not None and when is not None and when > record.ended_at:
            raise SignatureInvalidError(f"{where}: key {record.key_id} signed at {when.isoformat()}, after it "
                                        f"was {record.status} at {record.ended_at.isoformat()}")
        return event


class SigningEventStore(EventStore):
    """EventStore.put that refuses unsigned saves and seals each event with the signer's key."""

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list[Recording]:
        """Sign, then store, the events; return their recordings (unless the caller's context vetoes writes)."""
        check_write()
        signer: Signer | None = kwargs.pop("signer", None)
        if signer is None:
            raise UnsignedSaveError("refusing to store events without a signer (save_as(unit, ...))")
        for e in domain_events:
            actor = getattr(e, "actor_unit", None)
            if actor is not None and actor != signer.unit:
                raise SignerMismatchError(f"event {type(e).__qualname__} says unit {actor!r} acted, "
                                          f"but it would be signed by {signer.unit!r}")
        if getattr(self.recorder, "seals_at_commit", False):
            # the group commit seals this save with the others its key signs (ledger/batch_seal.py)
            save = Save([self.mapper.to_stored_event(e) for e in domain_events], kwargs.get("registry_version"),
                        signer)
            ids = self.recorder.insert_events(save.events, save=save, **kwargs) or []
            stored: Sequence[Any] = save.sealed
        else:
            stored = seal_stored_events([self.mapper.to_stored_event(e) for e in domain_events], signer)
            ids = self.recorder.insert_events(stored, **kwargs) or []
        return [Recording(d, Notification(id=n, originator_id=s.originator_id,
                                          originator_version=s.originator_version,
                                          topic=s.topic, state=s.state))
                for d, s, n in zip(domain_events, stored, ids, strict=True)]
