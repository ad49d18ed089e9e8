"""`ledger verify --checkpoint/--witness/--quorum/--against-witness` and `ledger prove consistency
--from-checkpoint` (issue 13): checkpoints kept outside the database are trust anchors its writer cannot delete.

The real console script runs as a subprocess on real databases (both backends where storage matters); notes
are signed with the ledger's real root key and cosigned with real witness keys (ledger/cosignature.py).
"""

from __future__ import annotations

import base64
import json
import re
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from nacl.signing import SigningKey

from ledger import merkle
from ledger.anchors import ExternalAnchors, ExternalCheckpoint
from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.checkpoint import SignedCheckpoint, sign_checkpoint
from ledger.config import Settings
from ledger.cosignature import append_cosignatures, cosign, witness_vkey
from ledger.verifier import short
from ledger.witness.client import add_checkpoint
from ledger_support import sql
from ledger_support.aggregates import Widget
from ledger_support.backends import initialised_ledger, sqlite_settings
from ledger_support.cli_runner import LedgerCli
from ledger_support.rewrite import delete_checkpoints, rewrite


def add_events(app: LedgerApplication, count: int, unit: str = "dept-a") -> None:
    widget = Widget(f"widget {count}", actor_unit=unit)
    app.save_as(unit, widget)
    for i in range(count - 1):
        widget.note(f"note {i}", actor_unit=unit)
        app.save_as(unit, widget)


def published(cli: LedgerCli, path: Path) -> SignedCheckpoint:
    """`ledger checkpoint`, its note saved to a file (as it would be published)."""
    note = cli.status("checkpoint", expect=0)
    path.write_text(note, encoding="utf-8")
    return SignedCheckpoint.from_text(note)


@pytest.fixture
def ledger_cli(backend_settings: Settings) -> Iterator[tuple[LedgerApplication, LedgerCli]]:
    app = initialised_ledger(backend_settings, ("dept-a", "dept-b"))
    add_events(app, 4)
    app.save_as("dept-b", Widget("lonely", actor_unit="dept-b"))  # an aggregate with one event
    add_events(app, 3)
    yield app, LedgerCli(backend_settings)
    app.close()


def test_issue_13_attack_passes_plain_verify_and_fails_against_the_published_checkpoint(
        ledger_cli: tuple[LedgerApplication, LedgerCli], tmp_path: Path) -> None:
    app, cli = ledger_cli
    file = tmp_path / "published.txt"
    cp = published(cli, file).checkpoint
    add_events(app, 2)
    lonely = next(r for r in sql.event_rows(app) if b'"name":"lonely"' in r["state"])
    rewrite(app, [r for r in sql.event_rows(app) if r["nid"] != lonely["nid"]])  # renumbered and rehashed
    delete_checkpoints(app)

    assert "INTACT" in cli.status("verify", expect=0)  # the limit: nothing inside the database disagrees
    cli.status("checkpoint", expect=0)  # ... and the rewritten history gets signed
    out = cli.status("verify", "--checkpoint", str(file), expect=1)
    label = f"external checkpoint (tree size {cp.size}, root {short(cp.root_hash)}) from file {file}"
    assert f"FAIL position {cp.size - 1}: root of {label}" in out
    assert f"stored tree against {label}" in out and f"stored checkpoint at tree size {cp.size}" in out
    assert "NOT INTACT" in out and "1 external checkpoints" in out
    error = cli.user_error("prove", "consistency", "--from-checkpoint", str(file))
    assert f"the log is not consistent with {label}" in error


def test_truncated_log_is_named_against_the_published_checkpoint(
        ledger_cli: tuple[LedgerApplication, LedgerCli], tmp_path: Path) -> None:
    app, cli = ledger_cli
    file = tmp_path / "cp.txt"
    cp = published(cli, file).checkpoint
    rewrite(app, sql.event_rows(app)[:cp.size - 3])
    delete_checkpoints(app)
    out = cli.status("verify", "--checkpoint", str(file), expect=1)
    assert (f"FAIL log: external checkpoint (tree size {cp.size}, root {short(cp.root_hash)}) from file {file}: "
            f"expected at least {cp.size} leaves in the log, found {cp.size - 3} (log shorter") in out


