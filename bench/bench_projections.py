"""Benchmark of the read models and time travel (issue 4). Not a test: figures go to bench/README.md.

    .venv/bin/python bench/bench_projections.py [--events N] [--subjects M] [--database-url URL] [--queries K]

Generates (or tops up) a ledger with `ledger demo`'s generator through the real CreditService until it
holds N events or M demo subjects, then measures in the same run:
  * plain decode-and-verify of the whole log (signature check + decoding, streamed in chunks);
  * a full rebuild of every view in one pass (events/s, compared with the above), in alternating rounds;
  * p50/p95 latency of a subject status query now and as of a past log position;
  * the time to stream a whole list (black) as of a past position, valid at a past date;
  * peak RSS, sampled every 0.1 s in a thread, per phase (memory must stay flat: everything streams).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from domain.demo import Clock, run_demo  # noqa: E402
from ledger.app import LedgerApplication  # noqa: E402
from ledger.cli_domain import demo_service  # noqa: E402
from ledger.config import Settings  # noqa: E402
from projections.asof import list_as_of  # noqa: E402
from projections.db import make_engine, subjects  # noqa: E402
from projections.follower import REBUILD_BATCH, Follower  # noqa: E402
from projections.timetravel import status  # noqa: E402

CHUNK = 1000


class RssSampler:
    """Samples this process's resident set size (VmRSS) every 0.1 s; `peak` since the last reset."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @staticmethod
    def rss_mb() -> float:
        """Current VmRSS in MiB."""
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, int(self.rss_mb()))

    def reset(self) -> None:
        """Start a new phase."""
        self.peak = int(self.rss_mb())

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


@contextmanager
def phase(name: str, rss: RssSampler, results: dict[str, object]) -> Iterator[dict[str, float]]:
    """Time a phase and note its peak RSS."""
    rss.reset()
    box: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    yield box
    box["seconds"] = time.perf_counter() - started
    box["cpu_seconds"] = time.process_time() - cpu
    results[name] = {**box, "peak_rss_mb": rss.peak}
    print(f"{name}: {box['seconds']:.1f} s ({box['cpu_seconds']:.1f} s CPU), peak RSS {rss.peak} MiB", flush=True)


def generate(app: LedgerApplication, events: int, subjects_wanted: int, chunk_subjects: int,
             quiet_share: float) -> None:
    """Top the ledger up through the real service (`ledger demo`'s generator, one seed per chunk) to N events / M subjects."""
    clock = Clock()
    service = demo_service(app, clock)
    seed, made = 1000, 0
    started, before = time.perf_counter(), app.log.tree_size()
    while app.log.tree_size() < events and made < subjects_wanted:
        chunk_started, chunk_before = time.perf_counter(), app.log.tree_size()
        result = run_demo(service, clock, min(chunk_subjects, subjects_wanted - made), seed, quiet_share=quiet_share)
        made += len(result.subject_ids)
        seed += 1
        size, now = app.log.tree_size(), time.perf_counter()
        print(f"  generated: {size} events, {made} subjects; this chunk {(size - chunk_before) / (now - chunk_started):,.0f}"
              f" ev/s, overall {(size - before) / (now - started):,.0f} ev/s, {now - started:,.0f} s, "
              f"RSS {RssSampler.rss_mb():.0f} MiB", flush=True)


