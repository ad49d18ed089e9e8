"""Check a court bundle offline: `verify_bundle(path)` (standard library and PyNaCl only).

Needs no database and no network; of the project it imports only `ledger.bundle`'s checking modules and
the ledger's stdlib-only trust modules (envelope, merkle, checkpoint, cosignature, keybook, verification_errors).
Each check names every file that fails and why, in Chinese and English; the state the bundle states is
re-derived from the events alone and the report re-rendered and compared byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from nacl.signing import VerifyKey

from ledger.bundle import attestation, checks, claims, layout, witnesses
from ledger.bundle.contents import Contents, Finding, StoredEvent, check_manifest, open_bundle, read_events
from ledger.bundle.names import from_profiles
from ledger.bundle.reducer import derive_state
from ledger.bundle.report import access_row, key_rows, render, timeline_row
from ledger.keybook import KeyBook

CHECKS = (
    ("archive", "档案可读 The archive can be read"),
    ("manifest", "清单 Manifest: every file present, unchanged (SHA-256), nothing added"),
    ("keys", "密钥历史 Key history: registry events signed by the pinned root key"),
    ("signatures", "签名 Signatures: each event signed by its acting unit's key, valid at that point in the log"),
    ("checkpoints", "检查点 Checkpoints signed by the root key; the older one is a prefix of the latest"),
    ("inclusion", "包含证明 Inclusion: each event is in the signed checkpoint's Merkle tree"),
    ("profiles", "政策版本 Policy versions cited by the decisions are included, hashes match"),
    ("completeness", "完整性 Each record's history is complete (no version missing)"),
    ("attestation", "导出声明 The exporting unit's signed statement: every event of these aggregates is here"),
    ("claims", "时点声明 The as-of moment and position agree with the event times"),
    ("events", "事件索引 Event index readable"),
    ("state", "状态 The stated state equals the state re-derived from the events"),
    ("report", "报告 report.html is exactly the report the events give"),
    ("witnesses", "见证 Cosignatures of the named witnesses verify; the quorum cosigned the latest checkpoint"),
)


@dataclass
class BundleReport:
    """What was checked, what holds, and every finding."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    root_fingerprint: str = ""
    vouching: list[str] = field(default_factory=list)
    witnessing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether everything holds."""
        return not self.findings

    def text(self) -> str:
        """A report a non-specialist can read."""
        lines = [f"核验证据包 Checking court bundle {self.path}"]
        if self.root_fingerprint:
            lines.append(f"根公钥指纹 Root key fingerprint: {self.root_fingerprint} "
                         "(compare with the fingerprint the credit office publishes)")
        for name, title in CHECKS:
            bad = [f for f in self.findings if f.check == name]
            lines.append(f"[{'FAIL' if bad else ' OK '}] {title}")
            lines += [f"       - {f}" for f in bad]
        lines += ["声明与证明 What is proven and what is attested:", *[f"  * {v}" for v in self.vouching]]
        lines += ["独立见证 Independent witnesses:", *[f"  * {w}" for w in self.witnessing]]
        lines.append(f"事件 {self.counts.get('events', 0)} events, {self.counts.get('signatures', 0)} signatures, "
                     f"{self.counts.get('proofs', 0)} inclusion proofs checked")
        lines.append("结论 RESULT: VALID — 证据包完整，报告成立 the bundle is intact and its report holds" if self.ok else
                     f"结论 RESULT: NOT VALID — 发现 {len(self.findings)} 个问题，请勿采信 "
                     f"{len(self.findings)} problem(s) above; do not rely on this bundle")
        return "\n".join(lines) + "\n"


def verify_bundle(path: str | Path, root_key: bytes | None = None, witnessed_by: Mapping[str, VerifyKey] | None = None,
                  quorum: int = 0) -> BundleReport:
    """Check everything in the bundle at `path`; `root_key` pins the root public key independently.

    `witnessed_by` (witness name → key) checks those witnesses' cosignatures; with `quorum` k the bundle is
    valid only if at least k of them validly cosigned the latest checkpoint, which all its proofs lead to.
    """
    c = open_bundle(path)
    report = BundleReport(str(path), c.findings)
    if not c.files:
        return report
    check_manifest(c)
    if c.files.get(layout.README) != layout.README_TEXT.encode("utf-8"):
        c.fail("manifest", layout.README, "differs from the standard text", "与标准说明文字不同")
    meta = c.json("manifest", layout.BUNDLE)
    meta = meta if isinstance(meta, dict) else {}
    events = read_events(c)
    _unexpected(c, events)
    root = checks.root_key(c, root_key)
    report.root_fingerprint = hashlib.sha256(root).hexdigest() if root else ""
    if root and meta.get("root_fingerprint") != report.root_fingerprint:
        c.fail("keys", layout.BUNDLE, "names another root key fingerprint than keys/root.pub",
               "所列根公钥指纹与 keys/root.pub 不同")
    keys = checks.key_history(c, events, root)
    report.counts = {"events": len(events), "signatures": checks.signatures(c, events, keys)}
    covering, latest = checks.checkpoints(c, meta, root)
    report.counts["proofs"] = checks.inclusion(c, events, covering, latest)
    profiles = checks.profiles(c, events)
    checks.completeness(c, events, str(meta.get("subject_id")))
    statement = attestation.check(c, events, keys, meta)
    claims.check_as_of(c, events, meta)
    report.vouching = claims.vouching(statement, meta)
    carried = witnesses.carried(c)
    checked = witnesses.check(c, witnessed_by or {}, quorum) if witnessed_by or quorum else None
    report.witnessing = witnesses.summary(carried, checked)
    state = _state(c, events, meta)
    if state is not None:
        _report(c, expected_report(meta, state, events, keys, profiles, statement, witnesses.report_rows(carried)))
    return report


def expected_report(meta: dict[str, Any], state: dict[str, Any], events: Sequence[StoredEvent], keys: KeyBook,
                    profiles: list[dict[str, Any]], statement: dict[str, Any] | None,
                    cosignatures: Sequence[Mapping[str, Any]] = ()) -> bytes | None:
    """The report the verified data gives (None if bundle.json lacks what it needs).

    Codes are named from the carried profiles; only keys that signed something in the bundle (an event, a
    checkpoint through the root key's registry events, or the completeness statement) are listed.
    """
    names = from_profiles(e.event.fields.get("content") for e in events if e.kind == "profile")
    timeline = [timeline_row(e.event.position, e.file, e.event.topic, e.event.fields, e.envelope.key_id, names)
                for e in events if e.kind == "subject"]
    access = [access_row(e.event.position, e.event.fields) for e in events if e.kind == "access"]
    firsts: dict[str, Any] = {}
    for e in events:
        if e.kind == "subject":
            firsts.setdefault(e.event.aggregate_id, e.event.fields)
    signers = {e.envelope.key_id for e in events} | {str((statement or {}).get("key_id"))}
    try:
        return render(meta, state, timeline, key_rows(keys.records.values(), signers), profiles, access,
                      claims.vouching(statement, meta, names.of("units", (statement or {}).get("unit"))),
                      cosignatures, names, firsts)
    except (KeyError, TypeError, AttributeError):
        return None


def _unexpected(c: Contents, events: Sequence[StoredEvent]) -> None:
    """Name every file that is not part of the layout (even when the manifest lists it)."""
    known = {layout.MANIFEST, layout.README, layout.BUNDLE, layout.EVENTS, layout.STATE, layout.REPORT,
             layout.ROOT_KEY, layout.COVERING, layout.LATEST, layout.CONSISTENCY, layout.ATTESTATION}
    known |= {e.file for e in events} | {layout.proof_file(e.event.position) for e in events}
    for name in sorted(set(c.files) - known):
        c.fail("manifest", name, "is not part of a court bundle (added)", "不属于证据包的文件（被添加）")


def _state(c: Contents, events: Sequence[StoredEvent], meta: dict[str, Any]) -> dict[str, Any] | None:
    """Re-derive the state and compare it with state.json, naming each difference."""
    try:
        derived = derive_state([e.event for e in events if e.kind == "subject"], str(meta.get("subject_id")),
                               int(meta.get("as_of_position", -1)), list(meta.get("valid_at", [])))
    except (ValueError, KeyError, TypeError) as exc:
        c.fail("state", layout.EVENTS, f"the events do not give a state ({type(exc).__name__}: {exc})",
               "无法由事件重建状态")
        return None
    stated = c.json("state", layout.STATE)
    if stated is not None and stated != derived:
        for difference in _differences(stated, derived)[:10]:
            c.fail("state", layout.STATE, difference, "所述状态与由事件重建的状态不同")
    return derived


def _differences(stated: Any, derived: Any, where: str = "state") -> list[str]:
    if isinstance(stated, dict) and isinstance(derived, dict):
        return [d for k in sorted(set(stated) | set(derived), key=str)
                for d in _differences(stated.get(k), derived.get(k), f"{where}.{k}")]
    if isinstance(stated, list) and isinstance(derived, list) and len(stated) == len(derived):
        return [d for i, (s, v) in enumerate(zip(stated, derived)) for d in _differences(s, v, f"{where}[{i}]")]
    return [] if stated == derived else [f"{where} is stated as {stated!r:.60}, the events give {derived!r:.60}"]


def _report(c: Contents, expected: bytes | None) -> None:
    """Compare report.html with the report the verified data gives."""
    found = c.files.get(layout.REPORT)
    if expected is None:
        c.fail("report", layout.BUNDLE, "lacks what the report needs", "缺少生成报告所需的内容")
    elif found is None:
        c.fail("report", layout.REPORT, "missing from the bundle", "证据包中缺少报告")
    elif found != expected:
        c.fail("report", layout.REPORT, _first_difference(found, expected), "报告与由事件得出的报告不同")


def _first_difference(found: bytes, expected: bytes) -> str:
    old, new = found.decode("utf-8", "replace").splitlines(), expected.decode("utf-8").splitlines()
    for number, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return f"differs from the report the events give, at line {number}: found {a[:80]!r}, expected {b[:80]!r}"
    return f"differs from the report the events give: {len(old)} lines found, {len(new)} expected"
