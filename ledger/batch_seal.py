"""Sealing at commit time: the saves of one group commit signed by the same key share ONE signature.

A save reaches the recorder unsealed, with its signer (`Save`). The group-commit leader seals all the saves of
its batch that one key signs as one envelope batch (`seal_events`: one Ed25519 signature over the Merkle root
of their leaves, each event carrying its path), then stores them save by save as before. Each event still
verifies on its own (its leaf, its path, the shared signature), so a save refused at insert (a lost version
race) takes nothing from the others: their paths lead to a root that was signed, whatever is stored beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from eventsourcing.persistence import StoredEvent

from ledger.envelope import SealedEvent, seal_events
from ledger.keys import Signer


@dataclass
class Save:
    """One caller's save as the recorder receives it: its events, unsealed when a signer is given."""

    events: Sequence[StoredEvent]
    known: int | None  # the key-registry version the signer was chosen under (re-checked at insert)
    signer: Signer | None = None  # None: the events are sealed already
    sealed: list[SealedEvent] = field(default_factory=list)  # filled at commit: what was stored


def seal_saves(saves: Sequence[Save]) -> list[tuple[Sequence[Any], int | None]]:
    """Each save's sealed events and registry version, in order; one signature per signing key of the batch."""
    by_key: dict[str, list[Save]] = {}
    for save in saves:
        if save.signer is not None and save.events:
            by_key.setdefault(save.signer.key_id, []).append(save)
    for group in by_key.values():
        signer = group[0].signer
        assert signer is not None
        parts = [(e.originator_id, e.originator_version, e.topic, e.state) for save in group for e in save.events]
        sealed = seal_events(parts, signer.key_id, signer.sign)
        start = 0
        for save in group:
            save.sealed = sealed[start:start + len(save.events)]
            start += len(save.events)
    return [(save.sealed if save.signer is not None else save.events, save.known) for save in saves]
