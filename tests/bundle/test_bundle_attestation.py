"""The exporting unit's signed completeness statement, the access log, the key history up to the latest
checkpoint, and the as-of claims: what the log proves, what the unit attests, and how each fails.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from bundle.scenario import CREDIT, EXPORTER, TAX, build
from bundle.tamper import index, read, rewrite
from ledger_support.backends import sqlite_settings
from nacl.signing import SigningKey

from domain.actor import Actor
from domain.errors import RuleViolation
from ledger.bundle import attestation, layout
from ledger.bundle.verify import BundleReport, verify_bundle
from ledger.config import Settings
from ledger.envelope import unpack
from ledger.transparency import create_checkpoint
from projections.bundle.export import AccessRequest, export_bundle

ACCESS = AccessRequest(CREDIT, "法院调取 court request", "（2025）苏06民初2号 subpoena")


def _fails(report: BundleReport, file: str, check: str, *words: str) -> None:
    hits = [f for f in report.findings if f.file == file and f.check == check and all(w in str(f) for w in words)]
    assert hits, f"no {check} finding on {file} with {words}: {[str(f) for f in report.findings]}"
    assert "NOT VALID" in report.text()


def _without_latest_event(bundle: Path, out: Path, aggregate: str) -> Path:
    """Remove an aggregate's latest event, its proof and index entry, and re-hash the manifest."""
    last = max((e for e in index(bundle) if e["originator_id"] == aggregate), key=lambda e: e["originator_version"])
    drop = {str(last["file"]): None, layout.proof_file(int(last["position"])): None,
            layout.EVENTS: lambda d: layout.dumps([e for e in json.loads(d) if e["file"] != last["file"]])}
    return rewrite(bundle, out, drop)


def test_removed_latest_event_of_an_aggregate_fails_the_attestation(backend_settings: Settings, tmp_path: Path) -> None:
    s = build(backend_settings)
    good = export_bundle(s.app, None, s.subject_id, tmp_path / "good.zip", unit=EXPORTER)
    s.app.close()
    assert verify_bundle(good).ok
    report = verify_bundle(_without_latest_event(good, tmp_path / "cut.zip", str(s.record_id)))
    _fails(report, layout.ATTESTATION, "attestation", f"aggregate {s.record_id}", "left out", "有事件被删除")
    _fails(report, layout.ATTESTATION, "attestation", "events.json", "changed after signing")
    assert not [f for f in report.findings if f.check == "completeness"]  # versions 1..n-1 still run without a gap


