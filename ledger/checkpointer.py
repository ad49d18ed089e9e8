"""The automatic checkpointer: a daemon thread in `ledger serve` and `ledger follow` that signs a checkpoint
every N events or T seconds once the log has grown, and submits it to the witnesses.

State lives in the database, not in the process: the newest stored checkpoint's size and time decide whether one
is due, so several processes on one database agree, and a checkpoint is stored once per tree size (the table's
key; a process that loses the race reads back the same note, Ed25519 being deterministic). A checkpoint some
witness has not cosigned yet is submitted again every `retry_seconds`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from ledger.app import LedgerApplication
from ledger.config import Settings
from ledger.witness_config import WitnessingSettings
from ledger.witness_store import WitnessStore
from ledger.witnessing import SubmissionReport, checkpoint_and_submit, submit

LOG = logging.getLogger("ledger.checkpointer")
DEFAULT_POLL = 1.0


class Checkpointer:
    """Decides when a checkpoint is due and makes it; `tick` is one decision, `run` loops until stopped."""

    def __init__(self, app: LedgerApplication, *, poll: float = DEFAULT_POLL,
                 retry_seconds: float | None = None) -> None:
        self.app, self.config = app, app.settings.witnessing
        self.store = WitnessStore(app.log)
        self.poll = poll
        self.retry_seconds = retry_seconds if retry_seconds is not None else (self.config.every_seconds or 60.0)
        self._last_retry = 0.0
        self.stop_event = threading.Event()

    def due(self, size: int, newest: tuple[int, str] | None) -> bool:
        """Whether the log (of `size` events) has grown past the newest checkpoint by N events or T seconds."""
        last_size, recorded = newest if newest else (0, None)
        if size <= last_size:
            return False
        if self.config.every_events and size - last_size >= self.config.every_events:
            return True
        return bool(self.config.every_seconds) and _age(recorded) >= self.config.every_seconds

    def tick(self) -> SubmissionReport | None:
        """Checkpoint when due, else resubmit an incompletely cosigned newest checkpoint when the retry is due."""
        newest = self.store.newest()
        if self.due(self.app.log.tree_size(), newest):
            self._last_retry = time.monotonic()
            return checkpoint_and_submit(self.app)
        if newest is None or not self._retry_due(newest[0]):
            return None
        self._last_retry = time.monotonic()
        return submit(self.app, newest[0])

    def _retry_due(self, size: int) -> bool:
        if not self.config.witnesses or time.monotonic() - self._last_retry < self.retry_seconds:
            return False
        return len(self.store.lines(size)) < len(self.config.witnesses)

    def run(self) -> None:
        """Tick every `poll` seconds until stopped; a failed tick is logged and retried at the next one."""
        while not self.stop_event.wait(self.poll):
            try:
                report = self.tick()
            except Exception as exc:  # the thread must outlive a locked database or a witness answering garbage
                LOG.warning("checkpointer: %s: %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
                continue
            for line in report.lines() if report else ():
                LOG.info("checkpointer: %s", line)

    def stop(self) -> None:
        """Ask the loop to end after the current tick."""
        self.stop_event.set()


def start_checkpointer(settings: Settings, *, poll: float = DEFAULT_POLL) -> Checkpointer | None:
    """Start the checkpointer in a daemon thread with its own ledger connection (None when disabled)."""
    if not settings.witnessing.checkpointer_enabled:
        return None
    checkpointer = Checkpointer(LedgerApplication(settings), poll=min(poll, _poll_for(settings.witnessing)))
    threading.Thread(target=checkpointer.run, name="ledger-checkpointer", daemon=True).start()
    return checkpointer


def _poll_for(config: WitnessingSettings) -> float:
    """Poll at least four times per T seconds, so a checkpoint is at most a quarter of T late."""
    return config.every_seconds / 4 if config.every_seconds else DEFAULT_POLL


def _age(recorded: str | None) -> float:
    """Seconds since a stored ISO time (infinite when there is none)."""
    if recorded is None:
        return float("inf")
    return (datetime.now(timezone.utc) - datetime.fromisoformat(recorded)).total_seconds()
