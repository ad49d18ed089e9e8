"""The ledger application: an eventsourcing Application whose every event is signed and Merkle-logged."""

from __future__ import annotations

from copy import deepcopy
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, project_aggregate
from eventsourcing.domain import BaseAggregate
from eventsourcing.persistence import JSONTranscoder, Mapper, PersistenceError, StoredEvent
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from ledger.config import Settings, eventsourcing_env
from ledger.envelope import EnvelopeError, signed_message, unpack
from ledger.errors import DatabaseUnreachableError, NotInitialisedError, StaleKeyHistoryError, UnknownKeyError
from ledger.keybook import REGISTRY_TOPIC_PREFIX, KeyBook, KeyProblem, KeyRecord
from ledger.keyregistry import REGISTRY_ID, KeyRegistry
from ledger.keys import ROOT_UNIT, KeyStore, Signer, make_key_id
from ledger.recorders import MerkleLogMixin
from ledger.signing_store import SigningEventStore, VerifyingMapper
from ledger.transcodings import register_ledger_transcodings


# Long-lived processes (web, demo, follower) keep recently read aggregates and fast-forward them with only
# the events stored since (each still verified); a copy is handed out, so a refused command cannot leave
# half-applied state behind. Without it, every command would replay the filing indexes from their start.
# A process's own saves refresh the aggregates it keeps (eventsourcing does so only without fast-forward), so
# it does not read back and re-verify what it has just signed; other writers' events are still read, verified.
AGGREGATE_CACHE = {"AGGREGATE_CACHE_MAXSIZE": "2000", "AGGREGATE_CACHE_FASTFORWARD": "y",
                   "DEEPCOPY_FROM_AGGREGATE_CACHE": "y"}


