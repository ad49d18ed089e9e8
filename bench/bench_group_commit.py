#!/usr/bin/env python3
"""Group commit (issue 17.2): 8 writer threads in one process, signed ledger vs plain `eventsourcing`.

Usage: .venv/bin/python bench/bench_group_commit.py [--saves 150] [--threads 8] [--rounds 3]
                                                    [--backends sqlite,postgres]
In alternating rounds of the same run, on each backend: `--threads` threads each saving `--saves` new
aggregates one save at a time (one event each, the payload of a typical domain event) through
  * plain eventsourcing (its own Application and recorder; no conflicts to retry: every aggregate is new),
  * the signed ledger with group commit (the default), and
  * the signed ledger with `LEDGER_GROUP_COMMIT=off` (one transaction per save, as before).
Prints events/s, the ratios and the mean batch size; `RESULT name=value` lines for bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ledger import Probe, _settings  # noqa: E402
from eventsourcing.application import Application  # noqa: E402

from ledger.app import LedgerApplication  # noqa: E402
from ledger.config import eventsourcing_env  # noqa: E402


def threaded_rate(save: Callable[..., None], threads: int, saves: int) -> float:
    """Events/s of `threads` threads each making `saves` single-aggregate saves."""
    start_line = threading.Barrier(threads + 1)

    def writer() -> None:
        probes = [Probe("credit-office", "x" * 200) for _ in range(saves)]
        start_line.wait()
        for probe in probes:
            save(probe)

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return threads * saves / (time.perf_counter() - started)


def signed_app(backend: str, tmp: Path, tag: str, grouped: bool) -> LedgerApplication:
    """A fresh signed ledger with one unit key; `grouped=False` builds it with LEDGER_GROUP_COMMIT=off."""
    settings = _settings(backend, tmp, tag)
    LedgerApplication(settings, create_tables=True).initialise()
    if not grouped:
        os.environ["LEDGER_GROUP_COMMIT"] = "off"
    try:
        app = LedgerApplication(settings)
    finally:
        os.environ.pop("LEDGER_GROUP_COMMIT", None)
    app.register_key("credit-office")
    return app


def bench(backend: str, tmp: Path, threads: int, saves: int, rounds: int) -> None:
    raw_env = eventsourcing_env(_settings(backend, tmp, "raw").database_url, create_table=True)
    raw_env.pop("APPLICATION_RECORDER_TOPIC")
    raw = Application(env=raw_env)
    grouped, single = signed_app(backend, tmp, "grouped", True), signed_app(backend, tmp, "single", False)
    rates: dict[str, list[float]] = {"raw": [], "grouped": [], "single": []}
    for r in range(rounds):
        rates["raw"].append(threaded_rate(raw.save, threads, saves))
        rates["grouped"].append(threaded_rate(lambda *a: grouped.save_as("credit-office", *a), threads, saves))
        rates["single"].append(threaded_rate(lambda *a: single.save_as("credit-office", *a), threads, saves))
        print(f"  {backend} round {r + 1}: plain eventsourcing {rates['raw'][-1]:.0f} ev/s, signed + group commit "
              f"{rates['grouped'][-1]:.0f} ev/s ({rates['grouped'][-1] / rates['raw'][-1]:.2f}x), signed one "
              f"transaction per save {rates['single'][-1]:.0f} ev/s", flush=True)
    group = grouped.recorder._group
    ratios = [g / r for g, r in zip(rates["grouped"], rates["raw"])]
    print(f"RESULT group_commit_{backend}_raw_events_per_s={statistics.median(rates['raw']):.0f}")
    print(f"RESULT group_commit_{backend}_signed_grouped_events_per_s={statistics.median(rates['grouped']):.0f}")
    print(f"RESULT group_commit_{backend}_signed_single_events_per_s={statistics.median(rates['single']):.0f}")
    print(f"RESULT group_commit_{backend}_ratio_vs_raw={statistics.median(ratios):.2f}")
    print(f"RESULT group_commit_{backend}_mean_batch={group.requests / max(group.batches, 1):.2f}")
    for app in (grouped, single):
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=150)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        for backend in args.backends.split(","):
            bench(backend, Path(name), args.threads, args.saves, args.rounds)


if __name__ == "__main__":
    main()