def test_prove_consistency_from_an_external_checkpoint(ledger_cli: tuple[LedgerApplication, LedgerCli],
                                                       tmp_path: Path) -> None:
    app, cli = ledger_cli
    file = tmp_path / "old.txt"
    old = published(cli, file).checkpoint
    add_events(app, 5)
    new = published(cli, tmp_path / "new.txt").checkpoint
    for args in ((), (str(new.size),)):
        answer = json.loads(cli.status("prove", "consistency", "--from-checkpoint", str(file), *args, expect=0))
        assert (answer["old_size"], answer["new_size"]) == (old.size, new.size)
        proof = [base64.b64decode(h) for h in answer["proof"]]
        merkle.verify_consistency(old.size, new.size, old.root_hash, new.root_hash, proof)
    assert "2 external checkpoints" in cli.status("verify", "--checkpoint", str(file), str(tmp_path / "new.txt"),
                                                  expect=0)
    assert "at or after it" in cli.user_error("prove", "consistency", "--from-checkpoint", str(file), "3")
    assert "at most one size" in cli.user_error("prove", "consistency", "--from-checkpoint", str(file), "3", "4")
    assert "needs OLD NEW" in cli.user_error("prove", "consistency", "3")


# --- witnesses and quorum (storage is incidental here: SQLite only) ------------------------------------

WITNESSES = {name: SigningKey.generate() for name in ("w1.example", "w2.example/witness", "w3.example")}


def vkey(name: str) -> str:
    return witness_vkey(name, WITNESSES[name].verify_key)


def cosigned(note: str, *names: str) -> str:
    body = SignedCheckpoint.from_text(note).checkpoint.body()
    return append_cosignatures(note, [cosign(body, n, WITNESSES[n], int(time.time())) for n in names])


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Iterator[tuple[LedgerApplication, LedgerCli, str]]:
    settings = sqlite_settings(tmp_path)
    app = initialised_ledger(settings, ("dept-a",))
    add_events(app, 3)
    note = LedgerCli(settings).status("checkpoint", expect=0)
    yield app, LedgerCli(settings), note
    app.close()


def test_quorum_of_named_witnesses(sqlite_cli: tuple[LedgerApplication, LedgerCli, str], tmp_path: Path) -> None:
    _, cli, note = sqlite_cli
    file = tmp_path / "cosigned.txt"
    file.write_text(cosigned(note, "w1.example", "w2.example/witness"), encoding="utf-8")
    two = ["--witness", f"w1.example={vkey('w1.example')}", "--witness", vkey("w2.example/witness")]
    out = cli.status("verify", "--checkpoint", str(file), *two, "--quorum", "2", expect=0)
    assert out.rstrip().endswith("1 external checkpoints, 2 keys checked") and out.splitlines()[-1].startswith("INTACT")
    out = cli.status("verify", "--checkpoint", str(file), *two, "--witness", vkey("w3.example"), "--quorum", "3",
                     expect=1)
    assert (f"FAIL log: external checkpoint from file {file}: expected a trust anchor, found refused: cosigned by 2 "
            "of the named witnesses (w1.example, w2.example/witness), quorum is 3") in out
    assert "0 external checkpoints" in out


def test_forged_cosignature_and_foreign_root_key_are_refused(sqlite_cli: tuple[LedgerApplication, LedgerCli, str],
                                                             tmp_path: Path) -> None:
    _, cli, note = sqlite_cli
    lines = cosigned(note, "w1.example").split("\n")
    name, blob = lines[-2].rsplit(" ", 1)
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    lines[-2] = f"{name} {base64.b64encode(bytes(raw)).decode()}"
    bad = tmp_path / "bad-cosignature.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    out = cli.status("verify", "--checkpoint", str(bad), "--witness", vkey("w1.example"), "--quorum", "1", expect=1)
    assert f"external checkpoint from file {bad}: expected a trust anchor, found refused: cosignature by w1.example" \
           in out and "does not verify" in out
    cp = SignedCheckpoint.from_text(note).checkpoint
    foreign = tmp_path / "foreign.txt"
    foreign.write_text(sign_checkpoint(cp, cp.origin, SigningKey.generate()).to_text(), encoding="utf-8")
    out = cli.status("verify", "--checkpoint", str(foreign), expect=1)
    assert f"external checkpoint from file {foreign}: expected a trust anchor, found refused: no verified signature" \
           in out


