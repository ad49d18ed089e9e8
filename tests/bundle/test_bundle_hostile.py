"""Hostile bundles (issue 17.7): sizes are judged before anything is unpacked, so a zip bomb costs the court's
machine neither memory nor minutes; what is left packed is named with its reason, and the bundle is NOT VALID."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import pytest
from bundle.scenario import EXPORTER, build
from bundle.tamper import read
from ledger_support.backends import sqlite_settings

from ledger.bundle import layout
from ledger.bundle.verify import verify_bundle
from projections.bundle.export import export_bundle

BOMB_BYTES = 1907 * 1024 * 1024  # 2.0 GB of zeros (under the ZIP64 size): about 2 MB deflated
ZEROS = b"\0" * (1024 * 1024)
MEASURE = textwrap.dedent("""
    import resource, sys
    from ledger.bundle.verify import verify_bundle
    result = verify_bundle(sys.argv[1])
    print(result.ok, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    for finding in result.findings:
        print(finding.check, finding.file, finding.reason)
""")


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid bundle of the scenario's subject."""
    folder = tmp_path_factory.mktemp("hostile")
    s = build(sqlite_settings(folder))
    try:
        return export_bundle(s.app, None, s.subject_id, folder / "good.zip", valid_at=[date(2024, 6, 1)],
                             unit=EXPORTER)
    finally:
        s.app.close()


def _with_bomb(good: Path, out: Path, *, listed: bool) -> Path:
    """The good bundle plus 2 GB of zeros; `listed`: the manifest re-made to list it with its true hash."""
    files = read(good)
    digest = hashlib.sha256()
    for _ in range(BOMB_BYTES // len(ZEROS)):
        digest.update(ZEROS)
    if listed:
        manifest = json.loads(files[layout.MANIFEST])
        manifest["files"]["zeros.bin"] = {"sha256": digest.hexdigest(), "size": BOMB_BYTES}
        files[layout.MANIFEST] = layout.dumps(manifest)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        with archive.open("zeros.bin", "w") as member:
            for _ in range(BOMB_BYTES // len(ZEROS)):
                member.write(ZEROS)
    return out


def _measured(path: Path) -> tuple[bool, int, str]:
    """verify_bundle in its own process: (valid, peak RSS in MiB, findings)."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    first, *findings = done.stdout.splitlines()
    ok, rss = first.split()
    return ok == "True", int(rss), "\n".join(findings)


@pytest.mark.parametrize("listed", [False, True], ids=["added", "listed-by-a-forged-manifest"])
def test_a_zip_bomb_is_left_packed_and_named_within_small_memory(good: Path, tmp_path: Path, listed: bool) -> None:
    bomb = _with_bomb(good, tmp_path / "bomb.zip", listed=listed)
    assert bomb.stat().st_size < 16 * 1024 * 1024  # 2 GB of zeros in a few MB
    ok, rss_mib, findings = _measured(bomb)
    assert not ok and rss_mib < 200, (rss_mib, findings)  # the bound
    expected = "beyond any real bundle (a zip bomb?); not unpacked" if listed else "not listed in the manifest"
    assert any(line.startswith(("archive zeros.bin", "manifest zeros.bin")) and expected in line
               for line in findings.splitlines()), findings
    baseline_ok, baseline_rss, _ = _measured(good)
    assert baseline_ok and rss_mib < baseline_rss + 100  # the bomb cost next to nothing


def test_members_over_the_configured_limit_are_not_unpacked(good: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    files = read(good)
    noise = bytes(48 + (b & 1) for b in os.urandom(1024 * 1024))  # random 0/1 text: deflates ~7:1, no ratio alarm
    manifest = json.loads(files[layout.MANIFEST])
    manifest["files"]["noise.bin"] = {"sha256": hashlib.sha256(noise).hexdigest(), "size": len(noise)}
    files[layout.MANIFEST] = layout.dumps(manifest)
    files["noise.bin"] = noise
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    limit = sum(len(d) for n, d in files.items() if n != "noise.bin") + len(noise) // 2
    monkeypatch.setenv("LEDGER_BUNDLE_MAX_BYTES", str(limit + 4096))
    result = verify_bundle(big)
    assert not result.ok
    assert [f.file for f in result.findings if "LEDGER_BUNDLE_MAX_BYTES" in f.reason] == ["noise.bin"]
    monkeypatch.setenv("LEDGER_BUNDLE_MAX_BYTES", "1000")  # smaller than the archive itself: nothing opened
    refused = verify_bundle(big)
    assert not refused.ok and refused.findings[0].check == "archive" and "over the 1000-byte" in refused.findings[0].reason


def test_a_member_whose_size_differs_from_the_manifest_is_not_unpacked(good: Path, tmp_path: Path) -> None:
    files = read(good)
    manifest = json.loads(files[layout.MANIFEST])
    victim = next(name for name in manifest["files"] if name.startswith("events/"))
    manifest["files"][victim]["size"] = 10
    files[layout.MANIFEST] = layout.dumps(manifest)
    bad = tmp_path / "sizes.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    result = verify_bundle(bad)
    assert not result.ok
    assert any(f.file == victim and "the manifest says 10; not unpacked" in f.reason for f in result.findings)


def test_two_members_with_one_name_are_refused(good: Path, tmp_path: Path) -> None:
    files = read(good)
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(layout.STATE, files[layout.STATE].replace(b"confirmed", b"exited", 1))
    result = verify_bundle(twice)
    assert not result.ok and any("two members with the same name" in f.reason for f in result.findings)


def test_an_oversized_manifest_is_not_unpacked(good: Path, tmp_path: Path) -> None:
    files = read(good)
    padded = tmp_path / "padded.zip"
    with zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data + b" " * (17 * 1024 * 1024) if name == layout.MANIFEST else data)
    result = verify_bundle(padded)
    assert not result.ok
    assert any(f.file == layout.MANIFEST and "more than a manifest" in f.reason for f in result.findings)
