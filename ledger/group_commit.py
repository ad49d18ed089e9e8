"""Group commit: requests that arrive while a transaction is in flight are decided and committed together.

Leader/follower, no extra thread: the first caller to find the committer idle takes every pending request,
runs them as one batch (one transaction, one durable commit) and hands each caller its own outcome; callers
that arrived meanwhile wait, and one of them leads the next batch. Nobody is answered before the commit
that holds their outcome has returned, so an acknowledged answer is as durable as with one commit each.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_BATCH = 256


class _Slot(Generic[Item, Result]):
    """One caller's request and, once its batch committed, its outcome."""

    __slots__ = ("item", "done", "result", "error")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.done = False
        self.result: Result | None = None
        self.error: BaseException | None = None


class GroupCommitter(Generic[Item, Result]):
    """Runs `run_batch` over whatever requests are pending; each caller gets its own result or exception.

    `run_batch(items)` returns one result or exception per item (one request's refusal does not fail the
    others); if it raises, the whole batch failed (e.g. the commit) and every caller in it gets that error.
    """

    def __init__(self, run_batch: Callable[[Sequence[Item]], Sequence[Result | BaseException]],
                 *, max_batch: int = MAX_BATCH) -> None:
        self._run_batch, self._max_batch = run_batch, max_batch
        self._pending: list[_Slot[Item, Result]] = []
        self._busy = False
        self._changed = threading.Condition()
        self.batches = self.requests = 0  # how many batches ran, holding how many requests (benchmarks, tests)

    def submit(self, item: Item) -> Result:
        """Queue `item`, wait until a committed batch holds its outcome, return it (or raise its error)."""
        slot: _Slot[Item, Result] = _Slot(item)
        with self._changed:
            self._pending.append(slot)
        while True:
            with self._changed:
                while not slot.done and self._busy:
                    self._changed.wait()
                if slot.done:
                    break
                self._busy = True  # idle committer and still pending: lead the next batch
            if self._max_batch > 1:
                time.sleep(0)  # hand the interpreter to writers about to submit, so that they join this batch
            with self._changed:
                batch, self._pending = self._pending[:self._max_batch], self._pending[self._max_batch:]
            try:
                self._lead(batch)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _lead(self, batch: list[_Slot[Item, Result]]) -> None:
        self.batches, self.requests = self.batches + 1, self.requests + len(batch)
        try:
            outcomes = self._run_batch([slot.item for slot in batch])
            if len(outcomes) != len(batch):
                raise RuntimeError(f"group commit: {len(outcomes)} outcomes for {len(batch)} requests")
        except BaseException as error:  # noqa: BLE001 - the batch failed as a whole: each caller gets it
            outcomes = [error] * len(batch)
        for slot, outcome in zip(batch, outcomes):
            if isinstance(outcome, BaseException):
                slot.error = outcome
            else:
                slot.result = outcome
            slot.done = True


def group_committer(run_batch: Callable[[Sequence[Item]], Sequence[Result | BaseException]],
                    environ: Mapping[str, str] = os.environ) -> GroupCommitter[Item, Result]:
    """A committer for a recorder: batches of up to 256, or one request each with `LEDGER_GROUP_COMMIT=off`
    (for measuring what grouping gains)."""
    off = environ.get("LEDGER_GROUP_COMMIT", "").strip().lower() in ("off", "0", "no", "false")
    return GroupCommitter(run_batch, max_batch=1 if off else MAX_BATCH)
