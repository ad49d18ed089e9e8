"""The read-model database: an SQLAlchemy engine on the ledger's own database, and the view tables."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse, urlunparse

from sqlalchemy import (Boolean, Column, Date, Engine, Integer, MetaData, String, Table, Text, create_engine,
                        event)

from ledger.config import Settings, backend_of, sqlite_path

metadata = MetaData()

# One row per projection: the last notification id (and its Merkle log position) whose effects are in
# the view rows; written in the same transaction as those rows (exactly once, DESIGN §4).
tracking = Table(
    "projection_tracking", metadata,
    Column("projection", String(64), primary_key=True),
    Column("notification_id", Integer, nullable=False),
    Column("log_position", Integer, nullable=False),
)

subjects = Table(
    "view_subjects", metadata,
    Column("subject_id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("id_number", String(18)),
    Column("uscc", String(18)),
    Column("masked_name", Text, nullable=False),  # HA-3.2
    Column("masked_id", String(18), nullable=False),  # HA-3.2
    Column("recorded_position", Integer, nullable=False),
)

records = Table(
    "view_records", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("behaviour_code", String(64), nullable=False),
    Column("tier", String(32), nullable=False),
    Column("disclosure", String(32), nullable=False),  # NT-PCI-19 class
    Column("determining_unit", String(64), nullable=False),
    Column("act_date", Date, nullable=False),
    Column("determination_date", Date, nullable=False),
    # active | objection_pending | corrected | repaired | expired | revoked
    Column("status", String(32), nullable=False),
    Column("open_objections", Integer, nullable=False),
    Column("correction_count", Integer, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("ended_on", Date),
    Column("ended_reason", String(32)),
    Column("recorded_position", Integer, nullable=False),
)

# Bitemporal effective periods of each record: valid time (valid_from..valid_until / ended_on) and
# transaction time (recorded_position..superseded_position): a correction supersedes, never overwrites.
record_periods = Table(
    "view_record_periods", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("period_no", Integer, primary_key=True),
    Column("recorded_position", Integer, primary_key=True),
    Column("superseded_position", Integer),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date),
    Column("ended_on", Date),
    Column("ended_reason", String(32)),
)

list_entries = Table(
    "view_list_entries", metadata,
    Column("list_entry_id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("list_code", String(32), nullable=False, index=True),
    Column("list_field", String(64)),
    Column("determining_unit", String(64), nullable=False),
    # drafted | noticed | publicised | confirmed | exited | expired | revoked
    Column("status", String(32), nullable=False),
    Column("in_force", Boolean, nullable=False),
    Column("drafted_on", Date, nullable=False),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("ended_on", Date),
    Column("ended_reason", Text),
    Column("recorded_position", Integer, nullable=False),
)


def sqlalchemy_url(database_url: str) -> tuple[str, str | None]:
    """The SQLAlchemy URL for a ledger database URL, and the PostgreSQL schema it names (if any)."""
    if backend_of(database_url) == "sqlite":
        return f"sqlite:///{sqlite_path(database_url)}", None
    parts = urlparse(database_url)
    schema = parse_qs(parts.query).get("schema", [""])[0] or None
    scheme = "postgresql+psycopg"
    return urlunparse((scheme, parts.netloc, parts.path, "", "", "")), schema


def make_engine(settings: Settings) -> Engine:
    """An engine on the ledger's database; on PostgreSQL the view tables live in the ledger's schema."""
    url, schema = sqlalchemy_url(settings.database_url)
    if schema is None:
        engine = create_engine(url, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return engine.execution_options(schema_translate_map={None: schema})


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def create_views(engine: Engine) -> None:
    """Create the view tables and the tracking table (idempotent)."""
    metadata.create_all(engine)
