"""Exactly-once follower: view rows and the tracking row of each batch commit in one transaction.

The follower reads the application's notification log after the lowest tracked notification id,
decodes (and so verifies the signature of) each event some projection reads, applies the handlers to
the batch's rows in memory (`projections.batch`), writes them in bulk and advances each projection's
tracking row in the same SQLAlchemy transaction. A restart resumes
from the tracking rows; an event below a projection's tracked id is never applied to it again.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from tqdm import tqdm

from ledger.app import LedgerApplication
from ledger.envelope import key_id_of
from projections.base import Logged, Projection, ProjectionError, event_name
from projections.batch import Batch
from projections.db import create_views, tracking
from projections.live import wait_for_events, waiter_for
from projections.registry import PROJECTIONS, projection

# A rebuild replays the whole log: bigger batches mean fewer transactions and bulk statements; each
# batch's rows live in memory only until its commit, so memory stays bounded by this size.
REBUILD_BATCH = 5000
# Each projection's tracking row, advanced at the end of a batch (executed once for all projections).
_advance = (update(tracking).where(tracking.c.projection == bindparam("name"))
            .values(notification_id=bindparam("last"), log_position=bindparam("position")))


class Follower:
    """Keeps the given projections (default: all) up to date with the ledger's log."""

    def __init__(self, app: LedgerApplication, engine: Engine, projections: Iterable[Projection] | None = None,
                 *, batch_size: int = 500) -> None:
        self.app = app
        self.engine = engine
        self.projections = tuple(PROJECTIONS.values() if projections is None else projections)
        self.batch_size = batch_size
        create_views(engine)
        self._ensure_tracking_rows()

    def _ensure_tracking_rows(self) -> None:
        """A tracking row (at 0) for every projection, so each batch can lock its rows before reading."""
        for p in self.projections:
            try:
                with self.engine.begin() as conn:
                    if not conn.execute(select(tracking.c.projection).where(tracking.c.projection == p.name)).first():
                        conn.execute(insert(tracking).values(projection=p.name, notification_id=0, log_position=-1))
            except IntegrityError:
                pass  # another follower created it first

    def positions(self) -> dict[str, int]:
        """Each projection's last tracked notification id (0 when it has seen nothing)."""
        with self.engine.connect() as conn:
            return _tracked(conn, self.projections)

    def run_once(self, progress: Callable[[int], Any] | None = None) -> int:
        """Process every notification not yet applied; return how many were read."""
        if self.up_to_date():
            return 0
        done = 0
        while True:
            count = self.process_batch()
            if not count:
                return done
            done += count
            if progress is not None:
                progress(count)

    def up_to_date(self) -> bool:
        """Whether every projection has seen the newest stored event: two reads, no lock, no write.

        Each page read calls `run_once`; without this check every read would be a write transaction (the
        tracking rows' lock), which costs a WAL flush on PostgreSQL. An event committed after this check is
        simply after the read, as if the request had come a moment earlier.
        """
        newest = self.app.recorder.max_notification_id() or 0
        return min(self.positions().values(), default=0) >= newest

    def process_batch(self) -> int:
        """Apply one batch in one transaction; return the number of notifications read."""
        with self.engine.begin() as conn:
            tracked = _tracked(conn, self.projections, lock=True)
            start = min(tracked.values(), default=0)
            batch = self.app.recorder.select_notifications(start, self.batch_size, inclusive_of_start=False)
            if not batch:
                return 0
            positions = _positions(self.app, [n.id for n in batch])
            decoded: dict[int, tuple[Any, Logged]] = {}  # each event is verified and decoded once per batch
            rows = Batch(conn)
            named = [(n, event_name(n.topic)) for n in batch]
            advanced: list[dict[str, Any]] = []
            for p in self.projections:
                after = tracked[p.name]
                todo = named if after < batch[0].id else [(n, name) for n, name in named if n.id > after]
                if todo:
                    self._apply(rows, p, todo, positions, decoded)
                    last = todo[-1][0].id
                    advanced.append({"name": p.name, "last": last, "position": positions[last]})
            rows.flush()  # the view rows, then the tracking rows: one transaction (exactly once)
            if advanced:
                conn.execute(_advance, advanced)
            return len(batch)

    def _apply(self, rows: Batch, p: Projection, batch: Sequence[tuple[Any, str]], positions: dict[int, int],
               decoded: dict[int, tuple[Any, Logged]]) -> None:
        """Decode the events `p` reads, prefetch the rows they touch (one SELECT per table), run the handlers."""
        handled = []
        handlers = p.handlers
        for notification, name in batch:
            handler = handlers.get(name)
            if handler is None:
                continue
            if notification.id not in decoded:
                decoded[notification.id] = (self.app.mapper.to_domain_event(notification),
                                            Logged(positions[notification.id], key_id_of(notification.state)))
            handled.append((handler, decoded[notification.id]))
        item_ids = [str(event.originator_id) for _, (event, _) in handled]
        for table, column in p.reads:
            rows.prefetch(table, column, item_ids)
        for handler, (event, logged) in handled:
            handler(rows, event, logged)

    def follow(self, poll_interval: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
        """Follow the log live: woken by NOTIFY on PostgreSQL (`poll_interval` is then only the longest
        wait), polling every `poll_interval` seconds on SQLite. LISTEN starts before the first catch-up."""
        waiter = waiter_for(self.app, self.engine)
        try:
            while not stop():
                if not self.run_once():
                    wait_for_events(waiter, poll_interval, stop)
        finally:
            waiter.close()

    def rebuild(self, name: str, *, progress: bool = True) -> int:
        """Drop one projection's rows and tracking row, and replay the whole log into it."""
        return self.rebuild_all((name,), progress=progress)

    def rebuild_all(self, names: Sequence[str] | None = None, *, progress: bool = True) -> int:
        """Drop the named projections (default: all) and replay the log into them in ONE pass."""
        chosen = tuple(projection(n) for n in names) if names is not None else tuple(PROJECTIONS.values())
        with self.engine.begin() as conn:
            _lock(conn, chosen)
            for p in chosen:
                for table in reversed(p.tables):
                    conn.execute(delete(table))
            conn.execute(update(tracking).where(tracking.c.projection.in_([p.name for p in chosen]))
                         .values(notification_id=0, log_position=-1))
        follower = Follower(self.app, self.engine, chosen, batch_size=max(self.batch_size, REBUILD_BATCH))
        label = chosen[0].name if len(chosen) == 1 else f"{len(chosen)} views"
        with tqdm(total=self.app.log.tree_size(), desc=f"rebuild {label}", unit="ev", disable=not progress) as bar:
            return follower.run_once(progress=bar.update)


def _lock(conn: Connection, projections: Sequence[Projection]) -> None:
    """Lock the tracking rows until commit by writing them (PostgreSQL: row locks; SQLite: the write lock).

    A write, not SELECT ... FOR UPDATE, so that SQLite (whose driver begins a transaction only at the
    first write) also holds its lock before the tracking rows are read: concurrent followers take turns.
    """
    names = sorted(p.name for p in projections)
    if conn.dialect.name == "postgresql":
        # One lock order for every follower: the UPDATE alone locks rows in their physical order, which each
        # update changes, so two followers (two server processes) could take them crosswise and deadlock.
        conn.execute(select(tracking.c.projection).where(tracking.c.projection.in_(names))
                     .order_by(tracking.c.projection).with_for_update())
    conn.execute(update(tracking).where(tracking.c.projection.in_(names))
                 .values(notification_id=tracking.c.notification_id))


def _tracked(conn: Connection, projections: Sequence[Projection], *, lock: bool = False) -> dict[str, int]:
    """Tracked notification ids; with `lock`, the rows are locked first (one follower at a time)."""
    if lock:
        _lock(conn, projections)
    query = select(tracking.c.projection, tracking.c.notification_id).where(
        tracking.c.projection.in_([p.name for p in projections]))
    found = {row.projection: int(row.notification_id) for row in conn.execute(query)}
    return {p.name: found.get(p.name, 0) for p in projections}


def _positions(app: LedgerApplication, notification_ids: list[int]) -> dict[int, int]:
    """Merkle log positions of notification ids (every stored event has one, DESIGN §3)."""
    # A batch is every notification id from its first to its last (select_notifications reads in order),
    # so one range read finds their positions.
    found = app.log.positions_of(min(notification_ids), max(notification_ids))
    missing = [n for n in notification_ids if n not in found]
    if missing:
        raise ProjectionError(f"notifications {missing[:5]} have no Merkle log position (run `ledger verify`)")
    return found