def test_bad_options_are_one_line_errors(sqlite_cli: tuple[LedgerApplication, LedgerCli, str], tmp_path: Path) -> None:
    _, cli, note = sqlite_cli
    file = tmp_path / "cp.txt"
    file.write_text(note, encoding="utf-8")
    malformed = tmp_path / "malformed.txt"
    malformed.write_text(note.replace("\n\n", "\n"), encoding="utf-8")
    assert "witness vkey" in cli.user_error("verify", "--checkpoint", str(file), "--witness", "not-a-key")
    assert "named w1.example, not w2.example/witness" in cli.user_error(
        "verify", "--checkpoint", str(file), "--witness", f"w2.example/witness={vkey('w1.example')}")
    assert "--quorum: expected 0..1" in cli.user_error("verify", "--checkpoint", str(file), "--witness",
                                                       vkey("w1.example"), "--quorum", "2")
    assert "--quorum needs --witness" in cli.user_error("verify", "--quorum", "1")
    assert "missing.txt" in cli.user_error("verify", "--checkpoint", str(tmp_path / "missing.txt"))
    assert f"checkpoint file {malformed}" in cli.user_error("verify", "--checkpoint", str(malformed))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe" + note.encode())
    assert f"checkpoint file {binary}: expected UTF-8 text" in cli.user_error("verify", "--checkpoint", str(binary))
    assert f"checkpoint file {malformed}" in cli.user_error("prove", "consistency", "--from-checkpoint", str(malformed))
    assert "unavailable" in cli.user_error("verify", "--against-witness", "http://127.0.0.1:9")
    assert "no --witness key named w9.example" in cli.user_error("verify", "--against-witness",
                                                                 "w9.example=http://127.0.0.1:9")


def test_a_witness_served_checkpoint_needs_that_witness_cosignature(
        sqlite_cli: tuple[LedgerApplication, LedgerCli, str]) -> None:
    """From Python: a note fetched from witness w1 that w1 did not cosign is refused when w1's key is known."""
    app, _, note = sqlite_cli
    witnesses = {"w1.example": WITNESSES["w1.example"].verify_key, "w2.example/witness": WITNESSES["w2.example/witness"].verify_key}
    only_w2 = ExternalCheckpoint(cosigned(note, "w2.example/witness"), "witness w1.example at http://w1", "w1.example")
    report = verify_ledger(app, workers=1, anchors=ExternalAnchors([only_w2], witnesses, 1))
    assert [p.found for p in report.problems] == [
        "refused: no valid cosignature by witness w1.example, which served it"]
    both = ExternalCheckpoint(cosigned(note, "w1.example", "w2.example/witness"), "witness w1.example at http://w1",
                              "w1.example")
    report = verify_ledger(app, workers=1, anchors=ExternalAnchors([both], witnesses, 2))
    assert report.ok and report.anchors == 1, [str(p) for p in report.problems]


# --- against a real witness process over real HTTP ----------------------------------------------------


@contextmanager
def witness_process(cli: LedgerCli, tmp: Path, origin: str) -> Iterator[tuple[str, str]]:
    """`ledger witness keygen/trust/serve` as real processes (port 0); yields (url, vkey); stops the server."""
    key, db = tmp / "witness.key", f"sqlite:///{tmp}/witness.sqlite3"
    vkey_line = cli.status("witness", "keygen", "--out", str(key), "--name", "court.example", expect=0)
    witness_key = vkey_line.split("vkey: ", 1)[1].strip()
    root_hex = (cli.settings.keys_dir / "root.pub").read_text().strip()
    cli.status("witness", "trust", "--db", db, "--origin", origin, "--key", root_hex, expect=0)
    server = cli.popen("witness", "serve", "--db", db, "--key", str(key), "--port", "0")
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        url = re.search(r"serving on (http://\S+)", banner)
        assert url, banner
        yield url.group(1), witness_key
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_verify_against_a_real_witness(ledger_cli: tuple[LedgerApplication, LedgerCli], tmp_path: Path) -> None:
    app, cli = ledger_cli
    note = cli.status("checkpoint", expect=0)
    with witness_process(cli, tmp_path, app.settings.origin) as (url, witness_key):
        against = ["--against-witness", f"court.example={url}", "--witness", witness_key, "--quorum", "1"]
        assert "HTTP 404" in cli.user_error("verify", *against)  # nothing cosigned yet: no anchor to check
        assert add_checkpoint(url, 0, [], note)  # the ledger's checkpoint, cosigned by the witness
        assert cli.status("verify", *against, expect=0).splitlines()[-1].startswith("INTACT")
        size = SignedCheckpoint.from_text(note).checkpoint.size
        lonely = next(r for r in sql.event_rows(app) if b'"name":"lonely"' in r["state"])
        rewrite(app, [r for r in sql.event_rows(app) if r["nid"] != lonely["nid"]])
        delete_checkpoints(app)
        assert cli.status("verify", expect=0).splitlines()[-1].startswith("INTACT")  # the limit without the witness
        out = cli.status("verify", *against, expect=1)
        assert f"external checkpoint (tree size {size}, root " in out
        assert f"from witness court.example at {url}" in out
