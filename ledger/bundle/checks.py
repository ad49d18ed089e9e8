"""The content checks of a court bundle: keys, signatures, proofs, profiles, state and report (stdlib + PyNaCl)."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Sequence

from ledger.bundle import layout
from ledger.bundle.contents import Contents, StoredEvent
from ledger.bundle.keyhistory import REGISTRY_TOPIC_PREFIX, KeyHistory
from ledger.bundle.proofs import Note, ProofFailure, b64, check_signature, leaf_hash, signing_message
from ledger.bundle.proofs import verify_consistency, verify_inclusion, verify_note


def root_key(c: Contents, pinned: bytes | None) -> bytes | None:
    """The root public key of keys/root.pub, checked against the one the user pinned, if any."""
    text = c.files.get(layout.ROOT_KEY)
    try:
        key = bytes.fromhex(text.decode().strip()) if text is not None else None
    except (UnicodeDecodeError, ValueError):
        key = None
    if key is None or len(key) != 32:
        c.fail("keys", layout.ROOT_KEY, "missing or not a 32-byte hex public key")
        return pinned
    if pinned is not None and key != pinned:
        c.fail("keys", layout.ROOT_KEY, f"root key {key.hex()[:16]}… is not the pinned root key {pinned.hex()[:16]}…")
        return pinned
    return key


def key_history(c: Contents, events: Sequence[StoredEvent], root: bytes | None) -> KeyHistory:
    """Fold the registry events that the root key signed; name every one it did not."""
    good = []
    for e in (e for e in events if e.kind == "key"):
        if not e.event.topic.startswith(REGISTRY_TOPIC_PREFIX):
            c.fail("keys", e.file, f"is not a key registry event (topic {e.event.topic})")
            continue
        genesis = e.event.fields.get("root_public_key") if e.event.name == "Started" else None
        if genesis is not None and root is not None and bytes.fromhex(genesis) != root:
            c.fail("keys", e.file, "the registry's genesis names a root key other than keys/root.pub")
            continue
        try:
            _verify(e, root or b"", "the root key")
        except ProofFailure as exc:
            c.fail("keys", e.file, str(exc))
            continue
        good.append(e.event)
    history = KeyHistory(good)
    if history.root_key_id is None:
        c.fail("keys", "keys/", "the key registry's genesis event (root key) is missing")
    return history


def _verify(e: StoredEvent, public_key: bytes, who: str) -> None:
    ev = e.event
    message = signing_message(ev.aggregate_id, ev.version, ev.topic, e.envelope)
    check_signature(public_key, message, e.envelope.signature,
                    f"{who} ({e.envelope.key_id}): payload, topic, version or signature altered")


def signatures(c: Contents, events: Sequence[StoredEvent], keys: KeyHistory) -> int:
    """Every subject and profile event signed by a key valid at its position, of the acting unit."""
    checked = 0
    for e in (e for e in events if e.kind != "key"):
        try:
            key = keys.valid_at(e.envelope.key_id, e.event.position)
            _verify(e, key.public_key, f"unit {key.unit}")
        except (ValueError, ProofFailure) as exc:
            c.fail("signatures", e.file, str(exc))
            continue
        actor = e.event.fields.get("actor_unit")
        if actor is not None and actor != key.unit:
            c.fail("signatures", e.file, f"says unit {actor} acted but is signed by a key of {key.unit}")
        checked += 1
    return checked


def checkpoints(c: Contents, meta: dict[str, Any], root: bytes | None) -> tuple[Note | None, Note | None]:
    """Both checkpoints signed by the root key under the log's name, and joined by the consistency proof."""
    notes = []
    for name, size_field in ((layout.COVERING, "covering_size"), (layout.LATEST, "latest_size")):
        try:
            note = verify_note(c.files[name].decode("utf-8"), root or b"")
            if note.origin != meta.get("origin") or note.size != meta.get(size_field):
                raise ProofFailure(f"is checkpoint {note.origin} size {note.size}, bundle.json says "
                                   f"{meta.get('origin')} size {meta.get(size_field)}")
            notes.append(note)
        except (KeyError, UnicodeDecodeError, ProofFailure) as exc:
            c.fail("checkpoints", name, "missing" if isinstance(exc, KeyError) else str(exc))
            notes.append(None)
    covering, latest = notes
    proof = c.json("checkpoints", layout.CONSISTENCY)
    if covering and latest and proof is not None:
        try:
            if (proof["old_size"], proof["new_size"]) != (covering.size, latest.size):
                raise ProofFailure(f"joins sizes {proof['old_size']}→{proof['new_size']}, not "
                                   f"{covering.size}→{latest.size}")
            hashes = [b64(p, "proof hash") for p in proof["proof"]]
            verify_consistency(covering.size, latest.size, covering.root, latest.root, hashes)
        except (KeyError, TypeError, ProofFailure) as exc:
            c.fail("checkpoints", layout.CONSISTENCY, str(exc))
    return covering, latest


