"""NT-PCI-37: any change to any file of a court bundle fails, naming the file and the reason.

Each tamper re-hashes the manifest (a careful forger), so the deeper check has to catch it.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from bundle.scenario import EXPORTER, build
from bundle.tamper import file_of, index, read, rewrite
from ledger_support.backends import sqlite_settings

from ledger.bundle import layout
from ledger.bundle.verify import BundleReport, verify_bundle
from ledger.cli import main
from projections.bundle.export import export_bundle


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One exported, valid bundle (SQLite), shared by the tamper tests."""
    folder = tmp_path_factory.mktemp("bundle")
    s = build(sqlite_settings(folder))
    out = export_bundle(s.app, None, s.subject_id, folder / "bundle.zip", valid_at=[], unit=EXPORTER)
    s.app.close()
    assert verify_bundle(out).ok
    return out


def _fails(report: BundleReport, file: str, *words: str) -> None:
    assert not report.ok
    hits = [f for f in report.findings if f.file == file and all(w in f.reason for w in words)]
    assert hits, f"no finding on {file} with {words}: {[str(f) for f in report.findings]}"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(f)) for f in report.findings)  # 中文 and English
    assert f"{file}: " in report.text() and "NOT VALID" in report.text()


def _flip(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


def test_tampered_event_payload_fails_its_signature(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "DishonestyRecord.Recorded")
    bad = rewrite(original, tmp_path / "t.zip", {name: lambda d: _flip(d, b'"serious"', b'"general"')})
    report = verify_bundle(bad)
    _fails(report, name, "does not verify", "altered")
    _fails(report, layout.proof_file(int(name[7:15])), "root")  # the leaf changed too


def test_tampered_signature_fails(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "Subject.Registered")
    key_len = int.from_bytes(read(original)[name][4:6], "big")
    at = 6 + key_len + 10
    bad = rewrite(original, tmp_path / "t.zip", {name: lambda d: d[:at] + bytes([d[at] ^ 1]) + d[at + 1:]})
    _fails(verify_bundle(bad), name, "signature", "does not verify")


def test_tampered_inclusion_proof_fails(original: Path, tmp_path: Path) -> None:
    position = index(original)[-1]["position"]
    name = layout.proof_file(int(position))

    def edit(data: bytes) -> bytes:
        proof = json.loads(data)
        proof["proof"][0] = "A" * 43 + "="
        return layout.dumps(proof)
    _fails(verify_bundle(rewrite(original, tmp_path / "t.zip", {name: edit})), name, "root")


def test_tampered_checkpoint_fails_its_root_signature(original: Path, tmp_path: Path) -> None:
    def edit(data: bytes) -> bytes:
        origin, size, root, rest = data.decode().split("\n", 3)
        return "\n".join([origin, size, base64.b64encode(b"\x11" * 32).decode(), rest]).encode()
    bad = rewrite(original, tmp_path / "t.zip", {layout.COVERING: edit})
    _fails(verify_bundle(bad), layout.COVERING, "signature", "root key")


def test_tampered_key_fails_the_root_signature(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "KeyRegistry.KeyRegistered", kind="key")

    def edit(data: bytes) -> bytes:
        at = data.index(b'"public_key":"') + 14
        return data[:at] + (b"0" if data[at:at + 1] != b"0" else b"1") + data[at + 1:]
    _fails(verify_bundle(rewrite(original, tmp_path / "t.zip", {name: edit})), name, "root key", "does not verify")


def test_replaced_root_key_fails(original: Path, tmp_path: Path) -> None:
    bad = rewrite(original, tmp_path / "t.zip", {layout.ROOT_KEY: lambda d: b"11" * 32 + b"\n"})
    report = verify_bundle(bad)
    _fails(report, file_of(original, "KeyRegistry.Started", kind="key"), "root key other than")
    _fails(report, layout.COVERING, "not a checkpoint signed by the root key", "no verified signature")


def test_tampered_profile_fails(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "PublishedProfile.Published", kind="profile")
    bad = rewrite(original, tmp_path / "t.zip", {name: lambda d: _flip(d, b'"NT-PCI-30"', b'"NT-PCI-31"')})
    _fails(verify_bundle(bad), name, "does not verify")


def test_tampered_report_fails(original: Path, tmp_path: Path) -> None:
    bad = rewrite(original, tmp_path / "t.zip", {layout.REPORT: lambda d: _flip(d, "已认定".encode(), "已移出".encode())})
    _fails(verify_bundle(bad), layout.REPORT, "differs from the report the events give", "line")


def test_tampered_state_fails(original: Path, tmp_path: Path) -> None:
    bad = rewrite(original, tmp_path / "t.zip", {layout.STATE: lambda d: _flip(d, b'"confirmed"', b'"exited"')})
    _fails(verify_bundle(bad), layout.STATE, "stated as 'exited'", "'confirmed'")


def test_tampered_manifest_fails(original: Path, tmp_path: Path) -> None:
    def edit(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["files"][layout.REPORT]["sha256"] = "0" * 64
        return layout.dumps(manifest)
    bad = rewrite(original, tmp_path / "t.zip", {layout.MANIFEST: edit}, fix_manifest=False)
    _fails(verify_bundle(bad), layout.REPORT, "differs from the manifest", "manifest changed")
    reformatted = rewrite(original, tmp_path / "r.zip", {layout.MANIFEST: lambda d: json.dumps(json.loads(d)).encode()},
                          fix_manifest=False)
    _fails(verify_bundle(reformatted), layout.MANIFEST, "edited")


def test_removed_file_fails(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "ListEntry.Confirmed")
    _fails(verify_bundle(rewrite(original, tmp_path / "t.zip", {name: None})), name, "missing")
    unlisted = rewrite(original, tmp_path / "u.zip", {name: None}, fix_manifest=False)
    _fails(verify_bundle(unlisted), name, "listed in the manifest", "removed")


def test_removed_event_and_its_index_entry_break_completeness(original: Path, tmp_path: Path) -> None:
    name = file_of(original, "DishonestyRecord.Flagged")
    position = int(name[7:15])
    drop = {name: None, layout.proof_file(position): None,
            layout.EVENTS: lambda d: layout.dumps([e for e in json.loads(d) if e["file"] != name])}
    _fails(verify_bundle(rewrite(original, tmp_path / "t.zip", drop)), layout.EVENTS, "not 1..n")


def test_added_file_fails(original: Path, tmp_path: Path) -> None:
    extra = {"events/99999999.cle2": b"CLE2 forged"}
    _fails(verify_bundle(rewrite(original, tmp_path / "t.zip", {}, add=extra)), "events/99999999.cle2",
           "not part of a court bundle")
    _fails(verify_bundle(rewrite(original, tmp_path / "u.zip", {}, add=extra, fix_manifest=False)),
           "events/99999999.cle2", "not listed in the manifest")


def test_not_a_zip_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "junk.zip"
    path.write_bytes(b"not a zip")
    _fails(verify_bundle(path), str(path), "ZIP")


def test_cli_verify_bundle_exit_codes(original: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify-bundle", str(original)]) == 0
    assert "RESULT: VALID" in capsys.readouterr().out
    bad = rewrite(original, tmp_path / "t.zip", {layout.REPORT: lambda d: d + b"<!-- -->"})
    assert main(["verify-bundle", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "[FAIL]" in out and "report.html:" in out
    root = tmp_path / "root.pub"
    root.write_text(read(original)[layout.ROOT_KEY].decode())
    assert main(["verify-bundle", str(original), "--root-key", str(root)]) == 0
    root.write_text("22" * 32)
    assert main(["verify-bundle", str(original), "--root-key", str(root)]) == 1
    assert "is not the pinned root key" in capsys.readouterr().out
    copy = tmp_path / "copy.zip"
    shutil.copy(original, copy)
    assert verify_bundle(copy).ok
