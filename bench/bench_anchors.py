#!/usr/bin/env python3
"""Benchmark (issue 13): `verify --checkpoint` vs plain `verify` on the same 50,000-event log (target ≥ 0.95×),
and the cost of the gapless-aggregates check inside `verify`, on SQLite and PostgreSQL.

Usage: .venv/bin/python bench/bench_anchors.py [--events 50000] [--batch 10] [--rounds 5] [--backends sqlite,postgres]
Rounds interleave the two verifies (each on every core, as `ledger verify` runs), so a shared machine's drift
affects both alike; the ratio is of the medians. Paste the output into bench/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ledger import verify_ledger_for  # noqa: E402

from ledger.aggregate_versions import version_problems  # noqa: E402
from ledger.anchors import ExternalAnchors, read_checkpoint_file  # noqa: E402
from ledger.app import LedgerApplication  # noqa: E402
from ledger.audit import verify_ledger  # noqa: E402
from ledger.transparency import create_checkpoint  # noqa: E402


def _seconds(fn: object) -> float:
    start = time.perf_counter()
    report = fn()  # type: ignore[operator]
    assert report.ok, [str(p) for p in report.problems[:3]]
    return time.perf_counter() - start


def bench_backend(app: LedgerApplication, tmp: Path, rounds: int) -> dict[str, float]:
    """Median seconds of plain verify and verify against an external checkpoint of the whole log."""
    path = tmp / "external.txt"
    path.write_text(create_checkpoint(app).to_text(), encoding="utf-8")
    anchors = ExternalAnchors([read_checkpoint_file(str(path))])
    plain, anchored, versions = [], [], []
    for _ in range(rounds):
        plain.append(_seconds(lambda: verify_ledger(app)))
        anchored.append(_seconds(lambda: verify_ledger(app, anchors=anchors)))
        start = time.perf_counter()
        assert not version_problems(app.log)
        versions.append(time.perf_counter() - start)
    return {"plain": statistics.median(plain), "anchored": statistics.median(anchored),
            "versions": statistics.median(versions)}


def main() -> None:
    """Run both backends and print one line each."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50000)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            app = verify_ledger_for(backend, Path(tmp), args.events, args.batch)
            size = app.log.tree_size()
            got = bench_backend(app, Path(tmp), args.rounds)
            print(f"{backend}: {size} events (saves of {args.batch}), median of {args.rounds} rounds: verify "
                  f"{got['plain']:.2f} s, verify --checkpoint {got['anchored']:.2f} s, ratio "
                  f"{got['plain'] / got['anchored']:.3f} (target ≥ 0.95); gapless check {got['versions'] * 1000:.0f} ms "
                  f"({got['versions'] / got['plain']:.1%} of verify)")
            app.close()
            _drop_schema(app.settings.database_url)


def _drop_schema(url: str) -> None:
    """Drop the benchmark's PostgreSQL schema (a SQLite file goes with the temporary directory)."""
    if "?schema=" not in url:
        return
    import psycopg

    base, schema = url.split("?schema=", 1)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


if __name__ == "__main__":
    main()
