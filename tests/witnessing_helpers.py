"""Real witnesses for the witnessing tests: the witness WSGI app under waitress in a thread, on a free port,
with its own SQLite database and key, trusting one ledger's origin and root key; and a port that never answers."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from nacl.signing import SigningKey

from ledger.app import LedgerApplication
from ledger.config import Settings
from ledger.witness.keys import WitnessKey
from ledger.witness.server import WitnessApp, make_server
from ledger.witness.store import TrustedLog, WitnessStore
from ledger.witness_config import WitnessingSettings, WitnessSpec, parse_spec


def free_port() -> int:
    """A port nothing listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningWitness:
    """A witness process's parts, in this process: its key, database and waitress server thread."""

    key: WitnessKey
    db_url: str
    port: int
    server: Any = None
    store: WitnessStore | None = None
    thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        """The witness's name."""
        return self.key.name

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def spec(self) -> WitnessSpec:
        """How the ledger is configured to reach it."""
        return parse_spec(self.key.vkey, self.url, "test")

    def start(self) -> RunningWitness:
        """Serve on `port` in a daemon thread."""
        self.store = WitnessStore(self.db_url)
        self.server = _bind(WitnessApp(self.store, self.key), self.port)
        self.port = int(self.server.effective_port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (the database keeps its state for a restart)."""
        if self.server is not None:
            self.server.task_dispatcher.shutdown()
            self.server.close()
            self.server = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def latest_size(self, origin: str) -> int:
        """The size this witness last cosigned for `origin` (read from its own database)."""
        store = WitnessStore(self.db_url)
        try:
            state = store.latest(origin)
            return 0 if state is None else state.size
        finally:
            store.close()


def _bind(app: WitnessApp, port: int) -> Any:
    """A server on `port`, waiting (up to 3 s) while a just-closed server's socket is still held by its poll()."""
    deadline = time.monotonic() + 3
    while True:
        try:
            return make_server(app, "127.0.0.1", port, threads=4)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def new_witness(folder: Path, name: str, app: LedgerApplication, *, port: int = 0,
                start: bool = True) -> RunningWitness:
    """A witness with a fresh key and SQLite database under `folder`, trusting `app`'s origin and root key."""
    folder.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{folder}/{name.replace('/', '_')}.sqlite3"
    trust(db_url, app)
    witness = RunningWitness(WitnessKey(name, SigningKey.generate()), db_url, port)
    return witness.start() if start else witness


def trust(db_url: str, app: LedgerApplication) -> None:
    """Make the witness database trust the ledger's origin and root public key."""
    store = WitnessStore(db_url)
    try:
        root = app.keystore.pinned_root()
        assert root is not None, "the ledger has no pinned root key"
        store.trust(TrustedLog(app.settings.origin, app.settings.origin, root))
    finally:
        store.close()


def with_witnesses(settings: Settings, specs: Sequence[WitnessSpec], quorum: int | None = None,
                   **interval: Any) -> Settings:
    """`settings` configured with these witnesses (quorum: all unless given) and checkpoint interval."""
    config = WitnessingSettings(tuple(specs), len(specs) if quorum is None else quorum, timeout=2.0, **interval)
    return dataclasses.replace(settings, witnessing=config)


class SilentPort:
    """A listening socket that accepts connections and never answers (a hung witness)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()
