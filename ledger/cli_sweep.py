"""The daily expiry sweep, run by itself in `ledger serve` and `ledger follow` (NT-PCI-30, LYG-18, JY-20).

A daemon thread sweeps today's business day (Asia/Shanghai) at start-up when that day's sweep has not run,
then every day at LEDGER_SWEEP_AT (default 00:05 China time). The sweep is saved with the day's signed
`DailySweep` marker (domain.sweep_marker), so several processes on one database never sweep a day twice:
the second finds the marker, or loses the version race on it and, re-reading, finds it. What is shown
never waits for the sweep (domain.effective); the sweep records the `Expired` events, the automatic
repair and the lifts. An entry-side module (like the other ledger/cli*.py), so it may use the domain.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from domain.actor import Actor
from domain.clock import CHINA_TIME, office_today
from ledger.config import ConfigError

DEFAULT_AT = "00:05"
DEFAULT_UNIT = "ledger-admin"  # the administrator's unit (domain.service_base.ADMIN_UNIT) signs the sweep
SWEEP_USER = "daily-sweep"
RETRY_SECONDS = 300.0  # after a failed sweep (e.g. the database was unreachable), try again this soon
Now = Callable[[], datetime]


@dataclass(frozen=True)
class SweepSchedule:
    """When the daily sweep runs (China time of day) and which unit signs it."""

    at: time
    unit: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SweepSchedule | None:
        """LEDGER_SWEEP_AT (HH:MM China time; `off` disables) and LEDGER_SWEEP_UNIT; ConfigError when malformed."""
        env = os.environ if environ is None else environ
        text = (env.get("LEDGER_SWEEP_AT") or DEFAULT_AT).strip()
        if text.lower() == "off":
            return None
        try:
            at = time.fromisoformat(text)
        except ValueError:
            raise ConfigError(f"LEDGER_SWEEP_AT={text!r} is not a time of day HH:MM (or 'off')") from None
        return cls(at=at.replace(tzinfo=None), unit=(env.get("LEDGER_SWEEP_UNIT") or DEFAULT_UNIT).strip())


def next_run(now: datetime, at: time) -> datetime:
    """The first moment after `now` at which the clock in China reads `at`."""
    local = now.astimezone(CHINA_TIME)
    moment = datetime.combine(local.date(), at, tzinfo=CHINA_TIME)
    return moment if moment > local else moment + timedelta(days=1)


def sweep_day(credit: Any, actor: Actor, day: date) -> list[Any] | None:
    """Sweep `day` unless its marker exists; the ids expired, or None when it had already run."""
    if credit.swept_on(day):
        return None
    return credit.sweep(actor, today=day, daily=True)  # type: ignore[no-any-return]


class SweepThread(threading.Thread):
    """Sweeps at start-up (if today's sweep has not run) and then daily at the schedule's time."""

    def __init__(self, credit: Any, schedule: SweepSchedule, now: Now | None = None) -> None:
        super().__init__(name="daily-sweep", daemon=True)
        self.credit, self.schedule = credit, schedule
        self.actor = Actor(schedule.unit, SWEEP_USER)
        self.now: Now = now or (lambda: datetime.now(timezone.utc))
        self.stopped = threading.Event()
        self.attempts = 0  # sweeps attempted (for tests and the log)

    def run(self) -> None:
        """Sweep now if due, then wait for the next scheduled moment (or a retry after a failure)."""
        ok = self.attempt()
        while not self.stopped.wait(self.seconds_to_wait(ok)):
            ok = self.attempt()

    def stop(self) -> None:
        """End the loop (the thread is a daemon: a process exits without calling this)."""
        self.stopped.set()

    def attempt(self) -> bool:
        """Sweep today's business day if it has not run; one line on stderr; False when it failed."""
        day = office_today(self.now())
        self.attempts += 1
        try:
            expired = sweep_day(self.credit, self.actor, day)
        except Exception as exc:  # noqa: BLE001 - the server keeps serving; the next attempt retries
            print(f"ledger: daily sweep of {day} failed: {type(exc).__name__}: {exc}".splitlines()[0],
                  file=sys.stderr, flush=True)
            return False
        state = "already run" if expired is None else f"{len(expired)} expired"
        print(f"ledger: daily sweep of {day}: {state} (NT-PCI-30, LYG-18)", file=sys.stderr, flush=True)
        return True

    def seconds_to_wait(self, ok: bool) -> float:
        """Until the next scheduled moment; after a failure at most RETRY_SECONDS."""
        seconds = (next_run(self.now(), self.schedule.at) - self.now()).total_seconds()
        return max(1.0, seconds if ok else min(seconds, RETRY_SECONDS))


def start_daily_sweep(credit: Any, environ: Mapping[str, str] | None = None) -> SweepThread | None:
    """Start the daily sweep thread for `credit` (a CreditService); None when LEDGER_SWEEP_AT=off."""
    schedule = SweepSchedule.from_env(environ)
    if schedule is None:
        return None
    declare_sweep_user(credit.ledger, schedule.unit)
    thread = SweepThread(credit, schedule)
    thread.start()
    return thread


def declare_sweep_user(app: Any, unit: str) -> None:
    """Declare the sweep's acting user for `unit` in the account registry (when the ledger has one), so that
    `verify` finds the automatic sweep's events acted by an allowed user (HA-5.2)."""
    from ledger.account_ledger import AccountLedger

    registry = AccountLedger(app)
    if registry.book().started:
        registry.declare_system_users({SWEEP_USER: [unit]}, "the automatic daily sweep (NT-PCI-30, LYG-18, JY-20)")
