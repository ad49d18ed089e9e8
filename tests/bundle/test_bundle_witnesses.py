"""Issue 13 part 5: court bundles carry the witnesses' cosignatures; verify-bundle checks them offline with a quorum.

The cosignature lines are computed here from the C2SP tlog-cosignature text (not with ledger.cosignature) and
stored in the ledger's own cosignature table, as the witnessing code does after a witness answers; the export
puts them into the bundle and the checker verifies them against the keys the court gives.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from bundle.scenario import EXPORTER, Scenario, build
from bundle.tamper import read, rewrite
from bundle.test_bundle_offline import POISON
from ledger_support.backends import sqlite_settings
from nacl.signing import SigningKey
from witnessing_helpers import free_port, new_witness, with_witnesses

from ledger.app import LedgerApplication
from ledger.bundle import layout
from ledger.bundle.verify import BundleReport, verify_bundle
from ledger.cli import main
from ledger.cli_bundle import cosigned_by
from ledger.config import Settings
from ledger.cosignature import witness_vkey
from ledger.witness_config import WitnessSpec
from ledger.witness_store import WitnessStore
from projections.bundle.export import export_bundle

KEYS = {name: SigningKey(hashlib.sha256(name.encode()).digest())
        for name in ("court.example/w1", "discipline.example/w2", "audit.example/w3", "stranger.example/w9")}
W1, W2, W3, STRANGER = KEYS
T1, T2 = 1_780_000_000, 1_780_000_060  # 2026-05-28T20:26:40Z and a minute later
VKEYS = {name: witness_vkey(name, key.verify_key) for name, key in KEYS.items()}


def spec_line(body: str, name: str, key: SigningKey, timestamp: int) -> str:
    """tlog-cosignature: '— name base64(SHA-256(name||0x0A||0x04||pub)[:4] || BE64 time || sig)'."""
    key_id = hashlib.sha256(name.encode() + b"\n\x04" + bytes(key.verify_key)).digest()[:4]
    signature = key.sign(b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()).signature
    return "\u2014 " + name + " " + base64.b64encode(key_id + timestamp.to_bytes(8, "big") + signature).decode()


def body_of(app_store: WitnessStore, size: int) -> str:
    """The checkpoint body (the signed note up to its blank line) of the stored checkpoint of `size`."""
    note = app_store.note(size)
    assert note is not None
    return note[: note.index("\n\n") + 1]


def sizes(s: Scenario) -> tuple[int, int]:
    """(covering, latest) tree sizes of the scenario's two stored checkpoints."""
    found = sorted(int(row["tree_size"]) for row in s.app.log.checkpoints())
    return found[-2], found[-1]


def cosign(s: Scenario, size: int, name: str, key: SigningKey | None = None, timestamp: int = T1,
           over: int | None = None) -> None:
    """Store `name`'s cosignature of checkpoint `size` (made with `key`, over checkpoint `over`) in the ledger DB."""
    store = WitnessStore(s.app.log)
    line = spec_line(body_of(store, over or size), name, key or KEYS[name], timestamp)
    store.add_cosignature(size, name, line)


def export(s: Scenario, out: Path) -> Path:
    """The subject's bundle (service None: the read is the caller's to register)."""
    return export_bundle(s.app, None, s.subject_id, out, unit=EXPORTER)


def check(bundle: Path, *names: str, quorum: int = 0) -> BundleReport:
    """Verify with the keys of the named witnesses."""
    return verify_bundle(bundle, witnessed_by={n: KEYS[n].verify_key for n in names}, quorum=quorum)


def witness_findings(report: BundleReport) -> list[str]:
    """The findings of the witness check, as printed."""
    return [str(f) for f in report.findings if f.check == "witnesses"]


@pytest.fixture
def scenario(backend_settings: Settings) -> Iterator[Scenario]:
    """The bundle scenario on each backend (its last two checkpoints: covering and latest)."""
    s = build(backend_settings)
    yield s
    s.app.close()


