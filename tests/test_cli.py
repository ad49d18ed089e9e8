"""The real `ledger` console script, run as a subprocess against real databases and real key files.

Contract (ledger/cli.py): success exits 0; `verify` exits 1 when the ledger is not intact and names
the position with "expected ... found ..." (DESIGN §3 "Verification"); every user error exits 2 with
exactly one line on stderr starting "ledger: error:" and no traceback, and changes nothing.
"""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
from nacl.signing import VerifyKey

from ledger_support.backends import initialised_ledger, sqlite_settings
from ledger import merkle
from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.config import Settings
from ledger.envelope import leaf_data
from ledger_support import sql

REPO = Path(__file__).resolve().parents[1]
KEY_ID = re.compile(r"\b([a-z0-9][a-z0-9-]*:[0-9a-f]{16})\b")


@dataclass
class Cli:
    """Runs `python -m ledger.cli` with the ledger's settings in the environment; keeps every output."""

    settings: Settings
    cwd: Path
    outputs: list[str] = field(default_factory=list)

    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
        env.update(LEDGER_DATABASE_URL=self.settings.database_url, LEDGER_KEYS_DIR=str(self.settings.keys_dir),
                   LEDGER_ORIGIN=self.settings.origin, PYTHONPATH=str(REPO))
        env.update(overrides)
        return env

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=self.env(**env), cwd=self.cwd,
                              capture_output=True, text=True, timeout=120)
        self.outputs += [done.stdout, done.stderr]
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        return done

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def user_error(self, *args: str, **env: str) -> str:
        """Exit 2 and exactly one stderr line "ledger: error: ..."; return that line."""
        done = self.run(*args, **env)
        assert done.returncode == 2, (args, done.returncode, done.stdout, done.stderr)
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ledger: error: "), done.stderr
        return lines[0]

    def count(self) -> int:
        """Event count, read directly from the database."""
        app = LedgerApplication(self.settings)
        try:
            return app.log.row_counts()[0]
        finally:
            app.close()

    def open(self) -> LedgerApplication:
        return LedgerApplication(self.settings)


@pytest.fixture
def fresh(backend_settings: Settings, tmp_path: Path) -> Cli:
    """A CLI runner on an empty database (both backends)."""
    return Cli(backend_settings, tmp_path)


@pytest.fixture
def cli(fresh: Cli) -> Cli:
    """A ledger with units dept-a and dept-b (set up in-process to keep the bad-input tests fast)."""
    initialised_ledger(fresh.settings, ("dept-a", "dept-b")).close()
    return fresh


def root_key(cli: Cli) -> VerifyKey:
    return VerifyKey(bytes.fromhex((cli.settings.keys_dir / "root.pub").read_text().strip()))


def signed_root(cli: Cli, note: str) -> tuple[int, bytes]:
    cp = SignedCheckpoint.from_text(note).verify({cli.settings.origin: root_key(cli)})
    return cp.size, cp.root_hash


def key_ids(listing: str) -> dict[str, tuple[str, str]]:
    """key id -> (unit, status) from `ledger keys list`."""
    rows = {}
    for line in listing.splitlines()[1:]:
        key_id, unit, status = line.split()[:3]
        rows[key_id] = (unit, status)
    return rows


