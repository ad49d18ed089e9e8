"""The read-model database: an SQLAlchemy engine on the ledger's own database, and the view tables."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse, urlunparse

from sqlalchemy import (Boolean, Column, Connection, Date, Engine, Index, Integer, MetaData, String, Table, Text,
                        create_engine, event, inspect, text)

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
    Column("policy_id", String(16), nullable=False),
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



def versions_of(table: Table, name: str, key: str) -> Table:
    """Transaction-time history of `table`: every state of a row, from its position until superseded."""
    columns = [Column(c.name, c.type, primary_key=c.name in (key, "recorded_position"), nullable=c.nullable,
                      index=bool(c.index)) for c in table.columns]
    return Table(name, metadata, *columns, Column("superseded_position", Integer, index=True))


# Every state of every record and list entry (bitemporal): as of position P, the version with
# recorded_position <= P < superseded_position; valid time is in its valid_from/valid_until/ended_on.
record_versions = versions_of(records, "view_record_versions", "record_id")
list_entry_versions = versions_of(list_entries, "view_list_entry_versions", "list_entry_id")

# Joint sanctions (JY-21, CS-2.4..2.7): one row per case, its current step and dates.
sanctions = Table(
    "view_sanctions", metadata,
    Column("sanction_id", String(36), primary_key=True),
    Column("source_kind", String(16), nullable=False),
    Column("source_id", String(36), nullable=False, index=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("origin_case_id", String(36)),
    Column("measure_id", String(32), nullable=False),
    Column("measure_name", Text, nullable=False),
    Column("department", String(64), nullable=False, index=True),
    Column("policy_id", String(16), nullable=False),
    # pushed | acknowledged | applied | fed_back | lift_pushed | lifted
    Column("status", String(16), nullable=False),
    Column("in_force", Boolean, nullable=False),
    Column("pushed_on", Date, nullable=False),
    Column("acknowledged_on", Date),
    Column("cases", Integer, nullable=False),
    Column("last_case_on", Date),
    Column("fed_back_on", Date),
    Column("lift_reason", Text),
    Column("lift_pushed_on", Date),
    Column("lift_confirmed_on", Date),
    Column("recorded_position", Integer, nullable=False),
)

# The joint-sanction timeline: every step of every case, with who signed it and when it was logged.
sanction_steps = Table(
    "view_sanction_steps", metadata,
    Column("log_position", Integer, primary_key=True),
    Column("sanction_id", String(36), nullable=False, index=True),
    Column("source_id", String(36), nullable=False, index=True),
    Column("department", String(64), nullable=False, index=True),
    Column("subject_id", String(36), nullable=False),
    Column("measure_id", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    # pushed | acknowledged | applied | fed_back | lift_pushed | lift_confirmed
    Column("step", String(16), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("detail", Text),  # business case number and description, feedback report or lift reason
    Column("late", Boolean),
    Column("actor_unit", String(64), nullable=False),
    Column("actor_user", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("recorded_at", String(40), nullable=False),  # ISO transaction time (UTC)
)

objections = Table(
    "view_objections", metadata,
    Column("objection_id", String(36), primary_key=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("grounds", String(32), nullable=False),
    Column("handler_unit", String(64), nullable=False),
    # filed | referred | upheld | rejected | corrected
    Column("status", String(16), nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("answer_due", Date),
    Column("referred_on", Date),
    Column("verification_due", Date),
    Column("decided_on", Date),
    Column("upheld", Boolean),
    Column("decision_late", Boolean),
    Column("correction_due", Date),
    Column("corrected_on", Date),
    Column("correction_late", Boolean),
    Column("corrected_fields", Text),
    Column("appeals", Integer, nullable=False),
    Column("recorded_position", Integer, nullable=False),
)

repairs = Table(
    "view_repairs", metadata,
    Column("repair_id", String(36), primary_key=True),
    Column("record_id", String(36), nullable=False, index=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("handler_unit", String(64), nullable=False),
    # applied | publicised | opinion_against | approved | refused
    Column("status", String(16), nullable=False),
    Column("applied_on", Date, nullable=False),
    Column("corrected_on", Date),
    Column("opinion_on", Date),
    Column("favourable", Boolean),
    Column("publicity_due", Date),
    Column("decided_on", Date),
    Column("approved", Boolean),
    Column("recorded_position", Integer, nullable=False),
)

# Work queues: one row per pending step (objection decision, repair decision, department response, withdrawal)
# from the event that opened it to the one that closed it; overdue = open and past `due` (asked per day).
work_items = Table(
    "view_work_items", metadata,
    Column("item_id", String(36), primary_key=True),
    Column("step", String(32), primary_key=True),
    Column("opened_position", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, index=True),  # objection | repair | sanction | withdrawal
    Column("subject_id", String(36), nullable=False),
    Column("unit", String(64), nullable=False, index=True),
    Column("due", Date),
    Column("rule_id", String(32)),
    Column("closed_position", Integer, index=True),
    Column("done_on", Date),
    Column("late", Boolean),
)

# The archive (NT-PCI-35): originals of repaired, expired, revoked and corrected records and ended
# list entries: the version as it stood before (in view_*_versions); the full history is in view_item_history.
archive = Table(
    "view_archive", metadata,
    Column("item_id", String(36), primary_key=True),
    Column("archived_position", Integer, primary_key=True),
    Column("item_kind", String(16), nullable=False),  # record | list_entry
    Column("subject_id", String(36), nullable=False, index=True),
    Column("reason", String(16), nullable=False),  # repaired | expired | revoked | corrected | exited
    Column("archived_on", Date),
    Column("original_position", Integer, nullable=False),  # the archived version (view_*_versions)
)

item_history = Table(
    "view_item_history", metadata,
    Column("log_position", Integer, primary_key=True),
    Column("item_id", String(36), nullable=False, index=True),
    Column("item_kind", String(16), nullable=False),
    Column("subject_id", String(36), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event", String(64), nullable=False),
    Column("actor_unit", String(64)),
    Column("actor_user", String(64)),
    Column("key_id", String(64), nullable=False),
    Column("recorded_at", String(40), nullable=False),  # ISO transaction time (UTC)
    Column("data", Text, nullable=False),  # JSON of the event's business fields
)

# LYG-4: each record's profile and whether (when, to whom) the collecting department submitted it.
record_submissions = Table(
    "view_record_submissions", metadata,
    Column("record_id", String(36), primary_key=True),
    Column("policy_id", String(16), nullable=False),
    Column("submitted_on", Date),
    Column("to_unit", String(64)),
    # the record's own state, copied so the pending list is counted and ordered on this table's index (issue 16)
    Column("in_force", Boolean, nullable=False),  # not repaired, expired or revoked (NT-PCI-30, NT-PCI-35)
    Column("determination_date", Date, nullable=False),
    Column("recorded_position", Integer, nullable=False),
)

# Confirmed list entries and their reporting (issue 16): in a monthly report yet (NT-PCI-17), pushed to which
# upper-level systems (JY-22); which lists are reported or pushed is the profiles' say, asked by the reader.
list_reporting = Table(
    "view_list_reporting", metadata,
    Column("list_entry_id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False),
    Column("policy_id", String(16), nullable=False),
    Column("list_code", String(32), nullable=False),
    Column("determining_unit", String(64), nullable=False),
    Column("confirmed_on", Date),  # None while drafted
    Column("reported", Boolean, nullable=False),
    Column("pushed_to", Text, nullable=False),  # the systems pushed to, sorted, space-separated ('' none)
    Column("recorded_position", Integer, nullable=False),
    Index("ix_view_list_reporting_pending", "policy_id", "list_code", "reported", "confirmed_on"),
)


# The query log (HA-5.2): every registered non-public read.
access_log = Table(
    "view_access_log", metadata,
    Column("access_id", String(36), primary_key=True),
    Column("subject_id", String(36), nullable=False, index=True),
    Column("actor_unit", String(64), nullable=False, index=True),
    Column("actor_user", String(64), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("recorded_at", String(40), nullable=False),  # ISO transaction time (UTC)
    Column("purpose", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("what", Text, nullable=False),
    Column("log_position", Integer, nullable=False),
)


# Open work lists (issue 16, projections.worklists): each kind's open items by status or by responsible unit,
# oldest first; the page query and its count read these indexes only.
WORKLIST_INDEXES = (
    Index("ix_view_records_unit_open", records.c.determining_unit, records.c.status, records.c.determination_date),
    Index("ix_view_records_open", records.c.status, records.c.determination_date),
    Index("ix_view_list_entries_open", list_entries.c.status, list_entries.c.drafted_on),
    Index("ix_view_list_entries_unit_open", list_entries.c.determining_unit, list_entries.c.status,
          list_entries.c.drafted_on),
    Index("ix_view_objections_open", objections.c.status, objections.c.filed_on),
    Index("ix_view_objections_unit_open", objections.c.handler_unit, objections.c.status, objections.c.filed_on),
    Index("ix_view_repairs_open", repairs.c.status, repairs.c.applied_on),
    Index("ix_view_repairs_unit_open", repairs.c.handler_unit, repairs.c.status, repairs.c.applied_on),
    Index("ix_view_sanctions_open", sanctions.c.status, sanctions.c.pushed_on),
    Index("ix_view_sanctions_unit_open", sanctions.c.department, sanctions.c.status, sanctions.c.pushed_on),
    Index("ix_view_access_log_subject_position", access_log.c.subject_id, access_log.c.log_position),
    Index("ix_view_record_submissions_pending", record_submissions.c.policy_id, record_submissions.c.submitted_on,
          record_submissions.c.in_force, record_submissions.c.determination_date, record_submissions.c.record_id),
    # projections.overdue: open steps by due day (NT-PCI-32, JY-21), in-force items by last day (NT-PCI-30)
    Index("ix_view_work_items_open_due", work_items.c.closed_position, work_items.c.due),
    Index("ix_view_records_expiry", records.c.status, records.c.valid_until),
    Index("ix_view_list_entries_expiry", list_entries.c.in_force, list_entries.c.valid_until),
    Index("ix_view_subjects_kind", subjects.c.kind),  # government bodies and civil servants (NT-GOV-2.2a)
)


def sqlalchemy_url(database_url: str) -> tuple[str, str | None]:
    """The SQLAlchemy URL for a ledger database URL, and the PostgreSQL schema it names (if any)."""
    if backend_of(database_url) == "sqlite":
        return f"sqlite:///{sqlite_path(database_url)}", None
    parts = urlparse(database_url)
    schema = parse_qs(parts.query).get("schema", [""])[0] or None
    scheme = "postgresql+psycopg"
    return urlunparse((scheme, parts.netloc, parts.path, "", "", "")), schema


VIEW_CACHE_KIB = 32 * 1024  # SQLite page cache per view connection (the default is 2 MiB)
VIEW_WAL_CHECKPOINT_PAGES = 20_000  # about 80 MiB of WAL between automatic checkpoints (the default is 1,000)


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
    # Views are derived and rebuildable, and each batch's rows commit with its tracking row: on this
    # connection a commit need not wait for fsync (WAL stays consistent; a crash loses only batches that
    # are then read again). A larger page cache keeps the view tables' upper B-tree levels in memory.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA cache_size = -{VIEW_CACHE_KIB}")
    # A rebuild's batches rewrite the same upper B-tree pages: checkpoint the WAL less often (fewer fsyncs).
    cursor.execute(f"PRAGMA wal_autocheckpoint = {VIEW_WAL_CHECKPOINT_PAGES}")
    cursor.close()


def create_views(engine: Engine) -> None:
    """Create the view tables and the tracking table (idempotent).

    Views are derived data: when a stored view table has other columns than this code defines (an
    older version), every view and the tracking rows are dropped, so the follower rebuilds them.
    """
    with engine.begin() as connection:
        _lock_ddl(connection)
        if _outdated(connection):
            metadata.drop_all(connection)
        metadata.create_all(connection)
        for index in WORKLIST_INDEXES:  # tables made before an index was declared get it too (issue 16)
            index.create(connection, checkfirst=True)


def _lock_ddl(connection: Connection) -> None:
    """Serialise view creation between processes starting at once (else one fails on a duplicate table/type)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock; DDL is transactional in SQLite
        return
    schema = connection.get_execution_options().get("schema_translate_map", {}).get(None) or ""
    # Held until the transaction ends; PostgreSQL DDL is transactional, so the waiter then sees the tables.
    connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"create_views:{schema}"})


def _outdated(connection: Connection) -> bool:
    schema = connection.get_execution_options().get("schema_translate_map", {}).get(None)
    found = inspect(connection)
    stored = set(found.get_table_names(schema=schema))
    return any(table.name in stored and {c["name"] for c in found.get_columns(table.name, schema=schema)}
               != set(table.columns.keys()) for table in metadata.sorted_tables)