def decode_and_verify(app: LedgerApplication) -> int:
    """Every event verified and decoded, streamed in chunks (the baseline of a rebuild)."""
    count, start = 0, 0
    while True:
        batch = app.recorder.select_notifications(start, CHUNK, inclusive_of_start=False)
        if not batch:
            return count
        for notification in batch:
            app.mapper.to_domain_event(notification)
        count += len(batch)
        start = batch[-1].id


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the ledger (default 1,000,000)")
    parser.add_argument("--subjects", type=int, default=100_000, help="demo subjects at most (default 100,000)")
    parser.add_argument("--chunk-subjects", type=int, default=1000, help="subjects per demo run and sweep (default 1000)")
    parser.add_argument("--database-url", default=None, help="ledger to use (default: a new SQLite file)")
    parser.add_argument("--keys-dir", default=None, help="keys of that ledger (default: next to it)")
    parser.add_argument("--queries", type=int, default=200, help="subject queries per kind (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating decode/rebuild rounds (default 3)")
    parser.add_argument("--batch-size", type=int, default=REBUILD_BATCH,
                        help=f"events per rebuild batch (transaction), at least {REBUILD_BATCH} (as `ledger rebuild`)")
    parser.add_argument("--quiet-share", type=float, default=0.55,
                        help="share of cases with a registration and one record only (default 0.55: about "
                             "10 events per subject, so 1,000,000 events reach 100,000 subjects)")
    parser.add_argument("--no-generate", action="store_true", help="measure the ledger as it is")
    parser.add_argument("--generate-only", action="store_true", help="generate, then stop (measure later)")
    parser.add_argument("--workdir", default=None,
                        help="keep the SQLite ledger and keys in this folder (created and initialised if new)")
    args = parser.parse_args()

    folder = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-projections-"))
    settings = Settings(database_url=args.database_url or f"sqlite:///{folder.resolve()}/ledger.sqlite3",
                        keys_dir=Path(args.keys_dir) if args.keys_dir else folder / "keys",
                        origin="bench.example/projections")
    if args.database_url is None and not (folder / "ledger.sqlite3").exists():
        folder.mkdir(parents=True, exist_ok=True)
        LedgerApplication(settings, create_tables=True).initialise()
    app = LedgerApplication(settings)
    engine = make_engine(settings)
    rss = RssSampler()
    results: dict[str, object] = {}
    if not args.no_generate:
        with phase("generate", rss, results):
            generate(app, args.events, args.subjects, args.chunk_subjects, args.quiet_share)
    size = app.log.tree_size()
    if args.generate_only:
        print(f"ledger: {size} events in {folder}; generation peak RSS {rss.peak} MiB", flush=True)
        return 0
    print(f"ledger: {size} events, backend {settings.backend}, pid {os.getpid()}", flush=True)

    # Alternating rounds: on a shared machine the load changes between phases, so each round's ratio is
    # reported, and the median of the rounds is the figure; CPU time (this process only) is shown as well.
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for round_no in range(1, args.rounds + 1):
        with phase(f"decode_and_verify_{round_no}", rss, results) as box:
            box["events"] = decode_and_verify(app)
        with phase(f"rebuild_all_views_{round_no}", rss, results) as box:
            box["events"] = Follower(app, engine, batch_size=args.batch_size).rebuild_all(progress=False)
        verify, rebuild = results[f"decode_and_verify_{round_no}"], results[f"rebuild_all_views_{round_no}"]
        ratios.append(verify["seconds"] / rebuild["seconds"])  # type: ignore[index]
        cpu_ratios.append(verify["cpu_seconds"] / rebuild["cpu_seconds"])  # type: ignore[index]
        print(f"  round {round_no}: decode-and-verify {size / verify['seconds']:,.0f} ev/s, "  # type: ignore[index]
              f"rebuild {size / rebuild['seconds']:,.0f} ev/s = {ratios[-1]:.2f}x wall, "  # type: ignore[index]
              f"{cpu_ratios[-1]:.2f}x CPU", flush=True)
    verify_rate = size / statistics.median(r["seconds"] for k, r in results.items()  # type: ignore[index]
                                           if k.startswith("decode_and_verify"))
    rebuild_rate = size / statistics.median(r["seconds"] for k, r in results.items()  # type: ignore[index]
                                            if k.startswith("rebuild_all_views"))

    with engine.connect() as conn:
        ids = [UUID(r) for r in conn.execute(select(subjects.c.subject_id)).scalars()]
    picked = random.Random(7).sample(ids, min(args.queries, len(ids)))
    past = size // 2
    latencies: dict[str, list[float]] = {"now": [], "as_of_past": []}
    with phase("subject_queries", rss, results):
        for subject_id in picked:
            for kind, position in (("now", None), ("as_of_past", past)):
                started = time.perf_counter()
                try:
                    status(app, subject_id, position, valid_at=date(2024, 6, 1))
                except Exception:  # noqa: BLE001 - a subject registered after `past`: not timed
                    continue
                latencies[kind].append(time.perf_counter() - started)

    with phase("black_list_as_of_past", rss, results) as box:
        with list_as_of(app, engine, "black", as_of_position=past, valid_at=date(2024, 6, 1)) as answer:
            box["rows"] = sum(1 for _ in answer.rows)
    rss.stop()

    print()
    print(f"events {size}, subjects {len(ids)}")
    print(f"decode-and-verify {verify_rate:,.0f} ev/s; rebuild (all views, one pass) {rebuild_rate:,.0f} ev/s "
          f"(medians of {args.rounds} rounds); ratio per round {', '.join(f'{r:.2f}' for r in ratios)}, "
          f"median {statistics.median(ratios):.2f}x wall, {statistics.median(cpu_ratios):.2f}x CPU (target >= 0.5x)")
    for kind, values in latencies.items():
        if values:
            print(f"subject status {kind}: n={len(values)} p50 {percentile(values, 0.5):.1f} ms, "
                  f"p95 {percentile(values, 0.95):.1f} ms (target as-of p95 <= 50 ms)")
    black = results["black_list_as_of_past"]
    print(f"black list as of position {past}: {black['rows']} rows in {black['seconds']:.2f} s")  # type: ignore[index]
    print("peak RSS per phase (MiB): " + ", ".join(f"{k} {v['peak_rss_mb']}" for k, v in results.items()))  # type: ignore[index]
    print(f"mean subject status now {statistics.mean(latencies['now']) * 1000:.1f} ms" if latencies["now"] else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