def test_cli_init_keys_checkpoint_prove_verify_round_trip(fresh: Cli) -> None:
    cli = fresh
    assert "ledger initialised" in cli.ok("init")
    for unit in ("dept-a", "dept-b"):
        assert re.match(rf"registered {unit}:[0-9a-f]{{16}} for unit {unit}\n", cli.ok("keys", "create", unit))
    # init is idempotent (it writes the key registry's and the account registry's genesis)
    assert cli.count() == 4
    second = cli.ok("init")
    assert "4 events" in second and cli.count() == 4
    # keys list / rotate / revoke
    keys = key_ids(cli.ok("keys", "list"))
    assert sorted(unit for unit, _ in keys.values()) == ["dept-a", "dept-b", "ledger"]
    assert {status for _, status in keys.values()} == {"active"}
    old_a = next(k for k, (unit, _) in keys.items() if unit == "dept-a")
    first_note = cli.ok("checkpoint")
    size1, root1 = signed_root(cli, first_note)
    assert size1 == 4
    rotated = cli.ok("keys", "rotate", "dept-a")
    new_a = KEY_ID.search(rotated.split("signs with", 1)[1]).group(1)  # type: ignore[union-attr]
    assert new_a != old_a and new_a.startswith("dept-a:")
    assert cli.ok("keys", "revoke", new_a, "--reason", "laptop stolen").strip() == f"revoked {new_a}"
    keys = key_ids(cli.ok("keys", "list"))
    assert keys[old_a] == ("dept-a", "rotated") and keys[new_a] == ("dept-a", "revoked")
    assert "laptop stolen" in cli.outputs[-2]
    second_note = cli.ok("checkpoint")
    size2, root2 = signed_root(cli, second_note)
    assert size2 == 6 == cli.count()
    assert cli.ok("checkpoint") == second_note  # nothing new: the same checkpoint
    # inclusion proofs parse as JSON and verify with ledger.merkle against the signed root
    app = cli.open()
    try:
        for position in range(size2):
            proof = json.loads(cli.ok("prove", "inclusion", str(position)))
            assert proof["position"] == position and proof["tree_size"] == size2
            assert signed_root(cli, proof["checkpoint"]) == (size2, root2)
            leaf = base64.b64decode(proof["leaf_hash"])
            row = sql.row_at(app, position)
            assert leaf == merkle.leaf_hash(leaf_data(row["originator_id"], row["originator_version"],
                                                      row["topic"], row["state"]))
            merkle.verify_inclusion(leaf, position, size2, [base64.b64decode(p) for p in proof["proof"]], root2)
    finally:
        app.close()
    old = json.loads(cli.ok("prove", "inclusion", "1", "--tree-size", "4"))
    merkle.verify_inclusion(base64.b64decode(old["leaf_hash"]), 1, 4,
                            [base64.b64decode(p) for p in old["proof"]], root1)
    consistency = json.loads(cli.ok("prove", "consistency", "4", "6"))
    assert signed_root(cli, consistency["old_checkpoint"]) == (4, root1)
    assert signed_root(cli, consistency["new_checkpoint"]) == (6, root2)
    merkle.verify_consistency(4, 6, root1, root2, [base64.b64decode(p) for p in consistency["proof"]])
    # verify
    done = cli.run("verify", "--workers", "1")
    assert done.returncode == 0, done.stdout
    assert "INTACT: 6 events, 6 signatures, 2 checkpoints, 4 keys checked" in done.stdout
    assert "FAIL" not in done.stdout
    done = cli.run("verify", "--root-key", str(cli.settings.keys_dir / "root.pub"))
    assert done.returncode == 0, done.stdout
    assert_key_files_private(cli)


def assert_key_files_private(cli: Cli) -> None:
    """Key files are 0600 in a 0700 directory; no private seed appears in any output or the database."""
    keys_dir = cli.settings.keys_dir
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    key_files = sorted(keys_dir.glob("*.key"))
    assert len(key_files) >= 4  # root, dept-a (two), dept-b
    seeds = []
    for path in key_files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        seed_hex = path.read_text().strip()
        assert re.fullmatch(r"[0-9a-f]{64}", seed_hex)
        seeds.append(seed_hex)
    forms = []
    for seed_hex in seeds:
        seed = bytes.fromhex(seed_hex)
        forms += [seed_hex.encode(), seed_hex.upper().encode(), seed, base64.b64encode(seed)]
    text = "\n".join(cli.outputs).encode()
    app = cli.open()
    try:
        states = [row["state"] for row in sql.event_rows(app)]
        notes = [row["note"].encode() for row in app.log.checkpoints()]
    finally:
        app.close()
    assert len(states) == cli.count() > 0
    for form in forms:
        assert form[:16] not in text, "a private key leaked into CLI output"
        for blob in states + notes:
            assert form not in blob, "a private key leaked into the database"


