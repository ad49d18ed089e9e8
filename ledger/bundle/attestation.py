"""The exporting unit's signed completeness statement (attestation.json) and its check (stdlib + PyNaCl).

The log proves that each included event is genuine; only the exporter can say that none was left
out. So the exporting unit signs, with its registered key, a canonical statement: "these are all
events of these aggregates (and these latest versions) up to log size N", together with the SHA-256
of events.json and of bundle.json (whose claims — as-of moment and position, valid-at dates — it
thereby attests). The checker verifies the signature with the key the bundle's key history proves.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any, Sequence

from ledger.bundle import layout
from ledger.bundle.checks import SIGNATURE_ERRORS, b64
from ledger.bundle.contents import Contents, StoredEvent
from ledger.envelope import verify_signature
from ledger.keybook import KeyBook, KeyProblem

DOMAIN = b"credit-ledger/court-bundle-attestation/v1\n"
ATTESTED_KINDS = ("subject", "access")
WORDING = ("本单位声明：本证据包包含下列各聚合在日志位置 N 之前的全部事件。"
           "The exporting unit states: this bundle holds every event of the listed aggregates "
           "at log positions below N.")


def message(statement: dict[str, Any]) -> bytes:
    """The exact bytes the unit signs: a domain tag and the canonical JSON of the statement."""
    return DOMAIN + json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def latest_versions(events: Sequence[tuple[str, str, int]]) -> dict[str, dict[str, Any]]:
    """{aggregate id: {kind, version}} of the attested kinds, from (kind, aggregate id, version) triples."""
    found: dict[str, dict[str, Any]] = {}
    for kind, aggregate_id, version in events:
        if kind in ATTESTED_KINDS and version > found.get(aggregate_id, {}).get("version", 0):
            found[aggregate_id] = {"kind": kind, "version": version}
    return found


def attest(files: dict[str, bytes], unit: str, key_id: str, sign: Callable[[bytes], bytes]) -> bytes:
    """attestation.json for the bundle's events.json and bundle.json, signed by `unit`'s key."""
    meta = json.loads(files[layout.BUNDLE])
    index = json.loads(files[layout.EVENTS])
    statement = {
        "statement": WORDING, "subject_id": meta["subject_id"], "log_size": meta["latest_size"], "unit": unit,
        "key_id": key_id, "events_sha256": layout.sha256(files[layout.EVENTS]),
        "bundle_sha256": layout.sha256(files[layout.BUNDLE]),
        "aggregates": latest_versions([(e["kind"], e["originator_id"], e["originator_version"]) for e in index]),
    }
    signature = base64.b64encode(sign(message(statement))).decode()
    return layout.dumps({"statement": statement, "signature": signature})


def check(c: Contents, events: Sequence[StoredEvent], keys: KeyBook, meta: dict[str, Any]) -> dict[str, Any] | None:
    """Verify the statement's signature and that the bundle holds exactly what it states; the statement if it holds."""
    name = layout.ATTESTATION
    doc = c.json("attestation", name)
    if doc is None:
        return None
    try:
        statement, signature = dict(doc["statement"]), b64(doc["signature"])
        key = keys.check_at_position(str(statement["key_id"]), int(statement["log_size"]))
        if key.unit != statement["unit"]:
            raise KeyProblem(f"key {key.key_id} belongs to {key.unit}, not to the attesting unit {statement['unit']}")
        verify_signature(key.public_key, message(statement), signature)
    except KeyProblem as exc:
        c.fail("attestation", name, f"the attesting key is not proven by the bundle's key history: {exc}",
               "声明所用密钥不能由证据包的密钥历史证明（未登记、已失效或不属于该单位）")
        return None
    except (KeyError, TypeError, *SIGNATURE_ERRORS) as exc:
        c.fail("attestation", name, f"the exporting unit's signature over the statement does not verify ({exc!r:.80})",
               "导出单位对声明的签名验证失败")
        return None
    _compare(c, statement, events, meta)
    return statement


def _compare(c: Contents, statement: dict[str, Any], events: Sequence[StoredEvent], meta: dict[str, Any]) -> None:
    """What the bundle holds equals what the unit signed: events.json, bundle.json, every aggregate's last version."""
    name = layout.ATTESTATION
    for field, member in (("events_sha256", layout.EVENTS), ("bundle_sha256", layout.BUNDLE)):
        if member in c.files and statement.get(field) != layout.sha256(c.files[member]):
            c.fail("attestation", name, f"attests another {member} than the bundle holds (changed after signing)",
                   f"所签声明针对的 {member} 与证据包中的不同（签名后被改动）")
    if statement.get("subject_id") != meta.get("subject_id") or statement.get("log_size") != meta.get("latest_size"):
        c.fail("attestation", name, "attests another subject or log size than bundle.json states",
               "所签声明的主体或日志规模与 bundle.json 不同")
    held = latest_versions([(e.kind, e.event.aggregate_id, e.event.version) for e in events])
    stated: dict[str, Any] = statement.get("aggregates") or {}
    for aggregate in sorted(set(held) | set(stated)):
        want, have = stated.get(aggregate, {}).get("version"), held.get(aggregate, {}).get("version")
        if want != have:
            c.fail("attestation", name, f"aggregate {aggregate}: the unit attests version {want}, the bundle holds "
                                        f"{have} (an event was left out or added)",
                   "某聚合的最新版本与所签声明不符（有事件被删除或添加）")
    size = statement.get("log_size", 0)
    late = [e.file for e in events if e.kind in ATTESTED_KINDS and e.event.position >= size]
    if late:
        c.fail("attestation", name, f"{late[0]} lies at or beyond the attested log size", "有事件位于所声明的日志位置之后")
