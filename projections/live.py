"""Waiting for new events: PostgreSQL LISTEN/NOTIFY (the recorder NOTIFYs in each insert transaction),
polling on SQLite (its recorder has no notifications)."""

from __future__ import annotations

import time
from typing import Any, Callable, Protocol

from sqlalchemy import Engine

from ledger.app import LedgerApplication

SLICE = 0.2  # seconds between checks of the stop condition while waiting


class Waiter(Protocol):
    """Blocks until new events may be there (True) or `timeout` has passed (False)."""

    def wait(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds."""

    def close(self) -> None:
        """Release what the waiter holds."""


class Sleeper:
    """Polling: nothing tells us about new events, so sleep and look again."""

    def wait(self, timeout: float) -> bool:
        """Sleep `timeout` seconds."""
        time.sleep(timeout)
        return False

    def close(self) -> None:
        """Nothing to release."""


class Listener:
    """A dedicated autocommit connection LISTENing on the events table's channel."""

    def __init__(self, engine: Engine, channel: str) -> None:
        import psycopg
        from psycopg import sql

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn: Any = psycopg.connect(url, autocommit=True)
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def wait(self, timeout: float) -> bool:
        """Return on the first notification (True) or after `timeout` (False)."""
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            return True
        return False

    def close(self) -> None:
        """Close the listening connection."""
        self.conn.close()


def waiter_for(app: LedgerApplication, engine: Engine) -> Waiter:
    """LISTEN on PostgreSQL (channel of the recorder's NOTIFY), polling on SQLite."""
    channel = getattr(app.recorder, "channel_name", None)
    return Listener(engine, channel) if channel and engine.dialect.name == "postgresql" else Sleeper()


def wait_for_events(waiter: Waiter, timeout: float, stop: Callable[[], bool]) -> None:
    """Wait up to `timeout` for a wake-up, in slices so that `stop` is honoured promptly."""
    deadline = time.monotonic() + timeout
    while not stop():
        left = deadline - time.monotonic()
        if left <= 0 or waiter.wait(min(SLICE, left)):
            return
