"""A batch's view rows in memory: each item's rows are read once, every write goes out in bulk at flush.

Handlers read and change plain dicts; `flush` then writes each table's new rows with one multi-row
INSERT and its changed rows with one executemany UPDATE by primary key, in the follower's transaction
(so the rows and the tracking position still commit together). Nothing outlives the batch: memory
stays bounded by the batch size, and no state is shared between batches or followers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import Connection, Dialect, Insert, Select, Table, Update, and_, bindparam, select, update

from projections.base import ProjectionError

Row = dict[str, Any]
Key = Any  # a primary key: one value, or a tuple of values for composite keys
# SQLite allows 32,766 bound parameters per statement (999 before 3.32); PostgreSQL 65,535.
IN_CHUNK = 900


@lru_cache(maxsize=None)
def _select_in(table: Table, column: str) -> Select[Any]:
    return select(table).where(table.c[column].in_(bindparam("values", expanding=True)))


@lru_cache(maxsize=None)
def _insert(table: Table) -> Insert:
    """INSERT of every column (one statement object per table, so it is compiled once)."""
    return table.insert()


@lru_cache(maxsize=None)
def _update_by_key(table: Table) -> Update:
    """UPDATE every non-key column of one row by primary key (bound per row, executed many)."""
    keys = [c.name for c in table.primary_key.columns]
    return (update(table).where(and_(*(table.c[k] == bindparam(f"k_{k}") for k in keys)))
            .values({c.name: bindparam(f"v_{c.name}") for c in table.columns if c.name not in keys}))


@lru_cache(maxsize=None)
def _shape(table: Table) -> tuple[tuple[str, ...], tuple[str, ...], Callable[[Row], Any]]:
    """The table's columns, its primary-key columns and a function giving a row's key."""
    keys = tuple(c.name for c in table.primary_key.columns)
    return tuple(c.name for c in table.columns), keys, itemgetter(*keys)


class Batch:
    """The rows one batch reads and writes, grouped by an item column (e.g. all rows of one record)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._inserted: dict[Table, dict[Key, Row]] = {}
        self._changed: dict[Table, dict[Key, Row]] = {}
        self._groups: dict[Table, dict[str, dict[Any, list[Row]]]] = {}

    def _index(self, table: Table, column: str) -> dict[Any, list[Row]]:
        """The loaded groups of (table, column); created on first use."""
        return self._groups.setdefault(table, {}).setdefault(column, {})

    def prefetch(self, table: Table, column: str, values: Iterable[Any]) -> None:
        """Load the rows of every group not yet loaded, one SELECT per chunk of values."""
        groups = self._index(table, column)
        wanted = list(dict.fromkeys(v for v in values if v not in groups))
        for start in range(0, len(wanted), IN_CHUNK):
            chunk = wanted[start:start + IN_CHUNK]
            for value in chunk:
                groups[value] = []
            for found in self.conn.execute(_select_in(table, column), {"values": chunk}).mappings():
                groups[found[column]].append(dict(found))
            if self._inserted.get(table):  # rows of these groups this batch added (not in the database yet)
                chunk_set = set(chunk)
                for row in self._inserted[table].values():
                    if row[column] in chunk_set:
                        groups[row[column]].append(row)

    def rows(self, table: Table, column: str, value: Any) -> list[Row]:
        """Every row of `table` whose `column` is `value` (loaded once per batch, then kept in memory)."""
        groups = self._index(table, column)
        if value not in groups:
            self.prefetch(table, column, (value,))
        return groups[value]

    def row(self, table: Table, column: str, value: Any) -> Row:
        """The one row of `table` whose `column` is `value`, or ProjectionError (an inconsistent log)."""
        found = self.rows(table, column, value)
        if len(found) != 1:
            raise ProjectionError(f"{table.name}: expected one row with {column} = {value}, found {len(found)}")
        return found[0]

    def insert(self, table: Table, values: Mapping[str, Any]) -> Row:
        """A new row (columns not given are NULL), written at flush."""
        columns, _, key_of = _shape(table)
        row = {name: values.get(name) for name in columns}
        key = key_of(row)
        inserted = self._inserted.setdefault(table, {})
        if key in inserted:
            raise ProjectionError(f"{table.name}: row {key} inserted twice in one batch")
        inserted[key] = row
        for column, groups in self._groups.get(table, {}).items():
            group = groups.get(row[column])
            if group is not None:
                group.append(row)
        return row

    def update(self, table: Table, row: Row, **changes: Any) -> None:
        """Change a row this batch holds; stored rows are written back by primary key at flush."""
        row.update(changes)
        key = _shape(table)[2](row)
        if key not in self._inserted.get(table, {}):
            self._changed.setdefault(table, {})[key] = row

    def flush(self) -> None:
        """One executemany INSERT and one executemany UPDATE per table; then the batch is empty."""
        dialect = self.conn.dialect
        for table, rows in self._inserted.items():
            if rows:
                _execute_many(self.conn, _driver_statement(_insert(table), dialect), rows.values(), lambda c: c)
        for table, rows in self._changed.items():
            if rows:
                _execute_many(self.conn, _driver_statement(_update_by_key(table), dialect), rows.values(),
                              lambda bind: bind[2:])  # k_<col> / v_<col> -> <col>
        self._inserted, self._changed, self._groups = {}, {}, {}


@dataclass(frozen=True)
class _DriverStatement:
    """A statement compiled once for the dialect: its SQL, bind names in order and their value processors."""

    sql: str
    binds: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool


_COMPILED: dict[tuple[Any, str], _DriverStatement] = {}  # keyed by the cached statement objects: bounded


def _driver_statement(statement: Any, dialect: Dialect) -> _DriverStatement:
    """Compile `statement` for the dialect once; each row is then bound without SQLAlchemy's per-row work.

    A rebuild writes a million rows: SQLAlchemy's per-row parameter processing was a tenth of its time.
    The same type processors (dates as SQLite stores them, ...) are applied here, row by row.
    """
    key = (statement, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        binds = tuple(compiled.positiontup) if compiled.positional else tuple(compiled.binds)
        # Each bind's type as the dialect implements it, and its (public) bind processor: what SQLAlchemy applies.
        processors = tuple(compiled.binds[b].type.dialect_impl(dialect).bind_processor(dialect) for b in binds)
        found = _DriverStatement(compiled.string, binds, processors, bool(compiled.positional))
        _COMPILED[key] = found
    return found


def _execute_many(conn: Connection, statement: _DriverStatement, rows: Iterable[Row],
                  column_of: Callable[[str], str]) -> None:
    """executemany on the DB-API cursor, in the caller's transaction."""
    columns = [column_of(b) for b in statement.binds]
    pairs = list(zip(columns, statement.processors, strict=True))
    if statement.positional:
        params: list[Any] = [tuple(p(r[c]) if p else r[c] for c, p in pairs) for r in rows]
    else:
        params = [{b: (p(r[c]) if p else r[c]) for b, (c, p) in zip(statement.binds, pairs)} for r in rows]
    conn.exec_driver_sql(statement.sql, params)
