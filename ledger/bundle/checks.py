"""The content checks of a court bundle: keys, signatures, proofs, profiles, completeness (stdlib + PyNaCl).

The cryptography is the ledger's own stdlib-only code: `ledger.envelope` (signed events),
`ledger.merkle` (RFC 9162 proofs), `ledger.checkpoint` (C2SP signed notes), `ledger.keybook` (key history).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any, Sequence

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from ledger import merkle
from ledger.bundle import layout
from ledger.bundle.contents import Contents, StoredEvent
from ledger.checkpoint import Checkpoint, SignedCheckpoint
from ledger.envelope import EnvelopeError, leaf_data, signed_message, verify_signature
from ledger.keybook import REGISTRY_TOPIC_PREFIX, KeyBook, KeyProblem
from ledger.verification_errors import VerificationError

SIGNATURE_ERRORS = (BadSignatureError, EnvelopeError, ValueError, TypeError)


def b64(text: Any) -> bytes:
    """Strict standard base64 (ValueError if not)."""
    try:
        return base64.b64decode(str(text).encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError(f"{str(text)[:20]!r} is not base64") from None


def root_key(c: Contents, pinned: bytes | None) -> bytes | None:
    """The root public key of keys/root.pub, checked against the one the user pinned, if any."""
    text = c.files.get(layout.ROOT_KEY)
    try:
        key = bytes.fromhex(text.decode().strip()) if text is not None else None
    except (UnicodeDecodeError, ValueError):
        key = None
    if key is None or len(key) != 32:
        c.fail("keys", layout.ROOT_KEY, "missing or not a 32-byte hex public key", "缺失或不是 32 字节十六进制公钥")
        return pinned
    if pinned is not None and key != pinned:
        c.fail("keys", layout.ROOT_KEY, f"root key {key.hex()[:16]}… is not the pinned root key {pinned.hex()[:16]}…",
               "根公钥与用户指定的根公钥不同")
        return pinned
    return key


def verify_event(e: StoredEvent, public_key: bytes) -> None:
    """The save's signature over this event (re-derived from its batch path) verifies with `public_key`."""
    ev = e.event
    message = signed_message(ev.aggregate_id, ev.version, ev.topic, e.envelope)
    verify_signature(public_key, message, e.envelope.signature, e.envelope.batch_size)


def key_history(c: Contents, events: Sequence[StoredEvent], root: bytes | None) -> KeyBook:
    """Fold the registry events that the root key signed; name every one it did not."""
    book = KeyBook()
    for e in sorted((e for e in events if e.kind == "key"), key=lambda e: e.event.position):
        if not e.event.topic.startswith(REGISTRY_TOPIC_PREFIX):
            c.fail("keys", e.file, f"is not a key registry event (topic {e.event.topic})", "不是密钥登记事件")
            continue
        genesis = e.event.fields.get("root_public_key") if e.event.name == "Started" else None
        if genesis is not None and root is not None and bytes.fromhex(genesis) != root:
            c.fail("keys", e.file, "the registry's genesis names a root key other than keys/root.pub",
                   "密钥登记的创始事件所列根公钥与 keys/root.pub 不同")
            continue
        try:
            verify_event(e, root or b"")
        except SIGNATURE_ERRORS:
            c.fail("keys", e.file, f"signature by the root key ({e.envelope.key_id}) does not verify: payload, topic, "
                                   "version or signature altered", "根密钥签名验证失败：内容、类型、版本或签名被改动")
            continue
        book.apply(e.event.name, e.event.fields, e.event.position)
    if book.root_key_id is None:
        c.fail("keys", "keys/", "the key registry's genesis event (root key) is missing", "缺少密钥登记的创始事件（根公钥）")
    return book


def signatures(c: Contents, events: Sequence[StoredEvent], keys: KeyBook) -> int:
    """Every non-registry event signed by a key valid at its position, of the acting unit."""
    checked = 0
    for e in (e for e in events if e.kind != "key"):
        try:
            key = keys.check_at_position(e.envelope.key_id, e.event.position)
        except KeyProblem as exc:
            c.fail("signatures", e.file, str(exc), "签名密钥在该日志位置无效或未登记")
            continue
        try:
            verify_event(e, key.public_key)
        except SIGNATURE_ERRORS:
            c.fail("signatures", e.file, f"signature by unit {key.unit} ({key.key_id}) does not verify: payload, "
                                         "topic, version or signature altered", "单位签名验证失败：内容、类型、版本或签名被改动")
            continue
        actor = e.event.fields.get("actor_unit")
        if actor is not None and actor != key.unit:
            c.fail("signatures", e.file, f"says unit {actor} acted but is signed by a key of {key.unit}",
                   "所称行为单位与签名单位不符")
        checked += 1
    return checked