class LedgerApplication(Application):
    """Signed, Merkle-logged event store (SQLite by default, PostgreSQL via LEDGER_DATABASE_URL)."""

    name = "Ledger"

    def __init__(self, settings: Settings | None = None, *, create_tables: bool = False) -> None:
        self.settings = settings or Settings.from_env()
        self.keystore = KeyStore(self.settings.keys_dir)
        self.keybook = KeyBook()
        self._registry_version = 0
        self._signers: dict[str, Signer] = {}
        self._active_signers: dict[str, Signer] = {}  # per unit, for the key book in hand (cleared when re-read)
        try:
            super().__init__(env={**eventsourcing_env(self.settings.database_url, create_table=create_tables),
                                  **AGGREGATE_CACHE})
        except (PersistenceError, OSError) as exc:
            raise DatabaseUnreachableError(f"cannot open the ledger database: {_one_line(exc)}") from None
        self.mapper.resolver = self  # type: ignore[attr-defined]

    @property
    def log(self) -> MerkleLogMixin:  # type: ignore[override]
        """The Merkle log (the application recorder)."""
        return self.recorder  # type: ignore[return-value]

    def construct_mapper(self) -> Mapper:
        """Mapper that verifies signatures on every read."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=VerifyingMapper)

    def construct_event_store(self) -> SigningEventStore:
        """Event store that signs on every write."""
        return SigningEventStore(mapper=self.mapper, recorder=self.recorder)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Defaults plus business dates."""
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    # --- the EventLedger port used by the domain service -------------------------------------
    def save_as(self, unit: str, *aggregates: Any) -> None:
        """Store the aggregates' pending events atomically, signed with `unit`'s active key.

        The recorder re-checks, inside the insert transaction, that the key registry has not changed
        since the signer was chosen; if it has (a rotation or revocation elsewhere), the keys are
        re-read and the save is retried once with the then-active key.
        """
        # A refused save has already taken the aggregates' pending events; they are put back for the retry.
        pending = [list(getattr(a, "_pending_events", ())) for a in aggregates]
        for attempt in (1, 2):
            try:
                self._save_signed(self.signer_for(unit), *aggregates)
                return
            except StaleKeyHistoryError:
                if attempt == 2:
                    raise
                for aggregate, events in zip(aggregates, pending, strict=True):
                    if events:
                        aggregate._pending_events[:] = events
                self.refresh_keys(force=True)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's `Application.save`, collecting events through `_QuickCollect` (same steps, same order)."""
        processing_event = _QuickCollect()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # the library's deprecated hook, kept as its own save calls it
        return recordings

    def _save_signed(self, signer: Signer, *aggregates: Any) -> None:
        # an aggregate created by this save (all its events pending) cannot be in the cache yet
        created = {id(a) for a in aggregates if getattr(a, "version", None) == len(getattr(a, "_pending_events", ()))}
        self.save(*aggregates, signer=signer, registry_version=self._registry_version)
        cache = self.repository.cache
        if cache is not None:
            for aggregate in aggregates:
                if id(aggregate) in created:
                    continue
                try:
                    cache.get(aggregate.id)  # only aggregates this process keeps (read before) are refreshed
                except KeyError:
                    continue
                cache.put(aggregate.id, deepcopy(aggregate))  # a copy: the caller may go on changing its own

    def get(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """Reconstruct an aggregate from its verified events; KeyError when absent."""
        try:
            return self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise KeyError(aggregate_id) from None

    def get_at_position(self, aggregate_id: UUID, position: int) -> Any | None:
        """The aggregate at its last version whose event is at or before log `position`, or None.

        One query (the aggregate's rows with their positions and states); every event is verified by the same
        mapper as `get`, so this answers exactly what `get(aggregate_id, version=last)` would.
        """
        rows = self.log.aggregate_rows(aggregate_id)
        logged = [int(r["originator_version"]) for r in rows
                  if r["position"] is not None and int(r["position"]) <= position]
        if not logged:
            return None
        last = max(logged)
        events = (self.mapper.to_domain_event(StoredEvent(aggregate_id, int(r["originator_version"]), r["topic"],
                                                          bytes(r["state"])))
                  for r in rows if int(r["originator_version"]) <= last)
        return project_aggregate(None, events)

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether any event exists for this aggregate id."""
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def event_count(self) -> int:
        """Number of events in the log."""
        return self.log.tree_size()

    # --- keys ---------------------------------------------------------------------------------
    def check_initialised(self) -> None:
        """Raise NotInitialisedError unless `ledger init` has run on this database."""
        try:
            self.log.tree_size()
            started = self.recorder.select_events(REGISTRY_ID, limit=1)
        except PersistenceError as exc:
            raise NotInitialisedError(f"the ledger database is not initialised (run `ledger init`): "
                                      f"{_one_line(exc)}") from None
        self._check_layout()
        if not started:
            raise NotInitialisedError("the ledger has no key registry yet (run `ledger init`)")

    def _check_layout(self) -> None:
        """Refuse a database written with an earlier storage layout of the log (separate leaf and node tables)."""
        problem = self.log.layout_problem()
        if problem is not None:
            raise NotInitialisedError(f"this database uses an earlier layout of the Merkle log: {problem}; "
                                      "create a new ledger database (`ledger init` on an empty one)")

    def signer_for(self, unit: str) -> Signer:
        """The private key the unit signs with now (as far as this process knows; saves re-check)."""
        active = self._active_signers.get(unit)
        if active is not None:
            return active
        if not self.keybook.records:
            self.refresh_keys(force=True)
        record = self.keybook.active_for(unit)
        if record is None:
            raise UnknownKeyError(f"unit {unit!r} has no active key in the key registry")
        if record.key_id not in self._signers:
            self._signers[record.key_id] = self.keystore.load(record.key_id)
        self._active_signers[unit] = self._signers[record.key_id]
        return self._signers[record.key_id]

    def root_signer(self) -> Signer:
        """The ledger root key (signs the key registry and checkpoints)."""
        return self.signer_for(ROOT_UNIT)

    def key_record(self, key_id: str, topic: str) -> KeyRecord:
        """KeyResolver for the verifying mapper."""
        if key_id not in self.keybook.records:
            self.refresh_keys(force=True)
        record = self.keybook.get(key_id)
        if topic.startswith(REGISTRY_TOPIC_PREFIX) and key_id != self.keybook.root_key_id:
            raise KeyProblem(f"key registry event signed by {key_id}, not by the root key")
        return record

    def refresh_keys(self, *, force: bool = False) -> None:
        """Re-read the key registry if it has new events (verifying each with the root key)."""
        last = self.recorder.select_events(REGISTRY_ID, desc=True, limit=1)
        version = last[0].originator_version if last else 0
        if force or version != self._registry_version:
            self.keybook = self._read_keybook()
            self._active_signers = {}
            self._registry_version = version

    def _read_keybook(self) -> KeyBook:
        book, root = KeyBook(), self.keystore.pinned_root()
        for stored in self.recorder.select_events(REGISTRY_ID):
            envelope = unpack(stored.state)
            fields = self.mapper.transcoder.decode(envelope.payload)
            kind = stored.topic.rsplit(".", 1)[1]
            if kind == "Started":
                root = _check_root(root, bytes.fromhex(fields["root_public_key"]))
            try:
                message = signed_message(stored.originator_id, stored.originator_version, stored.topic, envelope)
                VerifyKey(root).verify(message, envelope.signature)  # type: ignore[arg-type]
            except (BadSignatureError, EnvelopeError, TypeError):
                raise KeyProblem(f"key registry event v{stored.originator_version} is not signed by the root key") from None
            book.apply(kind, fields, None)
        return book

    def initialise(self) -> str:
        """Create the root key and the key registry if missing; return the root key id."""
        self._check_layout()
        self.refresh_keys(force=True)
        if self.keybook.root_key_id:
            return self.keybook.root_key_id
        root = self._root_key_for_new_ledger()
        self.keystore.create_subject_secret()  # with the ledger, once: never later (see KeyStore.subject_secret)
        self._save_signed(root, KeyRegistry(root.key_id, root.public_key.hex()))
        self.refresh_keys(force=True)
        return root.key_id

    def _root_key_for_new_ledger(self) -> Signer:
        pinned = self.keystore.pinned_root()
        if pinned is not None and self.keystore.has(make_key_id(ROOT_UNIT, pinned)):
            return self.keystore.load(make_key_id(ROOT_UNIT, pinned))
        root = Signer.generate(ROOT_UNIT)
        self.keystore.save(root)
        self.keystore.pin_root(root)
        return root

    def registry(self) -> KeyRegistry:
        """The key registry aggregate."""
        return self.get(REGISTRY_ID)

    def register_key(self, unit: str) -> Signer:
        """Create and register the first key of a unit."""
        return self._new_key(unit, lambda reg, signer: reg.register(unit, signer.public_key))

    def rotate_key(self, unit: str) -> Signer:
        """Replace a unit's active key; earlier signatures stay valid."""
        return self._new_key(unit, lambda reg, signer: reg.rotate(unit, signer.public_key))

    def _new_key(self, unit: str, change: Any) -> Signer:
        self.refresh_keys(force=True)
        root, registry = self.root_signer(), self.registry()
        signer = Signer.generate(unit)
        change(registry, signer)  # raises before anything is written
        self.keystore.save(signer)
        self._save_signed(root, registry)
        self.refresh_keys(force=True)
        return signer

    def save_as_root(self, *aggregates: Any) -> None:
        """Store the aggregates' pending events signed with the root key (a registry's genesis)."""
        self.refresh_keys(force=True)
        self._save_signed(self.root_signer(), *aggregates)

    def revoke_key(self, key_id: str, reason: str) -> None:
        """Revoke a key: its signatures after this point are rejected."""
        self.refresh_keys(force=True)
        root, registry = self.root_signer(), self.registry()
        registry.revoke(key_id, reason)
        self._save_signed(root, registry)
        self.refresh_keys(force=True)


def _check_root(pinned: bytes | None, genesis: bytes) -> bytes:
    if pinned is not None and pinned != genesis:
        raise KeyProblem(f"the ledger's root key {genesis.hex()[:16]}… is not the pinned root key {pinned.hex()[:16]}…")
    return genesis


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _QuickCollect(ProcessingEvent):  # type: ignore[type-arg]
    """The library's ProcessingEvent, with a cheap class check first: its checks against runtime Protocols
    cost about 40 µs each on Python 3.11, two per aggregate, a tenth of a save's CPU."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        """Collect pending events of aggregates directly; anything else the library's way, in order."""
        for obj in objs:
            if isinstance(obj, BaseAggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)
