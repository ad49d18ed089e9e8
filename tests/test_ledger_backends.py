"""Ledger integration tests, written once and run on both backends (DESIGN §3 "Storage").

"One abstract test case, two subclasses": `LedgerBackendContract` holds every test and builds its
`ledger` fixture from the abstract `make_settings(tmp_path)`; `TestSQLiteLedger` and
`TestPostgresLedger` supply a temporary SQLite file and a fresh PostgreSQL schema. Everything runs
against a real database with real Ed25519 keys; the recorders' private eventsourcing hooks
(`_insert_events` on SQLite, `insert_events` on PostgreSQL) are exercised by every save.
"""

from __future__ import annotations

import abc
import json
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, RecordConflictError
from nacl.signing import VerifyKey

from ledger_support.backends import (
    drop_pg_schema,
    initialised_ledger,
    new_pg_schema,
    postgres_settings,
    require_postgres,
    sqlite_settings,
)
from ledger import merkle
from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.checkpoint import SignedCheckpoint
from ledger.config import Settings
from ledger.envelope import leaf_data, signed_message, unpack
from ledger.errors import SignatureInvalidError, StaleKeyHistoryError, UnknownKeyError, UnsignedSaveError
from ledger.keybook import REGISTRY_TOPIC_PREFIX
from ledger.keyregistry import REGISTRY_ID
from ledger.keys import ROOT_UNIT
from ledger.merkle_tables import hash_count, unpack_hashes
from ledger.transparency import create_checkpoint, prove_consistency, prove_inclusion
from ledger.verification_errors import ProofError
from ledger_support import sql

UNITS = ("credit-office", "dept-a", "dept-b")
REGISTRY_EVENTS = 1 + len(UNITS)  # Started + one KeyRegistered per unit


class Dossier(Aggregate):
    """Tiny test aggregate: every event carries the acting unit (DESIGN §3: the signer is the actor)."""

    @event("Opened")
    def __init__(self, subject: str, actor_unit: str) -> None:
        self.subject = subject
        self.entries: list[str] = []

    @event("Annotated")
    def annotate(self, text: str, actor_unit: str) -> None:
        self.entries.append(text)


def open_dossier(app: LedgerApplication, unit: str, notes: int = 0) -> Dossier:
    """Create a dossier by `unit`, annotate it `notes` times, store it signed by `unit`."""
    dossier = Dossier(f"subject-{unit}", actor_unit=unit)
    for n in range(notes):
        dossier.annotate(f"note {n}", actor_unit=unit)
    app.save_as(unit, dossier)
    return dossier


def stored_count(app: LedgerApplication) -> int:
    """Rows in the events table (independent of the log's size, its last position + 1)."""
    return app.log.row_counts()[0]


def root_verify_key(app: LedgerApplication) -> VerifyKey:
    """The pinned root public key (trust anchor) as a PyNaCl verify key."""
    pinned = app.keystore.pinned_root()
    assert pinned is not None
    return VerifyKey(pinned)


def checkpoint_root(app: LedgerApplication, note: str) -> tuple[int, bytes]:
    """Verify a checkpoint note with the root key; return (size, root hash)."""
    cp = SignedCheckpoint.from_text(note).verify({app.settings.origin: root_verify_key(app)})
    return cp.size, cp.root_hash


def assert_dense(app: LedgerApplication) -> list[dict]:
    """Leaf positions are 0..n-1, each names a distinct stored event, in notification-id order."""
    leaves = sql.leaf_rows(app)
    events = sql.event_rows(app)
    assert [leaf["position"] for leaf in leaves] == list(range(len(events)))
    nids = [leaf["notification_id"] for leaf in leaves]
    assert nids == sorted(nids) and len(set(nids)) == len(nids)
    assert sorted(nids) == [e["nid"] for e in events]
    assert app.log.tree_size() == app.event_count() == len(events)
    return leaves


def assert_verifies(app: LedgerApplication) -> None:
    report = verify_ledger(app, workers=1)
    assert report.ok, [str(p) for p in report.problems]
    assert report.signatures == report.tree_size == app.event_count()


