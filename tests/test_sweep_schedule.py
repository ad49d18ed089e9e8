"""Issue 14 part 2: the daily sweep runs by itself (NT-PCI-30, LYG-18, JY-20), once per business day even with
several processes on one database (the signed DailySweep marker), on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time as clock
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import IO, Iterator

import pytest
from ledger_support.backends import initialised_ledger

from domain.actor import Actor
from domain.clock import office_today
from domain.policy import load_all
from domain.service import CreditService
from domain.sweep_marker import DailySweep
from ledger.app import LedgerApplication
from ledger.cli_sweep import SweepSchedule, SweepThread, next_run, sweep_day
from ledger.config import ConfigError, Settings

REPO = Path(__file__).resolve().parents[1]
ADMIN = Actor("ledger-admin", "admin")
BUREAU = Actor("lyg-petition-bureau", "clerk")
UNITS = ("ledger-admin", "lyg-petition-bureau", "lyg-credit-office")
T = office_today()
CHINA = timezone(timedelta(hours=8))


def _ledger_with_an_ended_record(settings: Settings) -> tuple[LedgerApplication, CreditService, object]:
    """A LYG serious record whose five years ended yesterday (LYG-13b), not yet swept."""
    app = initialised_ledger(settings, UNITS)
    profile = load_all()["LYG"]
    day = next(d for d in (T.replace(year=T.year - 5) - timedelta(days=i) for i in range(-3, 5))
               if profile.validity_end(d, "serious") == T - timedelta(days=1))
    service = CreditService(app, {"LYG": profile}, app.keystore.subject_secret(), today=lambda: day)
    service.publish_profile(ADMIN, profile_id="LYG")
    person = service.register_person(BUREAU, name="王五", id_number="320602196606061236")
    record = service.record_dishonesty(
        BUREAU, profile_id="LYG", subject_id=person, behaviour_code="LYG-12.4", tier="serious",
        basis={"type": "other_statutory", "number": "公处〔2021〕1号", "issuer": "连云港市公安局", "date": day},
        act_date=day - timedelta(days=5), determination_date=day)
    return app, CreditService(app, {"LYG": profile}, app.keystore.subject_secret()), record


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=settings.database_url, LEDGER_KEYS_DIR=str(settings.keys_dir),
               LEDGER_ORIGIN=settings.origin, PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
               **extra)
    return env


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line.strip())


def _sweep_lines(processes: list[subprocess.Popen[str]], timeout: float = 90.0) -> list[str]:
    """The first `daily sweep` line each process prints on stderr."""
    lines: queue.Queue[str] = queue.Queue()
    for p in processes:
        threading.Thread(target=_lines, args=(p.stderr, lines), daemon=True).start()
    found: list[str] = []
    deadline = clock.monotonic() + timeout
    while len(found) < len(processes):
        line = lines.get(timeout=max(0.1, deadline - clock.monotonic()))
        if "daily sweep" in line:
            found.append(line)
    return found


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for p in started:
        p.terminate()
        p.wait(timeout=30)


def test_two_follow_processes_sweep_a_day_once_nt_pci_30_lyg_18(
        backend_settings: Settings, processes: list[subprocess.Popen[str]]) -> None:
    app, service, record_id = _ledger_with_an_ended_record(backend_settings)
    version = service.record(record_id).version
    env = _env(backend_settings, LEDGER_SWEEP_AT="00:05")
    for _ in range(2):
        processes.append(subprocess.Popen([sys.executable, "-m", "ledger.cli", "follow", "--poll", "0.5"], env=env,
                                          cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    lines = _sweep_lines(processes)
    assert all(line.startswith(f"ledger: daily sweep of {T}: ") for line in lines), lines
    assert sum(line.endswith("1 expired (NT-PCI-30, LYG-18)") for line in lines) == 1, lines  # the other: none
    marker = app.get(DailySweep.create_id(T))
    assert (marker.version, marker.day, marker.expired) == (1, T, [str(record_id)])  # one signed marker
    swept = service.record(record_id)
    assert (swept.status, swept.version, swept.closed_on) == ("expired", version + 1, T)  # one Expired event
    assert service.swept_on(T) and sweep_day(service, Actor("ledger-admin", "daily-sweep"), T) is None
    app.close()


def test_serve_sweeps_at_start_up_and_refuses_a_malformed_time(
        tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    from ledger_support.backends import sqlite_settings

    settings = sqlite_settings(tmp_path)
    app, service, record_id = _ledger_with_an_ended_record(settings)
    bad = subprocess.run([sys.executable, "-m", "ledger.cli", "serve", "--port", "0"], cwd=REPO, capture_output=True,
                         text=True, env=_env(settings, LEDGER_SWEEP_AT="25:00"), timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines() == [
        "ledger: error: LEDGER_SWEEP_AT='25:00' is not a time of day HH:MM (or 'off')"]
    assert service.record(record_id).status == "in_force"  # nothing stored
    processes.append(subprocess.Popen([sys.executable, "-m", "ledger.cli", "serve", "--port", "0"], cwd=REPO,
                                      env=_env(settings), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
    assert _sweep_lines(processes) == [f"ledger: daily sweep of {T}: 1 expired (NT-PCI-30, LYG-18)"]
    assert service.record(record_id).status == "expired"
    app.close()


def test_a_failed_sweep_is_one_line_and_retried_sooner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ledger_support.backends import sqlite_settings

    app, service, record_id = _ledger_with_an_ended_record(sqlite_settings(tmp_path))
    moment = datetime.combine(T, time(9, 0), tzinfo=CHINA)
    thread = SweepThread(service, SweepSchedule(time(0, 5), "unit-without-key"), now=lambda: moment)
    assert thread.attempt() is False
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"ledger: daily sweep of {T} failed: ")
    assert service.record(record_id).status == "in_force" and not service.swept_on(T)
    assert thread.seconds_to_wait(False) == 300.0 and thread.seconds_to_wait(True) == pytest.approx(15 * 3600 + 300)
    good = SweepThread(service, SweepSchedule(time(0, 5), "ledger-admin"), now=lambda: moment)
    good.start()
    deadline = clock.monotonic() + 60
    while not service.swept_on(T) and clock.monotonic() < deadline:
        clock.sleep(0.2)
    good.stop()
    good.join(timeout=30)
    assert service.record(record_id).status == "expired" and good.attempts == 1
    app.close()


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2026, 12, 3, 0, 4, tzinfo=CHINA), datetime(2026, 12, 3, 0, 5, tzinfo=CHINA)),
    (datetime(2026, 12, 3, 0, 5, tzinfo=CHINA), datetime(2026, 12, 4, 0, 5, tzinfo=CHINA)),
    (datetime(2026, 12, 2, 16, 10, tzinfo=timezone.utc), datetime(2026, 12, 4, 0, 5, tzinfo=CHINA)),  # 00:10 China
    (datetime(2026, 12, 31, 23, 0, tzinfo=CHINA), datetime(2027, 1, 1, 0, 5, tzinfo=CHINA)),
])
def test_next_run_is_the_next_0005_in_china(now: datetime, expected: datetime) -> None:
    assert next_run(now, time(0, 5)) == expected


def test_schedule_from_the_environment() -> None:
    assert SweepSchedule.from_env({}) == SweepSchedule(time(0, 5), "ledger-admin")
    assert SweepSchedule.from_env({"LEDGER_SWEEP_AT": "01:30", "LEDGER_SWEEP_UNIT": "lyg-credit-office"}) == \
        SweepSchedule(time(1, 30), "lyg-credit-office")
    assert SweepSchedule.from_env({"LEDGER_SWEEP_AT": "off"}) is None
    for bad in ("25:00", "noon", "1:5:7:9"):
        with pytest.raises(ConfigError, match="LEDGER_SWEEP_AT"):
            SweepSchedule.from_env({"LEDGER_SWEEP_AT": bad})
    assert date.today() - T <= timedelta(days=1)  # T is the business day in China (within a day of the host's)


def test_the_loop_sweeps_the_next_day_at_the_scheduled_time(tmp_path: Path) -> None:
    from ledger_support.backends import sqlite_settings

    app, service, record_id = _ledger_with_an_ended_record(sqlite_settings(tmp_path))
    started, start = clock.monotonic(), datetime.combine(T - timedelta(days=1), time(23, 59, 58), tzinfo=CHINA)
    thread = SweepThread(service, SweepSchedule(time(0, 0), "ledger-admin"),
                         now=lambda: start + timedelta(seconds=clock.monotonic() - started))  # yesterday, 2 s to go
    thread.start()
    deadline = clock.monotonic() + 60
    while not service.swept_on(T) and clock.monotonic() < deadline:
        clock.sleep(0.2)
    thread.stop()
    thread.join(timeout=30)
    assert service.swept_on(T - timedelta(days=1)) and service.swept_on(T) and thread.attempts == 2
    assert service.record(record_id).status == "expired"  # its last day was yesterday: today's sweep expired it
    assert app.get(DailySweep.create_id(T - timedelta(days=1))).expired == []  # on its last day it was in force
    app.close()