def _note(c: Contents, name: str, size: Any, meta: dict[str, Any], root: bytes | None) -> Checkpoint | None:
    """One checkpoint signed by the root key under the log's name, of the size bundle.json states."""
    try:
        signed = SignedCheckpoint.from_text(c.files[name].decode("utf-8"))
        origin = signed.checkpoint.origin
        note = signed.verify({origin: VerifyKey(root or bytes(32))})
    except KeyError:
        c.fail("checkpoints", name, "missing from the bundle", "证据包中缺少此检查点")
        return None
    except (UnicodeDecodeError, VerificationError, ValueError) as exc:
        c.fail("checkpoints", name, f"is not a checkpoint signed by the root key ({exc})", "检查点不是由根密钥签名")
        return None
    if note.origin != meta.get("origin") or note.size != size:
        c.fail("checkpoints", name, f"is checkpoint {note.origin} size {note.size}, bundle.json says "
                                    f"{meta.get('origin')} size {size}", "检查点与 bundle.json 所述不符")
        return None
    return note


def checkpoints(c: Contents, meta: dict[str, Any], root: bytes | None) -> tuple[Checkpoint | None, Checkpoint | None]:
    """Both checkpoints signed by the root key under the log's name, and joined by the consistency proof."""
    covering = _note(c, layout.COVERING, meta.get("covering_size"), meta, root)
    latest = _note(c, layout.LATEST, meta.get("latest_size"), meta, root)
    proof = c.json("checkpoints", layout.CONSISTENCY)
    if covering and latest and proof is not None:
        try:
            if (proof["old_size"], proof["new_size"]) != (covering.size, latest.size):
                raise ValueError(f"joins sizes {proof['old_size']}→{proof['new_size']}, not "
                                 f"{covering.size}→{latest.size}")
            merkle.verify_consistency(covering.size, latest.size, covering.root_hash, latest.root_hash,
                                      [b64(p) for p in proof["proof"]])
        except (KeyError, TypeError, ValueError, VerificationError) as exc:
            c.fail("checkpoints", layout.CONSISTENCY, f"consistency proof fails: {exc}",
                   "一致性证明不成立：旧检查点不是最新检查点的前缀")
    return covering, latest


def inclusion(c: Contents, events: Sequence[StoredEvent], covering: Checkpoint | None,
              latest: Checkpoint | None) -> int:
    """Every event's leaf is in the covering checkpoint's tree (key events after it: in the latest one's)."""
    trees = {cp.size: cp for cp in (covering, latest) if cp is not None}
    proved = 0
    for e in events:
        name = layout.proof_file(e.event.position)
        proof = c.json("inclusion", name)
        if proof is None or covering is None or latest is None:
            continue
        ev = e.event
        try:
            tree = trees.get(proof["tree_size"])
            if proof["position"] != ev.position or tree is None:
                raise ValueError(f"is for position {proof['position']} in size {proof['tree_size']}, not "
                                 f"{ev.position} in a checkpoint of the bundle ({sorted(trees)})")
            leaf = merkle.leaf_hash(leaf_data(ev.aggregate_id, ev.version, ev.topic, e.state))
            merkle.verify_inclusion(leaf, ev.position, tree.size, [b64(p) for p in proof["proof"]], tree.root_hash)
            proved += 1
        except (KeyError, TypeError, ValueError, VerificationError) as exc:
            c.fail("inclusion", name, f"inclusion proof fails: {exc} (for {e.file})",
                   "包含证明不成立：该事件不在已签名检查点的默克尔树中")
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
            c.fail("profiles", e.file, f"cites profile {cited[0]} v{cited[1]}, which the bundle does not hold",
                   "所引政策版本不在证据包中")
        elif p.event.fields.get("content_hash") != f["policy_hash"]:
            c.fail("profiles", p.file, f"has content hash {str(p.event.fields.get('content_hash'))[:16]}…, "
                                       f"{e.file} cites {f['policy_hash'][:16]}…", "政策内容哈希与决定所引不符")
        elif cited not in seen:
            seen.add(cited)
            rows.append(_profile_row(c, p))
    return rows


def _profile_row(c: Contents, p: StoredEvent) -> dict[str, Any]:
    f = p.event.fields
    canonical = json.dumps(f.get("content"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != f.get("content_hash"):
        c.fail("profiles", p.file, "content does not match its content hash (NT-PCI-37)", "政策内容与其内容哈希不符")
    return {"profile_id": f.get("profile_id"), "version": f.get("version"), "effective_date": f.get("effective_date"),
            "content_hash": f.get("content_hash"), "file": p.file}


def completeness(c: Contents, events: Sequence[StoredEvent], subject_id: str) -> None:
    """Each aggregate's versions run 1..n without a gap; every item filed on the subject is present."""
    versions: dict[str, list[int]] = {}
    for e in (e for e in events if e.kind in ("subject", "access")):
        versions.setdefault(e.event.aggregate_id, []).append(e.event.version)
    for aggregate, found in versions.items():
        if sorted(found) != list(range(1, len(found) + 1)):
            c.fail("completeness", layout.EVENTS, f"aggregate {aggregate} has versions {sorted(found)}, not 1..n",
                   "某记录的版本不连续（缺少事件）")
    filed = [e.event.fields.get("item_id") for e in events
             if e.kind == "subject" and e.event.aggregate_id == subject_id and e.event.name == "ItemFiled"]
    for item in filed:
        if item not in versions:
            c.fail("completeness", layout.EVENTS, f"item {item} filed on the subject has no event in the bundle",
                   "主体名下登记的事项在证据包中没有事件")
