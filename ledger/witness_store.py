"""Witness cosignatures kept in the ledger database beside the checkpoints they cosign (SQLite and PostgreSQL).

`ledger_cosignatures` holds one C2SP cosignature line per (tree size, witness), verified before it is stored;
`ledger_witness_sizes` the last tree size each witness cosigned for this log (the old size of the next
submission's consistency proof). Both are created by `ledger init` with the checkpoints table.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator, Mapping

from eventsourcing.persistence import PersistenceError

from ledger.errors import NotInitialisedError

COSIGNATURES = "ledger_cosignatures"
WITNESS_SIZES = "ledger_witness_sizes"


def ddl(dialect: str, qualifier: str) -> list[str]:
    """CREATE statements (idempotent) of the two tables, `qualifier` being '' or '"schema".'."""
    big = "INTEGER" if dialect == "sqlite" else "BIGINT"
    return [f"CREATE TABLE IF NOT EXISTS {qualifier}{COSIGNATURES} (tree_size {big} NOT NULL, witness TEXT NOT NULL, "
            f"line TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (tree_size, witness))",
            f"CREATE TABLE IF NOT EXISTS {qualifier}{WITNESS_SIZES} (witness TEXT PRIMARY KEY, "
            f"tree_size {big} NOT NULL, updated_at TEXT NOT NULL)"]


class WitnessStore:
    """Reads and writes of the cosignature tables through the ledger's own recorder (one transaction each)."""

    def __init__(self, log: Any) -> None:
        self.log = log
        qualifier = log.merkle.checkpoints[: -len("ledger_checkpoints")]
        self.cosignatures, self.sizes = qualifier + COSIGNATURES, qualifier + WITNESS_SIZES
        self.checkpoints, self.mark = log.merkle.checkpoints, log.merkle.mark

    @contextmanager
    def _cursor(self, commit: bool) -> Iterator[Any]:
        try:
            with self.log.datastore.transaction(commit=commit) as cursor:
                yield cursor
        except PersistenceError as exc:
            if COSIGNATURES in str(exc) or WITNESS_SIZES in str(exc):  # a database from before the witness tables
                raise NotInitialisedError("this ledger database has no witness tables yet (run `ledger init` "
                                          "again: it adds them)") from None
            raise

    def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Store a verified cosignature line and remember `size` as the witness's last, in one transaction
        (a second line for the same size and witness is ignored)."""
        m = self.mark
        with self._cursor(True) as c:
            c.execute(f"INSERT INTO {self.cosignatures} (tree_size, witness, line, received_at) VALUES ({m}, {m}, {m}, "
                      f"{m}) ON CONFLICT (tree_size, witness) DO NOTHING", (size, witness, line, _now()))
            self._set_size(c, witness, size)

    def set_witness_size(self, witness: str, size: int) -> None:
        """Remember the last size `witness` cosigned (or told us it holds) for this log."""
        with self._cursor(True) as c:
            self._set_size(c, witness, size)

    def _set_size(self, cursor: Any, witness: str, size: int) -> None:
        m = self.mark
        cursor.execute(f"INSERT INTO {self.sizes} (witness, tree_size, updated_at) VALUES ({m}, {m}, {m}) "
                       f"ON CONFLICT (witness) DO UPDATE SET tree_size = excluded.tree_size, "
                       f"updated_at = excluded.updated_at", (witness, size, _now()))

    def witness_sizes(self) -> dict[str, int]:
        """Witness name → the last size it cosigned for us."""
        with self._cursor(False) as c:
            c.execute(f"SELECT witness, tree_size FROM {self.sizes}")
            return {row["witness"]: int(row["tree_size"]) for row in c.fetchall()}

    def lines(self, size: int) -> dict[str, str]:
        """Witness name → stored cosignature line of the checkpoint of `size`."""
        with self._cursor(False) as c:
            c.execute(f"SELECT witness, line FROM {self.cosignatures} WHERE tree_size = {self.mark} ORDER BY witness",
                      (size,))
            return {row["witness"]: row["line"] for row in c.fetchall()}

    def all_lines(self) -> dict[int, dict[str, str]]:
        """Tree size → witness name → stored cosignature line (only sizes with at least one)."""
        found: dict[int, dict[str, str]] = {}
        with self._cursor(False) as c:
            c.execute(f"SELECT tree_size, witness, line FROM {self.cosignatures} ORDER BY tree_size, witness")
            for row in c.fetchall():
                found.setdefault(int(row["tree_size"]), {})[row["witness"]] = row["line"]
        return found

    def note(self, size: int) -> str | None:
        """The stored signed checkpoint note of `size`, or None."""
        with self._cursor(False) as c:
            c.execute(f"SELECT note FROM {self.checkpoints} WHERE tree_size = {self.mark}", (size,))
            row = c.fetchone()
        return None if row is None else str(row["note"])

    def newest(self) -> tuple[int, str] | None:
        """(size, recorded_at) of the newest stored checkpoint, or None."""
        with self._cursor(False) as c:
            c.execute(f"SELECT tree_size, recorded_at FROM {self.checkpoints} ORDER BY tree_size DESC LIMIT 1")
            row = c.fetchone()
        return None if row is None else (int(row["tree_size"]), str(row["recorded_at"]))


def cosigned_text(note: str, lines: Mapping[str, str]) -> str:
    """The signed note with the cosignature lines appended (by witness name): still one valid C2SP signed note."""
    return note + "".join(_line(lines[name]) for name in sorted(lines))


def _line(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()