def test_cli_verify_after_sql_tamper_exits_1_and_prints_position_expected_found(cli: Cli) -> None:
    cli.ok("checkpoint")
    app = cli.open()
    try:
        row = sql.row_at(app, 2)
        state = bytearray(row["state"])
        state[-3] ^= 0x01  # inside the JSON payload of dept-b's registration
        sql.update_event(app, row["nid"], state=bytes(state))
    finally:
        app.close()
    done = cli.run("verify", "--workers", "1")
    assert done.returncode == 1, done.stdout
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert fails and all(" expected " in line and ", found " in line for line in fails)
    assert any(line.startswith("FAIL position 2: leaf hash does not match") for line in fails), done.stdout
    assert any(line.startswith("FAIL position 2: signature") for line in fails), done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"NOT INTACT ({len(fails)} problems): 3 events")


@pytest.mark.parametrize("args,message", [
    (("keys", "revoke", "dept-z:0123456789abcdef"), "unknown key id dept-z:0123456789abcdef"),
    (("keys", "create", "Dept A"), "is not a valid unit id"),
    (("keys", "create", "../etc"), "is not a valid unit id"),
    (("keys", "rotate", "dept_a"), "is not a valid unit id"),
    (("keys", "create", "dept-a"), "already has active key"),
    (("keys", "rotate", "dept-z"), "has no active key"),
    (("prove", "inclusion", "0"), "no checkpoint yet"),
], ids=["revoke-unknown-key", "unit-with-space", "unit-path", "unit-underscore", "create-twice",
        "rotate-without-key", "prove-before-checkpoint"])
def test_cli_bad_input_exits_2_with_one_error_line_and_changes_nothing(cli: Cli, args: tuple, message: str) -> None:
    before = cli.count()
    files = sorted(cli.settings.keys_dir.iterdir())
    line = cli.user_error(*args)
    assert message in line
    assert cli.count() == before
    assert sorted(cli.settings.keys_dir.iterdir()) == files  # no key file written for a refused command
    assert f"INTACT: {before} events" in cli.ok("verify", "--workers", "1")


def test_cli_proof_position_out_of_range_and_unknown_consistency_sizes_exit_2(cli: Cli) -> None:
    cli.ok("checkpoint")
    before = cli.count()
    assert "position 3 is outside the checkpointed tree of size 3" in cli.user_error("prove", "inclusion", "3")
    assert "no checkpoint of tree size 2" in cli.user_error("prove", "inclusion", "0", "--tree-size", "2")
    assert "no checkpoint of tree size 1" in cli.user_error("prove", "consistency", "1", "3")
    assert "no checkpoint of tree size 7" in cli.user_error("prove", "consistency", "3", "7")
    assert "larger than new size" in cli.user_error("prove", "consistency", "3", "1")
    assert cli.count() == before


def test_cli_revoking_a_key_twice_exits_2(cli: Cli) -> None:
    key = next(k for k, (unit, _) in key_ids(cli.ok("keys", "list")).items() if unit == "dept-b")
    cli.ok("keys", "revoke", key)
    before = cli.count()
    assert f"key {key} is already revoked" in cli.user_error("keys", "revoke", key)
    assert cli.count() == before


def test_cli_malformed_checkpoint_text_in_the_table_is_reported_by_verify_and_refused_by_prove(cli: Cli) -> None:
    cli.ok("checkpoint")
    app = cli.open()
    try:
        t = sql.tables(app)
        sql.execute(app, f"UPDATE {t.checkpoints} SET note = ? WHERE tree_size = ?",
                    ["test.example/ledger\nthree\nnot base64!\n\n\u2014 nobody AAAA\n", 3])
    finally:
        app.close()
    before = cli.count()
    done = cli.run("verify", "--workers", "1")
    assert done.returncode == 1
    fails = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and fails[0].startswith("FAIL log: checkpoint at tree size 3: expected "), done.stdout
    assert "found checkpoint line 3 (root hash): expected standard base64" in fails[0]
    line = cli.user_error("prove", "inclusion", "0")
    assert "checkpoint line 3 (root hash)" in line
    assert cli.count() == before