class LedgerBackendContract(abc.ABC):
    """Every ledger integration test; subclasses choose the backend through `make_settings`."""

    @abc.abstractmethod
    def make_settings(self, tmp_path: Path) -> Settings:
        """Settings for a fresh, empty ledger database on this backend."""

    def discard_settings(self, settings: Settings) -> None:
        """Remove what make_settings created outside tmp_path (default: nothing)."""

    @pytest.fixture
    def ledger(self, tmp_path: Path) -> Iterator[LedgerApplication]:
        settings = self.make_settings(tmp_path)
        try:
            app = initialised_ledger(settings, UNITS)
            try:
                yield app
            finally:
                app.close()
        finally:
            self.discard_settings(settings)

    # --- init -----------------------------------------------------------------------------------

    def test_init_is_idempotent_second_initialise_adds_no_event(self, ledger: LedgerApplication) -> None:
        before = ledger.event_count()
        assert before == REGISTRY_EVENTS
        root_id = ledger.keybook.root_key_id
        again = LedgerApplication(ledger.settings, create_tables=True)
        try:
            assert again.initialise() == root_id
            assert again.initialise() == root_id
        finally:
            again.close()
        assert ledger.event_count() == stored_count(ledger) == before
        assert len(ledger.recorder.select_events(REGISTRY_ID)) == REGISTRY_EVENTS
        assert_verifies(ledger)

    # --- signing on write, verifying on read -----------------------------------------------------

    def test_every_stored_state_is_an_envelope_signed_by_the_acting_units_active_key(
            self, ledger: LedgerApplication) -> None:
        open_dossier(ledger, "dept-a", notes=2)
        open_dossier(ledger, "dept-b", notes=1)
        ledger.refresh_keys(force=True)
        rows = sql.event_rows(ledger)
        assert len(rows) == REGISTRY_EVENTS + 3 + 2
        seen_units = set()
        for row in rows:
            envelope = unpack(row["state"])  # raises unless the state is a signed envelope
            if row["topic"].startswith(REGISTRY_TOPIC_PREFIX):
                unit = ROOT_UNIT
            else:
                unit = json.loads(envelope.payload)["actor_unit"]
            seen_units.add(unit)
            active = ledger.keybook.active_for(unit)
            assert active is not None and envelope.key_id == active.key_id
            message = signed_message(row["originator_id"], row["originator_version"], row["topic"], envelope)
            VerifyKey(active.public_key).verify(message, envelope.signature)
            # the public key is the one of the private key file the unit signs with
            assert ledger.keystore.load(envelope.key_id).public_key == active.public_key
        assert seen_units == {ROOT_UNIT, "dept-a", "dept-b"}

    def test_reading_back_verifies_tampered_signature_in_sql_makes_get_raise_signature_invalid(
            self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a", notes=1)
        assert ledger.get(dossier.id).entries == ["note 0"]
        row = next(r for r in sql.event_rows(ledger) if r["originator_version"] == 2
                   and "Dossier" in r["topic"])
        envelope = unpack(row["state"])
        sig_at = row["state"].index(envelope.signature)
        state = bytearray(row["state"])
        state[sig_at + 10] ^= 0x01
        sql.update_event(ledger, row["nid"], state=bytes(state))
        # A process verifies each event when it first reads it (it then fast-forwards its cached copy with
        # newer events only; its own saves go into the cache as saved), so the tampering shows in any process
        # reading it afresh, and always in verify.
        reader = LedgerApplication(ledger.settings)
        try:
            with pytest.raises(SignatureInvalidError, match="does not verify"):
                reader.get(dossier.id)
            assert reader.get(dossier.id, version=1).subject == "subject-dept-a"  # v1 untouched
        finally:
            reader.close()
        assert {p.what for p in verify_ledger(ledger, workers=1).problems} >= {"signature"}

    def test_cached_aggregate_is_fast_forwarded_with_verified_newer_events_from_another_process(
            self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a", notes=1)
        assert ledger.get(dossier.id).entries == ["note 0"]  # now cached in this process
        other = LedgerApplication(ledger.settings)
        try:
            again = other.get(dossier.id)
            again.annotate("note 1", actor_unit="dept-a")
            other.save_as("dept-a", again)
        finally:
            other.close()
        assert ledger.get(dossier.id).entries == ["note 0", "note 1"]
        copy = ledger.get(dossier.id)
        copy.annotate("never saved", actor_unit="dept-a")
        assert ledger.get(dossier.id).entries == ["note 0", "note 1"]  # callers get copies, never the cache

    def test_a_saved_aggregate_is_cached_as_saved_and_later_changes_by_the_caller_do_not_leak(
            self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a", notes=1)
        kept = ledger.get(dossier.id)  # now kept in this process's cache
        kept.annotate("note 1", actor_unit="dept-a")
        ledger.save_as("dept-a", kept)
        kept.annotate("changed after the save, never saved", actor_unit="dept-a")
        assert ledger.get(dossier.id).entries == ["note 0", "note 1"]
        assert ledger.get(dossier.id).version == kept.version - 1
        other = LedgerApplication(ledger.settings)  # and what it kept is what was stored
        try:
            assert other.get(dossier.id).entries == ["note 0", "note 1"]
        finally:
            other.close()

    def test_one_save_carries_one_signature_and_each_event_verifies_on_its_own_path(
            self, ledger: LedgerApplication) -> None:
        open_dossier(ledger, "dept-a", notes=4)  # five events in one save
        rows = [r for r in sql.event_rows(ledger) if "Dossier" in r["topic"]]
        envelopes = [unpack(r["state"]) for r in rows]
        assert {e.signature for e in envelopes} == {envelopes[0].signature}
        assert sorted(e.index for e in envelopes) == list(range(5)) and {e.batch_size for e in envelopes} == {5}
        public_key = ledger.keybook.active_for("dept-a").public_key
        for row, envelope in zip(rows, envelopes):
            VerifyKey(public_key).verify(signed_message(row["originator_id"], row["originator_version"],
                                                        row["topic"], envelope), envelope.signature)

    def test_tampered_batch_path_or_index_makes_get_raise_signature_invalid(self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a", notes=2)
        row = next(r for r in sql.event_rows(ledger) if r["originator_version"] == 3 and "Dossier" in r["topic"])
        envelope = unpack(row["state"])
        assert envelope.path, "a save of three events gives each event a non-empty path"
        state = bytearray(row["state"])
        state[row["state"].index(envelope.path[0])] ^= 0x01
        sql.update_event(ledger, row["nid"], state=bytes(state))
        reader = LedgerApplication(ledger.settings)  # the writer keeps what it signed; a fresh reader verifies
        try:
            with pytest.raises(SignatureInvalidError, match="does not verify"):
                reader.get(dossier.id)
        finally:
            reader.close()
        report = verify_ledger(ledger, workers=1)
        assert {p.what for p in report.problems} == {"signature", "leaf hash does not match the stored event"}

    def test_save_without_signer_is_refused_with_unsigned_save_error_and_stores_nothing(
            self, ledger: LedgerApplication) -> None:
        before = stored_count(ledger)
        dossier = Dossier("unsigned", actor_unit="dept-a")
        with pytest.raises(UnsignedSaveError):
            ledger.save(dossier)
        assert stored_count(ledger) == ledger.event_count() == before
        assert not ledger.exists(dossier.id)
        assert_verifies(ledger)

    def test_save_as_unit_without_key_raises_unknown_key_error_and_stores_nothing(
            self, ledger: LedgerApplication) -> None:
        before = stored_count(ledger)
        dossier = Dossier("no key", actor_unit="dept-z")
        with pytest.raises(UnknownKeyError, match="dept-z"):
            ledger.save_as("dept-z", dossier)
        assert stored_count(ledger) == ledger.event_count() == before
        assert not ledger.exists(dossier.id)

    # --- key rotation and revocation (DESIGN §3: registry changes are signed events) -------------

    def test_rotation_old_events_still_read_and_verify_new_events_use_new_key(
            self, ledger: LedgerApplication) -> None:
        old_key = ledger.signer_for("dept-a").key_id
        before = open_dossier(ledger, "dept-a", notes=2)
        new_signer = ledger.rotate_key("dept-a")
        assert new_signer.key_id != old_key
        after = open_dossier(ledger, "dept-a", notes=1)
        # old events still read (and are verified on read) with the rotated key
        assert ledger.get(before.id).entries == ["note 0", "note 1"]
        assert ledger.get(after.id).entries == ["note 0"]
        keys = {r["originator_id"]: set() for r in sql.event_rows(ledger)}
        for r in sql.event_rows(ledger):
            keys[r["originator_id"]].add(unpack(r["state"]).key_id)
        by_id = {str(k).replace("-", ""): v for k, v in keys.items()}
        assert by_id[before.id.hex] == {old_key}
        assert by_id[after.id.hex] == {new_signer.key_id}
        ledger.refresh_keys(force=True)
        assert ledger.keybook.records[old_key].status == "rotated"
        assert_verifies(ledger)

    def test_revocation_save_as_after_revoke_is_refused_and_stores_nothing(
            self, ledger: LedgerApplication) -> None:
        open_dossier(ledger, "dept-a")
        ledger.revoke_key(ledger.signer_for("dept-a").key_id, "key file leaked")
        before = stored_count(ledger)
        with pytest.raises(UnknownKeyError, match="dept-a"):
            open_dossier(ledger, "dept-a")
        assert stored_count(ledger) == before
        open_dossier(ledger, "dept-b")  # other units are unaffected
        assert_verifies(ledger)

    def test_event_forged_with_revoked_key_after_revocation_fails_verify_naming_revoked_and_position(
            self, ledger: LedgerApplication) -> None:
        old_signer = ledger.signer_for("dept-a")
        dossier = open_dossier(ledger, "dept-a")
        ledger.revoke_key(old_signer.key_id, "key file leaked")
        assert_verifies(ledger)
        dossier.annotate("forged after revocation", actor_unit="dept-a")
        ledger.events.put(dossier.collect_events(), signer=old_signer)  # bypasses save_as's key check
        forged_position = ledger.event_count() - 1
        report = verify_ledger(ledger, workers=1)
        assert not report.ok
        bad = [p for p in report.problems if p.position == forged_position]
        assert bad, [str(p) for p in report.problems]
        assert "revoked" in bad[0].found and old_signer.key_id in bad[0].found
        assert {p.position for p in report.problems} == {forged_position}
        with pytest.raises(SignatureInvalidError, match="revoked"):
            ledger.get(dossier.id)

    # --- the Merkle log ---------------------------------------------------------------------------

    def test_leaf_positions_are_dense_and_each_row_stores_the_hashes_it_completes(
            self, ledger: LedgerApplication) -> None:
        for unit in UNITS:
            open_dossier(ledger, unit, notes=2)
        a, b = Dossier("a", actor_unit="dept-a"), Dossier("b", actor_unit="dept-a")
        ledger.save_as("dept-a", a, b)  # two aggregates, one transaction
        leaves = assert_dense(ledger)
        assert len(leaves) == REGISTRY_EVENTS + 9 + 2
        assert ledger.log.unlogged_events() == []
        # each row stores its leaf hash and every subtree it completes, exactly as a fresh tree computes them
        expected = merkle.MemoryNodeStore()
        for row in sql.event_rows(ledger):
            leaf = merkle.leaf_hash(leaf_data(row["originator_id"], row["originator_version"], row["topic"],
                                              row["state"]))
            expected.append(leaf)
            position = row["position"]
            assert len(row["merkle"]) == 32 * hash_count(position)
            for level, index, digest in unpack_hashes(position, row["merkle"]):
                assert expected.nodes([(level, index)]) == {(level, index): digest}
        assert [hash_count(p) for p in range(8)] == [1, 2, 1, 3, 1, 2, 1, 4]
        assert_verifies(ledger)

    def test_a_save_of_many_events_stays_dense_and_verifies(self, ledger: LedgerApplication) -> None:
        dossiers = [Dossier(f"bulk {k}", actor_unit="dept-a") for k in range(7)]
        ledger.save_as("dept-a", *dossiers)
        open_dossier(ledger, "dept-b")
        assert_dense(ledger)
        assert [ledger.get(d.id).subject for d in dossiers] == [f"bulk {k}" for k in range(7)]
        assert_verifies(ledger)

    def test_a_save_failing_midway_stores_nothing_and_the_next_save_chains_to_the_stored_log(
            self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a")
        stale = ledger.get(dossier.id)
        dossier.annotate("wins", actor_unit="dept-a")
        ledger.save_as("dept-a", dossier)
        n = ledger.event_count()
        fresh = Dossier("never stored", actor_unit="dept-a")
        stale.annotate("loses", actor_unit="dept-a")
        with pytest.raises(IntegrityError):  # the fresh dossier's row is inserted first, then the conflict
            ledger.save_as("dept-a", fresh, stale)
        assert stored_count(ledger) == ledger.event_count() == n
        assert not ledger.exists(fresh.id)
        open_dossier(ledger, "dept-b")  # this process's view of the log's end must not include the failed rows
        assert_dense(ledger)
        assert_verifies(ledger)

    def test_another_writer_in_between_the_hashes_are_recomputed_from_the_stored_log(
            self, ledger: LedgerApplication) -> None:
        other = LedgerApplication(ledger.settings)  # its own connections and its own view of the log's end
        try:
            for k in range(5):
                open_dossier(ledger, "dept-a", notes=k % 2)
                for _ in range(k):
                    open_dossier(other, "dept-b")
        finally:
            other.close()
        assert_dense(ledger)
        assert_verifies(ledger)

    def test_key_rotated_by_another_writer_after_the_signer_was_chosen_is_not_used(
            self, ledger: LedgerApplication) -> None:
        old = ledger.signer_for("dept-a")
        other = LedgerApplication(ledger.settings)
        try:
            new = other.rotate_key("dept-a")
        finally:
            other.close()
        n = ledger.event_count()
        with pytest.raises(StaleKeyHistoryError):  # the recorder re-checks the registry in the insert transaction
            ledger._save_signed(old, Dossier("late", actor_unit="dept-a"))
        assert ledger.event_count() == stored_count(ledger) == n
        dossier = open_dossier(ledger, "dept-a")  # save_as re-reads the keys and signs with the new one
        row = next(r for r in sql.event_rows(ledger) if str(r["originator_id"]).replace("-", "") == dossier.id.hex)
        assert unpack(row["state"]).key_id == new.key_id != old.key_id
        assert_verifies(ledger)

    def test_record_conflict_error_stores_nothing_and_log_still_verifies(self, ledger: LedgerApplication) -> None:
        dossier = open_dossier(ledger, "dept-a")
        first, second = ledger.get(dossier.id), ledger.get(dossier.id)
        first.annotate("first", actor_unit="dept-a")
        second.annotate("second", actor_unit="dept-a")
        ledger.save_as("dept-a", first)
        before = stored_count(ledger)
        with pytest.raises(RecordConflictError):
            ledger.save_as("dept-a", second)
        assert stored_count(ledger) == ledger.event_count() == before
        assert ledger.get(dossier.id).entries == ["first"]
        open_dossier(ledger, "dept-b")
        assert_dense(ledger)
        assert_verifies(ledger)

    def test_concurrent_writers_4_threads_x_15_saves_leave_a_log_that_verifies(
            self, ledger: LedgerApplication) -> None:
        threads, saves = 4, 15
        start = threading.Barrier(threads)
        errors: list[BaseException] = []
        ids: list = [None] * threads
        units = ["dept-a", "dept-b", "credit-office", "dept-a"]

        def writer(k: int) -> None:
            app = LedgerApplication(ledger.settings)  # its own connections, like another process
            try:
                unit = units[k]
                dossier = Dossier(f"thread-{k}", actor_unit=unit)
                ids[k] = dossier.id
                start.wait()
                app.save_as(unit, dossier)
                for n in range(saves - 1):
                    dossier.annotate(f"t{k}-{n}", actor_unit=unit)
                    app.save_as(unit, dossier)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                app.close()

        workers = [threading.Thread(target=writer, args=(k,)) for k in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
        assert not errors, errors
        assert ledger.event_count() == REGISTRY_EVENTS + threads * saves
        assert_dense(ledger)
        for k, dossier_id in enumerate(ids):
            assert ledger.get(dossier_id).entries == [f"t{k}-{n}" for n in range(saves - 1)]
        assert_verifies(ledger)

    def test_checkpoint_and_inclusion_proof_of_every_position_verify_against_checkpoint_root(
            self, ledger: LedgerApplication) -> None:
        for unit in UNITS:
            open_dossier(ledger, unit, notes=3)
        signed = create_checkpoint(ledger)
        size, root = checkpoint_root(ledger, signed.to_text())
        assert size == ledger.event_count() == REGISTRY_EVENTS + 12
        leaves = {r["position"]: r["notification_id"] for r in sql.leaf_rows(ledger)}
        events = {r["nid"]: r for r in sql.event_rows(ledger)}
        for position in range(size):
            answer = prove_inclusion(ledger, position)
            assert answer.tree_size == size and answer.checkpoint == signed.to_text()
            event_row = events[leaves[position]]
            recomputed = merkle.leaf_hash(leaf_data(event_row["originator_id"], event_row["originator_version"],
                                                    event_row["topic"], event_row["state"]))
            assert answer.leaf_hash == recomputed
            merkle.verify_inclusion(answer.leaf_hash, position, size, answer.proof, root)
            other = (position + 1) % size
            with pytest.raises(ProofError):  # the proof binds the leaf to its position
                merkle.verify_inclusion(answer.leaf_hash, other, size, answer.proof, root)
        assert create_checkpoint(ledger).to_text() == signed.to_text()  # unchanged log: same checkpoint
        assert len(ledger.log.checkpoints()) == 1

    def test_consistency_proofs_between_two_checkpoints_verify(self, ledger: LedgerApplication) -> None:
        roots = {}
        for unit in UNITS:
            open_dossier(ledger, unit, notes=1)
            size, root = checkpoint_root(ledger, create_checkpoint(ledger).to_text())
            roots[size] = root
        open_dossier(ledger, "dept-a", notes=4)
        size, root = checkpoint_root(ledger, create_checkpoint(ledger).to_text())
        roots[size] = root
        sizes = sorted(roots)
        assert len(sizes) == 4
        for i, old in enumerate(sizes):
            for new in sizes[i + 1:]:
                answer = prove_consistency(ledger, old, new)
                assert checkpoint_root(ledger, answer.old_checkpoint) == (old, roots[old])
                assert checkpoint_root(ledger, answer.new_checkpoint) == (new, roots[new])
                merkle.verify_consistency(old, new, roots[old], roots[new], answer.proof)
                with pytest.raises(ProofError):  # and it does not vouch for a different new root
                    merkle.verify_consistency(old, new, roots[old], roots[sizes[0]], answer.proof)
        report = verify_ledger(ledger, workers=1)
        assert report.ok and report.checkpoints == 4

    def test_verify_ledger_on_clean_log_is_ok_with_signatures_equal_to_tree_size(
            self, ledger: LedgerApplication) -> None:
        for unit in UNITS:
            open_dossier(ledger, unit, notes=2)
        create_checkpoint(ledger)
        report = verify_ledger(ledger, workers=1)
        assert report.ok, [str(p) for p in report.problems]
        assert report.tree_size == ledger.event_count() == REGISTRY_EVENTS + 9
        assert report.signatures == report.tree_size
        assert report.checkpoints == 1
        assert report.keys == 1 + len(UNITS)


class TestSQLiteLedger(LedgerBackendContract):
    """The contract on a SQLite file (notification id = rowid of stored_events)."""

    def make_settings(self, tmp_path: Path) -> Settings:
        return sqlite_settings(tmp_path)


@pytest.mark.postgres
class TestPostgresLedger(LedgerBackendContract):
    """The contract on PostgreSQL (table ledger_events in a fresh schema per test)."""

    def make_settings(self, tmp_path: Path) -> Settings:
        require_postgres()
        return postgres_settings(tmp_path, new_pg_schema())

    def discard_settings(self, settings: Settings) -> None:
        drop_pg_schema(parse_qs(urlparse(settings.database_url).query)["schema"][0])

    def test_gaps_in_postgres_notification_ids_chain_to_previous_row_positions_stay_dense(
            self, ledger: LedgerApplication) -> None:
        """DESIGN §3: "PostgreSQL ids can have gaps, so chain to the previous row, never to id-1"."""
        table = ledger.log.merkle.events.replace('"', "")
        open_dossier(ledger, "dept-a")
        for _ in range(3):
            sql.query(ledger, f"SELECT nextval(pg_get_serial_sequence('{table}', 'notification_id')) AS n")
        dossier = open_dossier(ledger, "dept-b")
        stale = ledger.get(dossier.id)
        dossier.annotate("wins", actor_unit="dept-b")
        ledger.save_as("dept-b", dossier)
        stale.annotate("loses", actor_unit="dept-b")
        with pytest.raises(RecordConflictError):
            ledger.save_as("dept-b", stale)  # burns a sequence value too
        open_dossier(ledger, "credit-office", notes=1)
        nids = [r["nid"] for r in sql.event_rows(ledger)]
        gaps = [b - a for a, b in zip(nids, nids[1:]) if b - a > 1]
        assert len(gaps) >= 2 and sum(g - 1 for g in gaps) >= 4, nids
        assert_dense(ledger)
        assert_verifies(ledger)
        signed = create_checkpoint(ledger)
        size, root = checkpoint_root(ledger, signed.to_text())
        for position in range(size):
            answer = prove_inclusion(ledger, position)
            merkle.verify_inclusion(answer.leaf_hash, position, size, answer.proof, root)


def test_key_id_of_reads_the_same_key_id_as_unpack_and_refuses_what_unpack_refuses() -> None:
    """The header-only reader used by the projections agrees with the full envelope parser."""
    from nacl.signing import SigningKey

    from ledger.envelope import EnvelopeError, key_id_of, seal

    key = SigningKey.generate()
    state = seal("0" * 32, 1, "t.Topic", b'{"a": 1}', "unit-a:0123456789abcdef", lambda m: key.sign(m).signature)
    assert key_id_of(state) == unpack(state).key_id == "unit-a:0123456789abcdef"
    for broken in (b"CLE1" + state[4:], state[:5], b""):
        with pytest.raises(EnvelopeError):
            key_id_of(broken)
