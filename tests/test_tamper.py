"""Tampering with the database behind the ledger's back must make `verify_ledger` fail and say where.

DESIGN §3 "Verification": "On failure it names the position, what was expected and what was
found." Each test edits the real tables with direct SQL (as someone with database access would),
checks the Problem it must produce, then restores every table from a snapshot and checks that the
ledger verifies again (which proves the restore, so the next example starts from an intact log).
The ledger (30 events, checkpoints at tree sizes 20 and 30) is built once per backend per module.
"""

from __future__ import annotations

import base64
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from ledger_support.backends import backend_settings, initialised_ledger
from ledger import audit, merkle
from ledger.app import LedgerApplication
from ledger.audit import VerifyReport, verify_ledger
from ledger.checkpoint import Checkpoint, SignedCheckpoint, sign_checkpoint
from ledger.envelope import seal, unpack
from ledger.keybook import REGISTRY_TOPIC_PREFIX
from ledger.keys import ROOT_UNIT
from ledger.merkle_tables import unpack_hashes
from ledger.transparency import create_checkpoint, prove_inclusion
from ledger.verification_errors import ProofError
from ledger.verifier import short
from ledger_support import sql
from ledger_support.aggregates import Widget

UNITS = ("credit-office", "dept-a", "dept-b")
SIZE, EARLY_CHECKPOINT = 30, 20
EXAMPLES = settings(max_examples=8, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@dataclass
class Ledger:
    """The module's ledger, its pristine rows, and who acted at each log position."""

    app: LedgerApplication
    pristine: sql.Snapshot
    units: list[str]  # acting unit per position (ROOT_UNIT for key registry events)
    topics: list[str]

    def row(self, position: int) -> dict[str, Any]:
        return sql.row_at(self.app, position)

    def positions_of(self, unit: str, *, registry: bool = False) -> list[int]:
        return [p for p, u in enumerate(self.units)
                if u == unit and self.topics[p].startswith(REGISTRY_TOPIC_PREFIX) == registry]

    def registry_positions(self) -> list[int]:
        return [p for p, t in enumerate(self.topics) if t.startswith(REGISTRY_TOPIC_PREFIX)]


def build(app: LedgerApplication) -> None:
    """4 registry events, a key rotation, 25 widget events: 30 events, checkpoints at 20 and 30."""
    widgets: dict[str, Widget] = {}
    for i in range(25):
        if i == 8:
            app.rotate_key("credit-office")
        unit = UNITS[i % 3]
        if unit not in widgets:
            widgets[unit] = Widget(f"widget of {unit}", actor_unit=unit)
        else:
            widgets[unit].note(f"note {i}", actor_unit=unit)
        app.save_as(unit, widgets[unit])
        if app.event_count() == EARLY_CHECKPOINT:
            create_checkpoint(app)
    assert app.event_count() == SIZE
    create_checkpoint(app)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def led(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    with backend_settings(request.param, tmp_path_factory.mktemp(f"tamper-{request.param}")) as settings_:
        app = initialised_ledger(settings_, UNITS)
        build(app)
        assert_intact(app)
        units, topics = [], []
        for position in range(SIZE):
            row = sql.row_at(app, position)
            topics.append(row["topic"])
            payload = unpack(row["state"]).payload
            units.append(ROOT_UNIT if row["topic"].startswith(REGISTRY_TOPIC_PREFIX)
                         else json.loads(payload)["actor_unit"])
        yield Ledger(app, sql.snapshot(app), units, topics)
        app.close()


def verify(app: LedgerApplication) -> VerifyReport:
    """Verify in one chunk, and again in chunks of 4 positions (whose tree the joining step assembles, with
    checkpoints inside and at the end of chunks): both must report exactly the same problems."""
    report = verify_ledger(app, workers=1)
    chunked = verify_ledger(app, workers=1, chunk=4)
    assert [str(p) for p in chunked.problems] == [str(p) for p in report.problems]
    assert (chunked.signatures, chunked.checkpoints) == (report.signatures, report.checkpoints)
    return report


def assert_intact(app: LedgerApplication) -> None:
    report = verify(app)
    assert report.ok, [str(p) for p in report.problems]
    assert report.signatures == report.tree_size == SIZE and report.checkpoints == 2


@contextmanager
def tampering(led: Ledger) -> Iterator[None]:
    """Run a tamper; afterwards put every row back and prove the ledger verifies again."""
    try:
        yield
    finally:
        sql.restore(led.app, led.pristine)
    assert_intact(led.app)


def failing(app: LedgerApplication) -> VerifyReport:
    report = verify(app)
    assert not report.ok, "verify_ledger did not notice the tamper"
    return report


def at(report: VerifyReport, position: int | None, what: str = "") -> list:
    """Problems at `position` whose `what` contains `what`."""
    return [p for p in report.problems if p.position == position and what in p.what]


def describe(report: VerifyReport) -> list[str]:
    return [str(p) for p in report.problems]


LEAF_MISMATCH = "leaf hash does not match the stored event"
SIGNATURE_WHATS = ("signature", "signature envelope", "key registry event signer", "key registry event v")


def names_bad_signature(report: VerifyReport, position: int) -> bool:
    return any(p.what.startswith(SIGNATURE_WHATS) for p in at(report, position))


# --- stored events ------------------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data())
def test_one_changed_byte_of_a_stored_state_is_named_at_its_position(led: Ledger, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, SIZE - 1), label="position")
    row = led.row(position)
    index = data.draw(st.integers(0, len(row["state"]) - 1), label="byte index")
    flip = data.draw(st.integers(1, 255), label="xor mask")
    state = bytearray(row["state"])
    state[index] ^= flip
    with tampering(led):
        sql.update_event(led.app, row["nid"], state=bytes(state))
        report = failing(led.app)
        leaf = at(report, position, LEAF_MISMATCH)
        assert leaf, describe(report)
        assert "stored leaf" in leaf[0].expected and "recomputed" in leaf[0].found
        assert names_bad_signature(report, position), describe(report)


@pytest.mark.parametrize("position", [0, 3, 9, 29])
def test_changed_topic_breaks_leaf_and_signature_at_that_position(led: Ledger, position: int) -> None:
    row = led.row(position)
    forged = row["topic"].rsplit(".", 1)[0] + (".KeyRevoked" if "KeyRegistry" in row["topic"] else ".Created")
    assert forged != row["topic"]
    with tampering(led):
        sql.update_event(led.app, row["nid"], topic=forged)
        report = failing(led.app)
        assert at(report, position, LEAF_MISMATCH), describe(report)
        assert names_bad_signature(report, position), describe(report)


@pytest.mark.parametrize("position", [2, 17])
def test_changed_originator_version_breaks_leaf_and_signature_at_that_position(led: Ledger, position: int) -> None:
    row = led.row(position)
    with tampering(led):
        sql.update_event(led.app, row["nid"], originator_version=row["originator_version"] + 1000)
        report = failing(led.app)
        assert at(report, position, LEAF_MISMATCH), describe(report)
        assert names_bad_signature(report, position), describe(report)


EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")


def _swap(led: Ledger, a: dict[str, Any], b: dict[str, Any], columns: tuple[str, ...]) -> None:
    """Exchange `columns` between two stored rows (each keeps its notification id and the rest)."""
    sql.delete_event(led.app, a["nid"])
    sql.delete_event(led.app, b["nid"])
    sql.insert_event(led.app, {**a, **{c: b[c] for c in columns}})
    sql.insert_event(led.app, {**b, **{c: a[c] for c in columns}})


@pytest.mark.parametrize("first,second", [(8, 15), (21, 27)], ids=["across-checkpoint", "after-checkpoint"])
def test_swapping_two_events_between_log_positions_is_named_at_both_positions(
        led: Ledger, first: int, second: int) -> None:
    a, b = led.row(first), led.row(second)
    with tampering(led):
        _swap(led, a, b, EVENT_COLUMNS)
        report = failing(led.app)
        for position in (first, second):
            assert at(report, position, LEAF_MISMATCH), describe(report)
        # each event is still validly signed; it is the log (leaves, checkpoint root) that disagrees
        assert at(report, SIZE - 1, f"root of checkpoint at tree size {SIZE}"), describe(report)
        early = at(report, EARLY_CHECKPOINT - 1, f"root of checkpoint at tree size {EARLY_CHECKPOINT}")
        assert bool(early) == (first < EARLY_CHECKPOINT), describe(report)


@pytest.mark.parametrize("first,second", [(8, 15), (21, 27)], ids=["across-checkpoint", "after-checkpoint"])
def test_swapping_two_whole_rows_with_their_stored_hashes_is_caught_by_the_tree(
        led: Ledger, first: int, second: int) -> None:
    """The attacker moves each event with the hashes stored beside it: the tree above them disagrees."""
    a, b = led.row(first), led.row(second)
    with tampering(led):
        _swap(led, a, b, (*EVENT_COLUMNS, "merkle"))
        report = failing(led.app)
        assert at(report, SIZE - 1, f"root of checkpoint at tree size {SIZE}"), describe(report)
        early = at(report, EARLY_CHECKPOINT - 1, f"root of checkpoint at tree size {EARLY_CHECKPOINT}")
        assert bool(early) == (first < EARLY_CHECKPOINT), describe(report)
        # the first disagreement is named at or before the first moved position, inside the subtree over it
        nodes = [p for p in report.problems if p.what.startswith(("stored Merkle node", "stored Merkle hashes"))]
        assert nodes and min(p.position for p in nodes) <= first, describe(report)


@pytest.mark.parametrize("position", [5, 14, 24])
def test_deleted_row_in_the_middle_is_named_at_its_position(led: Ledger, position: int) -> None:
    """The row holds the event, its leaf hash and the subtree hashes it completed: all go together."""
    row = led.row(position)
    with tampering(led):
        sql.delete_event(led.app, row["nid"])
        assert led.app.log.tree_size() == SIZE  # a hole, not a shorter log
        report = failing(led.app)
        missing = at(report, position, "event row missing")
        assert missing and str(position) in missing[0].expected and missing[0].found == "no row", describe(report)
        count = at(report, None, "number of stored events")
        assert count and count[0].expected.startswith(str(SIZE)) and count[0].found == str(SIZE - 1)
        assert at(report, SIZE - 1, f"root of checkpoint at tree size {SIZE}"), describe(report)
        assert not at(report, None, f"checkpoint at tree size {SIZE}"), "a hole is not a truncation"
        # nodes over the hole are not reported one by one: the hole is named once, at its position
        assert not [p for p in report.problems if p.what.startswith("stored Merkle node")], describe(report)


@pytest.mark.parametrize("cut", [EARLY_CHECKPOINT, 24])
def test_deleted_tail_after_a_checkpoint_is_reported_as_truncation(led: Ledger, cut: int) -> None:
    doomed = [led.row(p)["nid"] for p in range(cut, SIZE)]
    with tampering(led):
        for nid in doomed:
            sql.delete_event(led.app, nid)
        assert led.app.log.tree_size() == cut
        report = failing(led.app)
        truncated = at(report, None, f"checkpoint at tree size {SIZE}")
        assert truncated and truncated[0].found == f"{cut} (log truncated)", describe(report)
        assert report.problems == truncated  # the shortened log is otherwise self-consistent
        assert report.checkpoints == 2


@pytest.mark.parametrize("signing_unit,victim", [("dept-b", "dept-a"), (ROOT_UNIT, "dept-b"), ("dept-a", ROOT_UNIT)],
                         ids=["other-unit-key", "root-key-on-unit-event", "unit-key-on-registry-event"])
def test_signature_replaced_by_a_valid_signature_of_another_registered_key(
        led: Ledger, signing_unit: str, victim: str) -> None:
    position = led.positions_of(victim, registry=victim == ROOT_UNIT)[-1]
    row = led.row(position)
    led.app.refresh_keys(force=True)
    record = led.app.keybook.active_for(signing_unit)
    assert record is not None
    other = led.app.keystore.load(record.key_id)
    envelope = unpack(row["state"])
    assert envelope.key_id != other.key_id
    resealed = seal(row["originator_id"], row["originator_version"], row["topic"], envelope.payload,
                    other.key_id, other.sign)
    with tampering(led):
        sql.update_event(led.app, row["nid"], state=resealed)
        report = failing(led.app)
        assert at(report, position, LEAF_MISMATCH), describe(report)
        if victim == ROOT_UNIT:
            signer = at(report, position, "key registry event signer")
            assert signer and signer[0].found == other.key_id, describe(report)
        else:
            actor = at(report, position, "signer is not the acting unit")
            assert actor, describe(report)
            assert actor[0].expected == f"a key of unit {victim}"
            assert actor[0].found == f"a key of unit {signing_unit}"
            # the signature itself is valid: only the signer's unit gives it away
            assert not at(report, position, "signature"), describe(report)


# --- checkpoints ----------------------------------------------------------------------------------------


def _note(led: Ledger, size: int) -> str:
    return next(r["note"] for r in led.pristine.checkpoints if int(r["tree_size"]) == size)


def _set_note(led: Ledger, size: int, note: str) -> None:
    t = sql.tables(led.app)
    assert sql.execute(led.app, f"UPDATE {t.checkpoints} SET note = ? WHERE tree_size = ?", [note, size]) == 1


@pytest.mark.parametrize("size", [EARLY_CHECKPOINT, SIZE])
def test_forged_checkpoint_root_edited_in_the_note_text(led: Ledger, size: int) -> None:
    note = _note(led, size)
    lines = note.split("\n")
    real_root = base64.b64decode(lines[2])
    lines[2] = base64.b64encode(bytes(b ^ 0xFF for b in real_root)).decode()
    with tampering(led):
        _set_note(led, size, "\n".join(lines))
        report = failing(led.app)
        bad = at(report, None, f"checkpoint at tree size {size}")
        assert bad and "does not verify" in bad[0].found, describe(report)
        assert report.checkpoints == 1


def test_forged_checkpoint_signed_by_a_fresh_key_under_the_same_name(led: Ledger) -> None:
    cp = SignedCheckpoint.from_text(_note(led, SIZE)).checkpoint
    impostor = SigningKey.generate()
    forged_root = merkle.leaf_hash(b"history rewritten")
    forged = sign_checkpoint(Checkpoint(cp.origin, cp.size, forged_root), cp.origin, impostor)
    assert forged.signatures[0].name == led.app.settings.origin
    with tampering(led):
        _set_note(led, SIZE, forged.to_text())
        report = failing(led.app)
        bad = at(report, None, f"checkpoint at tree size {SIZE}")
        assert bad and "no verified signature by a known key" in bad[0].found, describe(report)
        assert not at(report, SIZE - 1, "root of checkpoint")  # the forged root is never trusted


# --- stored Merkle nodes --------------------------------------------------------------------------------


def _stored_nodes(led: Ledger) -> list[tuple[int, int, int, bytes]]:
    """(position of the row storing it, level, index, hash) of every stored hash of the pristine log."""
    return [(row["position"], level, index, digest) for row in led.pristine.events
            for level, index, digest in unpack_hashes(row["position"], row["merkle"])]


@EXAMPLES
@given(data=st.data())
def test_tampered_stored_merkle_node_is_named_and_breaks_proofs(led: Ledger, data: st.DataObject) -> None:
    position, level, idx, digest = data.draw(st.sampled_from(_stored_nodes(led)), label="node")
    byte = data.draw(st.integers(0, 31), label="byte")
    row = led.row(position)
    blob = bytearray(row["merkle"])
    blob[level * 32 + byte] ^= 0x80
    forged = bytes(blob[level * 32:(level + 1) * 32])
    with tampering(led):
        sql.update_event(led.app, row["nid"], merkle=bytes(blob))
        report = failing(led.app)
        if level == 0:
            assert at(report, idx, LEAF_MISMATCH), describe(report)
        else:
            bad = at(report, idx << level, f"stored Merkle node (level {level}, index {idx})")
            assert bad, describe(report)
            assert bad[0].expected == short(digest) and bad[0].found == short(forged)
        # proofs are served from the stored nodes: some proof must now fail against the signed root
        root = SignedCheckpoint.from_text(_note(led, SIZE)).checkpoint.root_hash
        broken = []
        for position in range(SIZE):
            answer = prove_inclusion(led.app, position)
            try:
                merkle.verify_inclusion(answer.leaf_hash, position, SIZE, answer.proof, root)
            except ProofError:
                broken.append(position)
        assert broken, f"no inclusion proof uses node ({level}, {idx})"
        if level == 0:
            assert idx in broken


# --- the key registry -----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [2, 3, 4, 5], ids=["credit-office-registered", "dept-a-registered",
                                                       "dept-b-registered", "credit-office-rotated"])