def test_quorum_met_and_not_met_on_both_backends(scenario: Scenario, tmp_path: Path) -> None:
    covering, latest = sizes(scenario)
    cosign(scenario, latest, W1, timestamp=T1)
    cosign(scenario, latest, W2, timestamp=T2)
    cosign(scenario, covering, W3)  # only the older checkpoint: not the log state the proofs end at
    bundle = export(scenario, tmp_path / "b.zip")
    assert f"\u2014 {W1} " in read(bundle)[layout.LATEST].decode() and f"\u2014 {W3} " in read(bundle)[
        layout.COVERING].decode()
    met = check(bundle, W1, W2, W3, quorum=2)
    assert met.ok, [str(f) for f in met.findings]
    text = met.text()
    assert f"已核验 VERIFIED: 见证人 witness {W1} countersigned it at 2026-05-28T20:26:40+00:00" in text
    assert f"witness {W2} countersigned it at 2026-05-28T20:27:40+00:00" in text
    assert "Quorum: 2 of 2 required" in text and "达到 met" in text and "RESULT: VALID" in text
    short = check(bundle, W1, W2, W3, quorum=3)
    assert not short.ok and witness_findings(short) == [
        f"{layout.LATEST}: 见证人数不足：仅 2 个指定见证人有效副署了证据包所依据的检查点，要求 3 个；quorum not met: 2 of the "
        f"named witnesses ({W3}, {W1}, {W2}) validly cosigned the checkpoint the bundle's proofs rely on (tree size "
        f"{latest}), 3 required"]
    assert "未达到 NOT MET" in short.text() and "RESULT: NOT VALID" in short.text()


def test_forged_cosignature_is_not_valid_naming_the_witness(scenario: Scenario, tmp_path: Path) -> None:
    _, latest = sizes(scenario)
    cosign(scenario, latest, W1)
    store = WitnessStore(scenario.app.log)  # a row edited in the operator's database: W2's key id, another key
    good = spec_line(body_of(store, latest), W2, KEYS[W2], T1)
    forged = base64.b64decode(good.split(" ")[2])[:12] + KEYS[STRANGER].sign(b"x").signature
    store.add_cosignature(latest, W2, f"\u2014 {W2} {base64.b64encode(forged).decode()}")
    bundle = export(scenario, tmp_path / "b.zip")
    report = check(bundle, W1, W2)  # no quorum asked: a failing line of a named witness still fails
    assert not report.ok
    assert [f for f in witness_findings(report) if W2 in f and "does not verify" in f and "伪造" in f]
    assert all(W1 not in f for f in witness_findings(report))
    assert "do not rely on this bundle" in report.text()


def test_a_line_in_a_witness_name_made_with_another_key_is_not_valid(scenario: Scenario, tmp_path: Path) -> None:
    _, latest = sizes(scenario)
    cosign(scenario, latest, W1, key=KEYS[STRANGER])  # W1's name, the stranger's key (so another key id)
    bundle = export(scenario, tmp_path / "b.zip")
    report = check(bundle, W1)
    key_id = hashlib.sha256(W1.encode() + b"\n\x04" + bytes(KEYS[W1].verify_key)).digest()[:4].hex()
    assert witness_findings(report) == [
        f"{layout.LATEST}: 含有以见证人 {W1} 名义的签名行，但并非由其密钥签署；carries a line in the name of witness {W1} "
        f"that is not by the given key (key id {key_id}): not that witness's cosignature"]


def test_a_cosignature_over_another_checkpoint_is_not_valid(scenario: Scenario, tmp_path: Path) -> None:
    covering, latest = sizes(scenario)
    cosign(scenario, latest, W1)
    cosign(scenario, latest, W2, over=covering)  # W2's genuine cosignature of the older checkpoint, moved
    bundle = export(scenario, tmp_path / "b.zip")
    report = check(bundle, W1, W2, quorum=1)
    assert not report.ok
    assert [f for f in witness_findings(report) if f.startswith(layout.LATEST) and W2 in f and "does not verify" in f]


