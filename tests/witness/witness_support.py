"""A real ledger producing checkpoints and proofs, and a real witness served over loopback HTTP."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ledger_support.aggregates import Widget
from ledger_support.backends import drop_pg_schema, initialised_ledger, new_pg_schema, PG_URL, require_postgres
from ledger_support.backends import sqlite_settings
from nacl.signing import SigningKey

from ledger.app import LedgerApplication
from ledger.checkpoint import Checkpoint, sign_checkpoint
from ledger.transparency import create_checkpoint, prove_consistency
from ledger.witness.client import add_checkpoint_body
from ledger.witness.keys import WitnessKey
from ledger.witness.server import ServerThread, WitnessApp, make_server
from ledger.witness.store import TrustedLog, WitnessStore

WITNESS_NAME = "court.example/witness"


@dataclass
class LedgerHistory:
    """A real ledger and its stored checkpoints (size -> signed note), growing on demand."""

    app: LedgerApplication
    notes: dict[int, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return self.app.settings.origin

    @property
    def root_key(self) -> SigningKey:
        return self.app.root_signer().signing_key

    def grow(self, events: int = 1) -> int:
        """Append `events` real events, sign a checkpoint and return its size."""
        for n in range(events):
            self.app.save_as("dept-a", Widget(f"w{len(self.notes)}-{n}", actor_unit="dept-a"))
        signed = create_checkpoint(self.app)
        self.notes[signed.checkpoint.size] = signed.to_text()
        return signed.checkpoint.size

    def proof(self, old: int, new: int) -> list[bytes]:
        """The ledger's RFC 6962 consistency proof between two stored checkpoints."""
        return prove_consistency(self.app, old, new).proof if 0 < old < new else []

    def forged(self, size: int, root: bytes) -> str:
        """A checkpoint the log's root key signs for `size` with another root (a fork by the operator)."""
        return sign_checkpoint(Checkpoint(self.origin, size, root), self.origin, self.root_key).to_text()

    def body(self, old: int, new: int) -> bytes:
        """A well-formed add-checkpoint body from `old` to the stored checkpoint of size `new`."""
        return add_checkpoint_body(old, self.proof(old, new), self.notes[new])


def new_history(tmp: Path, checkpoints: int) -> LedgerHistory:
    """A ledger on SQLite under `tmp` with `checkpoints` checkpoints of growing size."""
    history = LedgerHistory(initialised_ledger(sqlite_settings(tmp), ("dept-a",)))
    for n in range(checkpoints):
        history.grow(1 + n % 3)
    return history


@contextmanager
def witness_database(backend: str, tmp: Path) -> Iterator[str]:
    """The URL of a new, empty witness database: a SQLite file or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/witness.sqlite3"
        return
    require_postgres()
    schema = new_pg_schema()
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        drop_pg_schema(schema)


@dataclass
class ServedWitness:
    """A witness app served by waitress on a free loopback port, in a thread."""

    db_url: str
    key: WitnessKey
    store: WitnessStore
    server: object
    thread: ServerThread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"  # type: ignore[attr-defined]

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
        """POST raw bytes to /add-checkpoint: (status, content type, body text)."""
        return raw_request(self.url, "POST", "/add-checkpoint", body, headers)

    def stop(self) -> None:
        self.thread.stop()
        self.store.close()


def serve_witness(db_url: str, key: WitnessKey, history: LedgerHistory | None = None) -> ServedWitness:
    """Open the witness database (trusting the history's log), serve it and return the handle."""
    store = WitnessStore(db_url)
    if history is not None:
        store.trust(TrustedLog(history.origin, history.origin, bytes(history.root_key.verify_key)))
    server = make_server(WitnessApp(store, key), "127.0.0.1", 0, threads=8)
    return ServedWitness(db_url, key, store, server, ServerThread(server).start())


def raw_request(url: str, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """One real HTTP request with http.client: (status, content type, body text)."""
    parts = urlparse(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode("utf-8")
    finally:
        conn.close()


def witness_key(seed: bytes = b"witness-seed-0123456789abcdefghi") -> WitnessKey:
    """A fixed witness key for tests."""
    return WitnessKey(WITNESS_NAME, SigningKey(seed[:32]))
