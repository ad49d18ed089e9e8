"""Ledger settings from the environment, and their translation into eventsourcing's keys."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping
from urllib.parse import parse_qs, unquote, urlparse

if TYPE_CHECKING:
    from ledger.witness_config import WitnessingSettings

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.sqlite3"
DEFAULT_KEYS_DIR = "var/keys"
DEFAULT_ORIGIN = "credit-ledger.local/main"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ConfigError(Exception):
    """A setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    """Where the ledger keeps its events and keys, and the name of its log."""

    database_url: str
    keys_dir: Path
    origin: str
    witnessing: WitnessingSettings = field(default_factory=lambda: _witnessing({}))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read LEDGER_DATABASE_URL, LEDGER_KEYS_DIR, LEDGER_ORIGIN and the witness settings (with defaults)."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            keys_dir=Path(env.get("LEDGER_KEYS_DIR") or DEFAULT_KEYS_DIR),
            origin=env.get("LEDGER_ORIGIN") or DEFAULT_ORIGIN,
            witnessing=_witnessing(env),
        )

    @property
    def backend(self) -> str:
        """'sqlite' or 'postgres'."""
        return backend_of(self.database_url)


def _witnessing(env: Mapping[str, str]) -> WitnessingSettings:
    """Witnesses, quorum and checkpoint interval (ledger/witness_config.py); a bad one is a ConfigError."""
    from ledger.witness_config import WitnessConfigError, WitnessingSettings

    try:
        return WitnessingSettings.from_env(env)
    except WitnessConfigError as exc:
        raise ConfigError(str(exc)) from None


def backend_of(url: str) -> str:
    """Name the backend a database URL selects, or raise ConfigError."""
    scheme = urlparse(url).scheme.split("+")[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgresql", "postgres"):
        return "postgres"
    raise ConfigError(f"LEDGER_DATABASE_URL: unsupported scheme {scheme!r} (use sqlite:/// or postgresql://)")


def eventsourcing_env(url: str, *, create_table: bool = False) -> dict[str, str]:
    """Translate a database URL into the environment keys eventsourcing 9.5 reads."""
    env = {"CREATE_TABLE": "y" if create_table else "n"}
    if backend_of(url) == "sqlite":
        env.update(_sqlite_env(url))
    else:
        env.update(_postgres_env(url))
    return env


def sqlite_path(url: str) -> str:
    """The file path of a sqlite:/// URL (relative paths are relative to the working directory)."""
    path = unquote(url.split("://", 1)[1])
    if path.startswith("/") and not url.startswith("sqlite:////"):
        path = path[1:]
    if not path:
        raise ConfigError("LEDGER_DATABASE_URL: sqlite URL names no file")
    return path


def _sqlite_env(url: str) -> dict[str, str]:
    path = sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": path,
        "SQLITE_LOCK_TIMEOUT": "30",
        "APPLICATION_RECORDER_TOPIC": "ledger.recorders:MerkleSQLiteRecorder",
    }


def _postgres_env(url: str) -> dict[str, str]:
    parts = urlparse(url)
    query = parse_qs(parts.query)
    schema = query.get("schema", [""])[0]
    if schema and not _SCHEMA_NAME.match(schema):
        raise ConfigError(f"LEDGER_DATABASE_URL: schema {schema!r} is not a plain lower-case identifier")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_LOCK_TIMEOUT": "30",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        "APPLICATION_RECORDER_TOPIC": "ledger.recorders:MerklePostgresRecorder",
    }