def test_unknown_witness_is_ignored_but_shown_as_not_checked(scenario: Scenario, tmp_path: Path) -> None:
    _, latest = sizes(scenario)
    cosign(scenario, latest, W1)
    cosign(scenario, latest, STRANGER, key=KEYS[W3])  # not named by the court: not counted, not a failure
    bundle = export(scenario, tmp_path / "b.zip")
    report = check(bundle, W1, W2, quorum=1)
    assert report.ok, [str(f) for f in report.findings]
    assert f"未核验 NOT CHECKED: a line in the name of {STRANGER}" in report.text()
    assert not check(bundle, W1, W2, quorum=2).ok  # the stranger does not make up the quorum


def test_report_says_who_countersigned_in_chinese_and_english(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    _, latest = sizes(s)
    cosign(s, latest, W1, timestamp=T1)
    witnessed = export(s, tmp_path / "witnessed.zip")
    s.app.close()
    html = read(witnessed)[layout.REPORT].decode()
    assert (f"下列独立见证人副署了本证据包所依据的日志状态（树大小 {latest} 的最新检查点）：{W1}。The following independent "
            f"witnesses countersigned the log state this bundle relies on (the latest checkpoint, tree size {latest}): "
            f"{W1}.") in html
    assert "<td>最新检查点 latest</td>" in html and "<td>2026-05-28T20:26:40+00:00</td>" in html
    assert "副署须用各见证人自行公布的公钥核验方能成立" in html and "--witness NAME=VKEY --quorum k" in html
    assert verify_bundle(witnessed).ok  # the report is re-rendered from the carried lines, no key needed


def test_report_says_plainly_that_nobody_countersigned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = build(sqlite_settings(tmp_path))
    _, latest = sizes(s)
    bundle = export(s, tmp_path / "alone.zip")
    s.app.close()
    html = read(bundle)[layout.REPORT].decode()
    assert (f"没有任何独立方副署本证据包所依据的日志状态（树大小 {latest} 的最新检查点）。No independent party "
            f"countersigned the log state this bundle relies on (the latest checkpoint, tree size {latest}).") in html
    assert main(["verify-bundle", str(bundle)]) == 0
    assert ("没有任何独立方副署该日志状态 No independent party countersigned the log state this bundle relies on."
            in capsys.readouterr().out)
    assert main(["verify-bundle", str(bundle), "--witness", f"{W1}={VKEYS[W1]}", "--quorum", "1"]) == 1


def test_stripped_or_added_cosignature_lines_change_the_report(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    _, latest = sizes(s)
    cosign(s, latest, W1)
    bundle = export(s, tmp_path / "b.zip")
    s.app.close()
    stripped = rewrite(bundle, tmp_path / "s.zip", {layout.LATEST: lambda d: d[: d.rindex(b"\xe2\x80\x94 court")]})
    report = verify_bundle(stripped)
    assert [f for f in report.findings if f.file == layout.REPORT] and not check(stripped, W1, quorum=1).ok


def test_cli_witness_and_quorum_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = build(sqlite_settings(tmp_path))
    covering, latest = sizes(s)
    cosign(s, latest, W1)
    cosign(s, latest, W2)
    bundle = str(export(s, tmp_path / "b.zip"))
    s.app.close()
    both = ["--witness", f"{W1}={VKEYS[W1]}", "--witness", VKEYS[W2]]  # NAME=VKEY or the bare vkey
    assert main(["verify-bundle", bundle, *both, "--quorum", "2"]) == 0
    assert "Quorum: 2 of 2 required" in capsys.readouterr().out
    assert main(["verify-bundle", bundle, *both, "--witness", VKEYS[W3], "--quorum", "3"]) == 1
    assert "quorum not met" in capsys.readouterr().out
    for bad, words in ((["--witness", f"{W1}=nonsense"], "--witness"), (["--witness", f"{W2}={VKEYS[W1]}"], "differs"),
                       ([*both, "--witness", VKEYS[W1]], "given twice"), ([*both, "--quorum", "3"], "--quorum 3")):
        assert main(["verify-bundle", bundle, *bad]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1 and err.startswith("ledger: error: ")


def test_checker_checks_cosignatures_offline(tmp_path: Path) -> None:
    s = build(sqlite_settings(tmp_path))
    covering, latest = sizes(s)
    cosign(s, latest, W1)
    cosign(s, latest, W2, over=covering)
    bundle = export(s, tmp_path / "b.zip")
    s.app.close()
    script = POISON + "\n".join([
        "from ledger.bundle.verify import verify_bundle",
        "from ledger.cosignature import parse_witness_vkey",
        "keys = dict(parse_witness_vkey(v) for v in sys.argv[2:])",
        "one = verify_bundle(sys.argv[1], witnessed_by={n: k for n, k in keys.items() if n != %r}, quorum=1)" % W2,
        "both = verify_bundle(sys.argv[1], witnessed_by=keys, quorum=1)",
        "print(one.ok, both.ok, sorted({f.file for f in both.findings if f.check == 'witnesses'}))",
        "print(sorted(n for n in sys.modules if n.split('.')[0] in BLOCKED))"])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-c", script, str(bundle), VKEYS[W1], VKEYS[W2]], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [f"True False ['{layout.LATEST}']", "[]"]


def test_a_witness_that_is_down_delays_no_export_and_the_bundle_says_nobody_cosigned(tmp_path: Path) -> None:
    down = WitnessSpec(W1, f"http://127.0.0.1:{free_port()}", VKEYS[W1])  # nobody listens there
    s = build(with_witnesses(sqlite_settings(tmp_path), [down]))
    bundle = export(s, tmp_path / "b.zip")
    _, latest = sizes(s)
    assert WitnessStore(s.app.log).lines(latest) == {}
    s.app.close()
    assert verify_bundle(bundle).ok and f"\u2014 {W1} " not in read(bundle)[layout.LATEST].decode()
    assert "No independent party countersigned the log state" in read(bundle)[layout.REPORT].decode()
    assert cosigned_by(bundle) == "latest checkpoint cosigned by no witness (yet)"
    assert not check(bundle, W1, quorum=1).ok


def test_real_witnesses_cosign_the_exported_latest_checkpoint_over_http(backend_settings: Settings,
                                                                         tmp_path: Path) -> None:
    s = build(backend_settings)
    running = [new_witness(tmp_path / "w", f"w{i}.example/witness", s.app) for i in range(2)]
    try:
        witnessed = LedgerApplication(with_witnesses(s.app.settings, [w.spec() for w in running]))
        witnessed.register_key("nt-new-unit")  # the log grows: the export signs a fresh latest checkpoint
        bundle = export_bundle(witnessed, None, s.subject_id, tmp_path / "b.zip", unit=EXPORTER)
        size = witnessed.log.tree_size()
        witnessed.close()
    finally:
        for w in running:
            w.stop()
        s.app.close()
    keys = {w.name: w.key.signing_key.verify_key for w in running}
    report = verify_bundle(bundle, witnessed_by=keys, quorum=2)
    assert report.ok, [str(f) for f in report.findings]
    assert all(f"已核验 VERIFIED: 见证人 witness {name} countersigned it at " in report.text() for name in keys)
    assert f"(the latest checkpoint, tree size {size}): w0.example/witness, w1.example/witness." in read(bundle)[
        layout.REPORT].decode()
    assert main(["verify-bundle", str(bundle), "--witness", running[0].key.vkey, "--quorum", "1"]) == 0
    assert cosigned_by(bundle) == "latest checkpoint cosigned by: w0.example/witness, w1.example/witness"