def test_cli_commands_on_an_uninitialised_database_exit_2(tmp_path: Path) -> None:
    runner = Cli(sqlite_settings(tmp_path), tmp_path)
    for args in (("verify",), ("keys", "list"), ("checkpoint",), ("keys", "create", "dept-a")):
        assert "not initialised" in runner.user_error(*args)
    assert not list(tmp_path.glob("keys/*.key"))


def test_cli_unreachable_database_exits_2_with_one_line_and_writes_no_key(tmp_path: Path) -> None:
    runner = Cli(sqlite_settings(tmp_path), tmp_path)
    line = runner.user_error("init", LEDGER_DATABASE_URL="postgresql://postgres@127.0.0.1:1/x")
    assert "cannot open the ledger database" in line
    assert not (tmp_path / "keys").exists() or not list((tmp_path / "keys").iterdir())


def test_cli_unsupported_database_url_exits_2(tmp_path: Path) -> None:
    runner = Cli(sqlite_settings(tmp_path), tmp_path)
    line = runner.user_error("init", LEDGER_DATABASE_URL="mysql://root@localhost/x")
    assert "unsupported scheme" in line


def test_cli_verify_with_unreadable_or_malformed_root_key_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "not-hex.pub").write_text("this is not hex\n")
    (tmp_path / "short.pub").write_text("abcd\n")
    for path, message in ((tmp_path / "missing.pub", "cannot read the root public key"),
                          (tmp_path / "not-hex.pub", "cannot read the root public key"),
                          (tmp_path / "short.pub", "expected 32 bytes (64 hex digits), found 2")):
        assert message in cli.user_error("verify", "--root-key", str(path))


def test_cli_verify_against_another_pinned_root_key_exits_1_naming_the_root_key(cli: Cli, tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.pub"
    stranger.write_text(bytes(VerifyKey(bytes(range(32)))).hex() + "\n")
    done = cli.run("verify", "--workers", "1", "--root-key", str(stranger))
    assert done.returncode == 1
    assert f"FAIL log: root key of the key registry: expected pinned {bytes(range(32)).hex()[:16]}" in done.stdout


def test_cli_keys_dir_that_is_a_file_exits_2_and_stores_no_event(tmp_path: Path) -> None:
    blocker = tmp_path / "keys-file"
    blocker.write_text("not a directory\n")
    settings = sqlite_settings(tmp_path)
    runner = Cli(Settings(settings.database_url, blocker, settings.origin), tmp_path)
    assert "File exists" in runner.user_error("init")
    assert runner.count() == 0


def test_cli_on_a_database_with_the_earlier_log_layout_exits_2_naming_the_layout(tmp_path: Path) -> None:
    """A SQLite file from before the log moved into the events table (eventsourcing's own table, separate
    leaf and node tables) is refused by `init` and by every command, with one line, and not changed."""
    import sqlite3

    settings = sqlite_settings(tmp_path)
    path = settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
                   "state BLOB, PRIMARY KEY (originator_id, originator_version))")
        db.execute("CREATE TABLE merkle_leaves (position INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL UNIQUE)")
    before = Path(path).read_bytes()
    old = Cli(settings, tmp_path)
    for args in (("init",), ("verify",), ("checkpoint",)):
        line = old.user_error(*args)
        assert "earlier layout of the Merkle log" in line, line
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] == 0
    assert "merkle" not in {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(stored_events)")}
    assert before  # the file existed before; the refusals above wrote no event into it