def _resigned(bundle: Path, out: Path, key: SigningKey, key_id: str, edit=lambda st: st) -> Path:
    def sign(data: bytes) -> bytes:
        statement = edit(dict(json.loads(data)["statement"], key_id=key_id))
        signature = key.sign(attestation.message(statement)).signature
        return layout.dumps({"statement": statement, "signature": base64.b64encode(signature).decode()})
    return rewrite(bundle, out, {layout.ATTESTATION: sign})


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bundle exported through the service (registered read), after other reads of the subject."""
    folder = tmp_path_factory.mktemp("attested")
    s = build(sqlite_settings(folder))
    s.service.record_access(TAX, subject_id=s.subject_id, purpose="核查 check", basis="NT-PCI-37", channel="web",
                            what="subject status")
    export_bundle(s.app, s.service, s.subject_id, folder / "first.zip", access=ACCESS)
    create_checkpoint(s.app)  # covers every event about the subject ...
    s.app.register_key("nt-court-liaison")  # ... then a key is registered, covered only by the latest checkpoint
    out = export_bundle(s.app, None, s.subject_id, folder / "bundle.zip", unit=EXPORTER)
    s.app.close()
    return out


def test_an_unregistered_attesting_key_fails(exported: Path, tmp_path: Path) -> None:
    stranger = SigningKey.generate()
    forged = _resigned(exported, tmp_path / "f.zip", stranger, f"{EXPORTER}:{bytes(stranger.verify_key).hex()[:16]}")
    _fails(verify_bundle(forged), layout.ATTESTATION, "attestation", "not proven by the bundle's key history",
           "未登记")
    impostor = json.loads(read(exported)[layout.ATTESTATION])["statement"]["key_id"]
    same_id = _resigned(exported, tmp_path / "s.zip", stranger, impostor)
    _fails(verify_bundle(same_id), layout.ATTESTATION, "attestation", "does not verify", "签名验证失败")


def test_an_edited_attesting_key_or_log_size_fails(exported: Path, tmp_path: Path) -> None:
    wrong_unit = rewrite(exported, tmp_path / "u.zip", {layout.ATTESTATION: lambda d: d.replace(
        EXPORTER.encode(), b"nt-tax-bureau", 1)})
    _fails(verify_bundle(wrong_unit), layout.ATTESTATION, "attestation", "not proven by the bundle's key history")
    bigger = rewrite(exported, tmp_path / "b.zip", {layout.ATTESTATION: lambda d: layout.dumps(dict(
        json.loads(d), statement=dict(json.loads(d)["statement"], log_size=10**6)))})
    _fails(verify_bundle(bigger), layout.ATTESTATION, "attestation", "does not verify")


def test_ha_5_2_access_log_of_the_subject_is_in_the_bundle_and_the_report(exported: Path) -> None:
    files = read(exported)
    reads = [json.loads(unpack(files[str(e["file"])]).payload) for e in index(exported) if e["kind"] == "access"]
    channels = sorted(r["channel"] for r in reads)
    assert channels == ["export", "web"]  # the web read and the first export (the caller registers this one)
    html = files[layout.REPORT].decode()
    assert "查询记录 / Access log" in html and "核查 check" in html and "法院调取 court request" in html
    statement = json.loads(files[layout.ATTESTATION])["statement"]
    assert {a["kind"] for a in statement["aggregates"].values()} == {"subject", "access"}
    report = verify_bundle(exported)
    assert report.ok, report.text()
    assert f"Attested by unit {EXPORTER}" in report.text() and "Proven by the log" in report.text()
    assert "Attested by unit 南通市经信委（市信用办）" in html  # the report names the unit (issue 16.7)


def test_a_tampered_access_record_fails_its_signature(exported: Path, tmp_path: Path) -> None:
    name = next(str(e["file"]) for e in index(exported) if e["kind"] == "access")
    bad = rewrite(exported, tmp_path / "a.zip", {name: lambda d: d.replace("核查".encode(), "复核".encode(), 1)
                                                 if "核查".encode() in d else d.replace(b"court", b"COURT", 1)})
    _fails(verify_bundle(bad), name, "signatures", "does not verify", "签名验证失败")


def test_key_history_reaches_the_latest_checkpoint_with_proofs_in_it(exported: Path) -> None:
    files = read(exported)
    meta = json.loads(files[layout.BUNDLE])
    keys = [e for e in index(exported) if e["kind"] == "key"]
    assert any(b"nt-court-liaison:" in files[str(e["file"])] for e in keys)
    later = [e for e in keys if int(e["position"]) >= meta["covering_size"]]
    assert later and all(json.loads(files[layout.proof_file(int(e["position"]))])["tree_size"] == meta["latest_size"]
                         for e in later)
    assert max(int(e["position"]) for e in keys) < meta["latest_size"]


def test_as_of_claims_are_checked_against_the_event_times(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    moment = datetime.now().astimezone()
    good = export_bundle(s.app, None, s.subject_id, tmp_path / "m.zip", as_of=moment, unit=EXPORTER)
    s.app.close()
    assert verify_bundle(good).ok
    meta = json.loads(read(good)[layout.BUNDLE])
    first = min(int(e["position"]) for e in index(good) if e["kind"] == "subject")

    def claim(position: int, when: datetime):
        return lambda d: layout.dumps(dict(json.loads(d), as_of_position=position, as_of=when.isoformat()))
    earlier = rewrite(good, tmp_path / "e.zip", {layout.BUNDLE: claim(meta["as_of_position"],
                                                                      moment - timedelta(days=3650))})
    report = verify_bundle(earlier)
    _fails(report, layout.BUNDLE, "claims", "after the as-of moment", "晚于所称截至时点")
    _fails(report, layout.ATTESTATION, "attestation", "bundle.json", "changed after signing")
    too_early_position = rewrite(good, tmp_path / "p.zip", {layout.BUNDLE: claim(first - 1, moment)})
    _fails(verify_bundle(too_early_position), layout.BUNDLE, "claims", "not after the as-of moment")
    outside = rewrite(good, tmp_path / "o.zip", {layout.BUNDLE: claim(10**6, moment)})
    _fails(verify_bundle(outside), layout.BUNDLE, "claims", "not inside the attested log")


def test_ha_5_2_an_export_needs_an_attesting_unit_with_a_key(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    size = s.app.log.tree_size()
    with pytest.raises(RuleViolation) as missing:
        export_bundle(s.app, None, s.subject_id, tmp_path / "x.zip")
    assert (missing.value.rule_id, missing.value.field) == ("HA-5.2", "unit")
    with pytest.raises(Exception, match="no active key"):
        export_bundle(s.app, None, s.subject_id, tmp_path / "x.zip", access=AccessRequest(
            Actor("nt-unknown-unit", "x"), "p", "b"))
    assert not (tmp_path / "x.zip").exists() and s.app.log.tree_size() == size
    s.app.close()