def inclusion(c: Contents, events: Sequence[StoredEvent], covering: Note | None) -> int:
    """Every event's leaf is in the covering checkpoint's tree."""
    proved = 0
    for e in events:
        name = layout.proof_file(e.event.position)
        proof = c.json("inclusion", name)
        if proof is None or covering is None:
            continue
        ev = e.event
        try:
            if proof["position"] != ev.position or proof["tree_size"] != covering.size:
                raise ProofFailure(f"is for position {proof['position']} in size {proof['tree_size']}, not "
                                   f"{ev.position} in the checkpoint's {covering.size}")
            leaf = leaf_hash(ev.aggregate_id, ev.version, ev.topic, e.state)
            verify_inclusion(leaf, ev.position, covering.size, [b64(p, "proof hash") for p in proof["proof"]],
                             covering.root)
            proved += 1
        except (KeyError, TypeError, ProofFailure) as exc:
            c.fail("inclusion", name, f"{exc} (for {e.file})")
    return proved


def profiles(c: Contents, events: Sequence[StoredEvent]) -> list[dict[str, Any]]:
    """Each profile version a decision cites is in the bundle, with the cited content hash."""
    published = {(e.event.fields.get("profile_id"), e.event.fields.get("version")): e
                 for e in events if e.kind == "profile"}
    rows, seen = [], set()
    for e in (e for e in events if e.kind == "subject" and "policy_id" in e.event.fields):
        f = e.event.fields
        cited = (f["policy_id"], f["policy_version"])
        p = published.get(cited)
        if p is None:
            c.fail("profiles", e.file, f"cites profile {cited[0]} v{cited[1]}, which the bundle does not hold")
        elif p.event.fields.get("content_hash") != f["policy_hash"]:
            c.fail("profiles", p.file, f"has content hash {str(p.event.fields.get('content_hash'))[:16]}…, "
                                       f"{e.file} cites {f['policy_hash'][:16]}…")
        elif cited not in seen:
            seen.add(cited)
            rows.append(_profile_row(c, p))
    return rows


def _profile_row(c: Contents, p: StoredEvent) -> dict[str, Any]:
    f = p.event.fields
    canonical = json.dumps(f.get("content"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != f.get("content_hash"):
        c.fail("profiles", p.file, "content does not match its content hash (NT-PCI-37)")
    return {"profile_id": f.get("profile_id"), "version": f.get("version"), "effective_date": f.get("effective_date"),
            "content_hash": f.get("content_hash"), "file": p.file}


def completeness(c: Contents, events: Sequence[StoredEvent], subject_id: str) -> None:
    """Each aggregate's versions run 1..n without a gap; every item filed on the subject is present."""
    versions: dict[str, list[int]] = {}
    for e in (e for e in events if e.kind == "subject"):
        versions.setdefault(e.event.aggregate_id, []).append(e.event.version)
    for aggregate, found in versions.items():
        if sorted(found) != list(range(1, len(found) + 1)):
            c.fail("completeness", layout.EVENTS, f"aggregate {aggregate} has versions {sorted(found)}, not 1..n")
    filed = [e.event.fields.get("item_id") for e in events
             if e.kind == "subject" and e.event.aggregate_id == subject_id and e.event.name == "ItemFiled"]
    for item in filed:
        if item not in versions:
            c.fail("completeness", layout.EVENTS, f"item {item} filed on the subject has no event in the bundle")
