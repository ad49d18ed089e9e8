#!/usr/bin/env python3
"""Witnessed checkpoints (issue 13): a checkpoint cosigned by 3 local witness processes vs a checkpoint alone.

Each round appends `--growth` events and signs a checkpoint alone, then appends as many again and signs a
checkpoint that is submitted to three `ledger witness serve` processes (each its own key and SQLite file) with
the consistency proof from its last size, cosigned, verified and stored. Medians in ms and their ratio, one run.

Usage: .venv/bin/python bench/bench_checkpoint.py [--events 10000] [--growth 10] [--rounds 21]
       [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventsourcing.domain import Aggregate, event  # noqa: E402

from ledger.app import LedgerApplication  # noqa: E402
from ledger.config import Settings  # noqa: E402
from ledger.transparency import create_checkpoint  # noqa: E402
from ledger.witness_config import WitnessingSettings, parse_spec  # noqa: E402
from ledger.witnessing import checkpoint_and_submit  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"
LEDGER = [sys.executable, "-m", "ledger.cli"]


class Probe(Aggregate):
    """A small aggregate with a payload like a typical domain event."""

    @event("Recorded")
    def __init__(self, actor_unit: str, note: str) -> None:
        self.note = note


def settings_for(backend: str, tmp: Path) -> Settings:
    """A new ledger database on `backend`."""
    if backend == "sqlite":
        return Settings(f"sqlite:///{tmp}/ledger.sqlite3", tmp / "keys", "bench/ledger")
    import psycopg

    schema = f"bench_cp_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return Settings(f"{PG}?schema={schema}", tmp / "keys", "bench/ledger")


def start_witness(tmp: Path, index: int, settings: Settings, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """A `ledger witness serve` process trusting the ledger; returns it and its `VKEY URL` entry."""
    key, db = tmp / f"w{index}.key", f"sqlite:///{tmp}/w{index}.sqlite3"
    out = subprocess.run([*LEDGER, "witness", "keygen", "--out", str(key), "--name", f"w{index}.bench/witness"],
                         env=env, check=True, capture_output=True, text=True).stdout
    vkey = out.split("vkey: ", 1)[1].strip()
    subprocess.run([*LEDGER, "witness", "trust", "--db", db, "--origin", settings.origin, "--key",
                    str(settings.keys_dir / "root.pub")], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*LEDGER, "witness", "serve", "--db", db, "--key", str(key), "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline() if proc.stdout else ""
    return proc, f"{vkey} {first.split(' on ', 1)[1].split()[0]}"


def grow(app: LedgerApplication, n: int) -> None:
    """Append n events in saves of 10."""
    for start in range(0, n, 10):
        app.save_as("credit-office", *[Probe("credit-office", "x" * 200) for _ in range(min(10, n - start))])


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench(backend: str, events: int, growth: int, rounds: int) -> None:
    """One backend: medians of both checkpoints over `rounds` alternating rounds."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        settings = settings_for(backend, tmp)
        LedgerApplication(settings, create_tables=True).initialise()
        alone = LedgerApplication(settings)
        alone.register_key("credit-office")
        grow(alone, events)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        witnesses = [start_witness(tmp, i, settings, env) for i in range(3)]
        try:
            specs = tuple(parse_spec(*entry.split(), "bench") for _, entry in witnesses)
            witnessed = LedgerApplication(dataclasses.replace(settings, witnessing=WitnessingSettings(specs, 3)))
            checkpoint_and_submit(witnessed)  # each witness's first cosignature (old size 0) is not measured
            plain, cosigned, reports = [], [], []
            for _ in range(rounds):
                grow(alone, growth)
                plain.append(timed(lambda: create_checkpoint(alone)))
                grow(alone, growth)
                cosigned.append(timed(lambda: reports.append(checkpoint_and_submit(witnessed))))
            assert all(r.quorum_reached and len(r.cosigners) == 3 for r in reports), reports[-1].lines()
            print_rows(backend, alone.log.tree_size(), growth, plain, cosigned)
        finally:
            for proc, _ in witnesses:
                proc.terminate()
                proc.wait(10)


def print_rows(backend: str, size: int, growth: int, plain: list[float], cosigned: list[float]) -> None:
    """Medians (and spread) of both, and their ratio."""
    a, b = statistics.median(plain), statistics.median(cosigned)
    print(f"{backend}: log of {size} events, +{growth} events per checkpoint, {len(plain)} rounds")
    print(f"  checkpoint alone                    median {a:8.2f} ms  (min {min(plain):.2f}, max {max(plain):.2f})")
    print(f"  checkpoint + 3 witnesses cosigning  median {b:8.2f} ms  (min {min(cosigned):.2f}, "
          f"max {max(cosigned):.2f})")
    print(f"  ratio witnessed / alone: {b / a:.1f}x  (+{b - a:.2f} ms)", flush=True)


def main() -> None:
    """Parse the options and run each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events in the log before the rounds")
    parser.add_argument("--growth", type=int, default=10, help="events appended before each checkpoint")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--backends", default="sqlite", help="comma-separated: sqlite,postgres")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        bench(backend, args.events, args.growth, args.rounds)


if __name__ == "__main__":
    main()