def test_deleted_key_registry_event_is_named_and_its_keys_signatures_fail(led: Ledger, version: int) -> None:
    position = led.registry_positions()[version - 1]
    row = led.row(position)
    assert row["originator_version"] == version
    payload = json.loads(unpack(row["state"]).payload)
    lost_key = payload.get("new_key_id") or payload["key_id"]
    users = [p for p in range(SIZE) if p != position and unpack(led.row(p)["state"]).key_id == lost_key]
    assert users, "the deleted key signed nothing else: the test would prove nothing"
    with tampering(led):
        sql.delete_event(led.app, row["nid"])
        report = failing(led.app)
        assert at(report, position, "event row missing"), describe(report)
        for user in users:
            bad = at(report, user, "signature envelope")
            assert bad and f"key {lost_key} is not in the key registry" in bad[0].found, describe(report)


def test_deleted_genesis_registry_event_fails_every_root_signed_event(led: Ledger) -> None:
    row = led.row(0)
    with tampering(led):
        sql.delete_event(led.app, row["nid"])
        report = failing(led.app)
        assert at(report, 0, "event row missing"), describe(report)
        for position in led.registry_positions()[1:]:
            assert names_bad_signature(report, position), describe(report)


def test_verify_on_every_core_reports_what_one_process_reports(led: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker processes check chunks of rows and build their subtrees; the parent joins them. One process
    reading the next chunk in a thread while it checks one reports the same."""
    row = led.row(13)
    blob = bytearray(row["merkle"])
    blob[-1] ^= 1  # position 13 completes (1, 6): a node inside a chunk of 8
    top = led.row(15)
    top_blob = bytearray(top["merkle"])
    top_blob[-1] ^= 1  # position 15 completes (4, 0): a node above the chunks of 8
    with tampering(led):
        sql.update_event(led.app, row["nid"], merkle=bytes(blob))
        sql.update_event(led.app, top["nid"], merkle=bytes(top_blob))
        sql.delete_event(led.app, led.row(26)["nid"])
        one = failing(led.app)
        every = verify_ledger(led.app, workers=2, chunk=8)
        assert [str(p) for p in every.problems] == [str(p) for p in one.problems]
        monkeypatch.setattr(audit, "READ_AHEAD_FROM", 0)
        ahead = verify_ledger(led.app, workers=1, chunk=8)
        assert [str(p) for p in ahead.problems] == [str(p) for p in one.problems]
        assert at(one, 12, "stored Merkle node (level 1, index 6)") and at(one, 0, "stored Merkle node (level 4, index 0)")
        assert at(one, 26, "event row missing"), describe(one)


def test_an_event_slipped_in_by_sql_without_the_logs_columns_is_named(led: Ledger) -> None:
    """PostgreSQL: a row inserted without a position is outside the log (counted and listed); SQLite: every
    row has a position (its rowid), so a row without hashes is named at that position."""
    t = sql.tables(led.app)
    donor = led.row(SIZE - 1)
    forged = {**donor, "originator_version": donor["originator_version"] + 1000}
    with tampering(led):
        if t.dialect == "postgres":
            sql.execute(led.app, f"INSERT INTO {t.events} (originator_id, originator_version, topic, state) "
                                 "VALUES (?, ?, ?, ?)", [forged[c] for c in EVENT_COLUMNS])
            report = failing(led.app)
            assert at(report, None, "event without a log position or Merkle hashes"), describe(report)
            count = at(report, None, "number of stored events")
            assert count and count[0].found == str(SIZE + 1), describe(report)
        else:
            sql.execute(led.app, f"INSERT INTO {t.events} (originator_id, originator_version, topic, state, merkle) "
                                 "VALUES (?, ?, ?, ?, ?)", [*(forged[c] for c in EVENT_COLUMNS), b""])
            report = failing(led.app)
            hashes = at(report, SIZE, "stored Merkle hashes")
            assert hashes and hashes[0].found == "0 bytes", describe(report)
