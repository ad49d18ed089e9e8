#!/usr/bin/env python3
"""Ledger benchmark (issue 2): signed append vs raw eventsourcing append, verify vs bare PyNaCl,
and proof / checkpoint time at 1,000,000 leaves — on SQLite and PostgreSQL, in one run.

Usage: .venv/bin/python bench/bench_ledger.py [--events 1000] [--rounds 11] [--verify-events 50000]
       [--leaves 1000000] [--backends sqlite,postgres]
Prints ratios against baselines measured in the same run; paste the output into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventsourcing.application import Application  # noqa: E402
from eventsourcing.domain import Aggregate, event  # noqa: E402
from nacl.signing import SigningKey, VerifyKey  # noqa: E402

from ledger import merkle  # noqa: E402
from ledger.app import LedgerApplication  # noqa: E402
from ledger.audit import verify_ledger  # noqa: E402
from ledger.checkpoint import Checkpoint, sign_checkpoint  # noqa: E402
from ledger.config import Settings, eventsourcing_env  # noqa: E402
from ledger.merkle_tables import pack_hashes  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"


class Probe(Aggregate):
    """A small aggregate with a payload like a typical domain event."""

    @event("Recorded")
    def __init__(self, actor_unit: str, note: str) -> None:
        self.note = note


def _settings(backend: str, tmp: Path, tag: str) -> Settings:
    if backend == "sqlite":
        return Settings(f"sqlite:///{tmp}/{tag}.sqlite3", tmp / f"keys-{tag}", "bench/ledger")
    import psycopg

    schema = f"bench_{tag}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return Settings(f"{PG}?schema={schema}", tmp / f"keys-{tag}", "bench/ledger")


def _rate(count: int, fn: Callable[[], None]) -> float:
    start = time.perf_counter()
    fn()
    return count / (time.perf_counter() - start)


def _appends(save: Callable[..., None], n: int, batch: int) -> Callable[[], None]:
    def go() -> None:
        for _ in range(n // batch):
            save(*[Probe("credit-office", "x" * 200) for _ in range(batch)])
    return go


def bench_append(backend: str, tmp: Path, n: int, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Events/s, raw eventsourcing vs signed ledger, single saves and batches of 10, in `rounds` rounds of
    alternating saves (the aggregates are built outside the timed calls, for both alike)."""
    raw_env = eventsourcing_env(_settings(backend, tmp, "raw").database_url, create_table=True)
    raw_env.pop("APPLICATION_RECORDER_TOPIC")
    raw = Application(env=raw_env)
    settings = _settings(backend, tmp, "signed")
    LedgerApplication(settings, create_tables=True).initialise()
    signed = LedgerApplication(settings)
    signed.register_key("credit-office")
    signed_save = lambda *aggs: signed.save_as("credit-office", *aggs)  # noqa: E731
    out: dict[str, list[tuple[float, float]]] = {}
    for batch in (1, 10):
        out[f"b{batch}"] = [_paired_rates(raw.save, signed_save, n, batch) for _ in range(rounds)]
    return out


def _paired_rates(raw_save: Callable[..., None], signed_save: Callable[..., None], n: int,
                  batch: int) -> tuple[float, float]:
    """Events/s of raw and signed saves of `batch` aggregates, the two alternating save by save (a disk
    whose fsync latency drifts over seconds slows both alike)."""
    spent = {raw_save: 0.0, signed_save: 0.0}
    for _ in range(n // batch):
        for save in (raw_save, signed_save):
            aggregates = [Probe("credit-office", "x" * 200) for _ in range(batch)]
            start = time.perf_counter()
            save(*aggregates)
            spent[save] += time.perf_counter() - start
    return n / spent[raw_save], n / spent[signed_save]


def verify_ledger_for(backend: str, tmp: Path, events: int, batch: int) -> LedgerApplication:
    """A ledger of `events` signed events written in saves of `batch` events."""
    settings = _settings(backend, tmp, f"verify{batch}")
    LedgerApplication(settings, create_tables=True).initialise()
    app = LedgerApplication(settings)
    app.register_key("credit-office")
    _appends(lambda *aggs: app.save_as("credit-office", *aggs), events, batch)()
    assert verify_ledger(app).ok
    return app


def bench_verify(apps: dict[int, LedgerApplication], rounds: int) -> dict[str, list[float]]:
    """`ledger verify` events/s (one process; one worker per core) as ratios to the bare PyNaCl rates, in
    `rounds` interleaved rounds: each round's verifies are bracketed by bare measurements (shared with the
    neighbouring rounds) and compared with their mean, so drift of a shared machine's speed cancels out."""
    out: dict[str, list[float]] = {}
    before = bench_bare_verify()
    for _ in range(rounds):
        rates = {}
        for batch, app in apps.items():
            size = app.log.tree_size()
            rates[f"b{batch}_1core"] = _rate(size, lambda: _on_one_core(lambda: verify_ledger(app, workers=1)))
            rates[f"b{batch}_all"] = _rate(size, lambda: verify_ledger(app))
        after = bench_bare_verify()
        bare = {k: (before[k] + after[k]) / 2 for k in before}
        for name, rate in rates.items():
            out.setdefault(name, []).append(rate / bare["bare_1core" if name.endswith("1core") else "bare_all"])
        out.setdefault("bare_1core", []).append(bare["bare_1core"])
        out.setdefault("bare_all", []).append(bare["bare_all"])
        before = after
    return out


def _on_one_core(fn: Callable[[], object]) -> None:
    """Run `fn` with this process (all its threads) held to one CPU: "per core" means one core, read-ahead
    thread included (a database server process is not held)."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        fn()
    finally:
        os.sched_setaffinity(0, allowed)


_PAIRS: list[tuple[bytes, bytes]] = []  # the signed messages, inherited by the forked workers (not pickled)
_KEY: list[bytes] = []


def _bare_verify(args: tuple[bytes, int, int]) -> int:
    key, start, end = args
    vk = VerifyKey(key)
    for message, signature in _PAIRS[start:end]:
        vk.verify(message, signature)
    return end - start


def make_signed_pairs(n: int) -> None:
    """n DISTINCT signed messages of an event's size (a log holds distinct signatures; repeating one would
    flatter the baseline's caches), kept for the bare verifications."""
    sk = SigningKey.generate()
    _PAIRS[:] = [(m, sk.sign(m).signature) for m in (os.urandom(120) for _ in range(n))]
    _KEY[:] = [bytes(sk.verify_key)]


def bench_bare_verify() -> dict[str, float]:
    """Bare PyNaCl `VerifyKey.verify` calls/s over the signed pairs, on one core and on every core."""
    n, key = len(_PAIRS), _KEY[0]
    one = _rate(n, lambda: _on_one_core(lambda: _bare_verify((key, 0, n))))
    cores = os.cpu_count() or 1
    share = n // cores
    with get_context("fork").Pool(cores) as pool:
        start = time.perf_counter()
        pool.map(_bare_verify, [(key, i * share, (i + 1) * share) for i in range(cores)])
        every = (share * cores) / (time.perf_counter() - start)
    return {"bare_1core": one, "bare_all": every}


def bench_proofs(backend: str, tmp: Path, leaves: int, samples: int = 500) -> dict[str, float]:
    """Inclusion-proof p50/p95 and checkpoint time at `leaves` leaves (nodes bulk-loaded)."""
    settings = _settings(backend, tmp, "proofs")
    app = LedgerApplication(settings, create_tables=True)
    app.initialise()
    _bulk_rows(app, leaves)
    size = leaves + 1
    times = []
    for pos in random.Random(1).sample(range(size), samples):
        t0 = time.perf_counter()
        merkle.inclusion_proof(pos, size, app.log)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    t0 = time.perf_counter()
    root = merkle.root(size, app.log)
    sign_checkpoint(Checkpoint("bench/ledger", size, root), "bench/ledger", app.root_signer().signing_key)
    cp_ms = (time.perf_counter() - t0) * 1000
    return {"proof_p50_ms": statistics.median(times), "proof_p95_ms": times[int(0.95 * len(times))],
            "checkpoint_ms": cp_ms}


def _bulk_rows(app: LedgerApplication, leaves: int) -> None:
    """Append `leaves` synthetic rows after the genesis event with the hashes the recorder would store
    (each row holds its leaf and the subtree hashes it completes; the events themselves are filler)."""
    log, t = app.log, app.log.merkle
    size = log.tree_size()
    frontier = log.frontier(size)
    oid, state, topic = uuid.uuid4(), b"x" * 200, "bench:Filler"

    def rows():
        for i in range(leaves):
            blob = pack_hashes(frontier.append(merkle.leaf_hash(i.to_bytes(8, "big"))))
            yield (oid.hex if t.dialect == "sqlite" else oid), i + 1, topic, state, size + i, blob

    if t.dialect == "sqlite":
        with log.datastore.transaction(commit=True) as cursor:
            cursor.executemany(t.sqlite_insert(), (r[:4] + r[5:] for r in rows()))
        return
    with log.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cursor:
        with cursor.copy(f"COPY {t.events} (originator_id, originator_version, topic, state, position, merkle) "
                         "FROM STDIN") as copy:
            for row in rows():
                copy.write_row(row)


def main() -> None:
    """Run every benchmark and print a report with ratios."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--verify-events", type=int, default=50000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    make_signed_pairs(20000)
    bare = bench_bare_verify()
    print(f"machine: {os.cpu_count()} cores; bare PyNaCl verify {bare['bare_1core']:.0f}/s on 1 core, "
          f"{bare['bare_all']:.0f}/s on all cores (before the rounds)")
    for backend in args.backends.split(","):
        a = bench_append(backend, tmp, args.events, args.rounds)
        print(f"\n[{backend}] append ({args.events} events per round, raw and signed saves alternating; "
              f"{args.rounds} rounds; medians)")
        for b in (1, 10):
            pairs = a[f"b{b}"]
            ratios = sorted(sig / raw for raw, sig in pairs)
            print(f"  batch {b:>2}: raw {statistics.median(r for r, _ in pairs):8.0f} ev/s  signed "
                  f"{statistics.median(s for _, s in pairs):8.0f} ev/s  ratio median {statistics.median(ratios):.2f} "
                  f"(rounds {' '.join(f'{r:.2f}' for r in ratios)})  (target >= 0.80)")
        apps = {b: verify_ledger_for(backend, tmp, args.verify_events, b) for b in (1, 10)}
        v = bench_verify(apps, args.rounds)
        print(f"  verify ({args.verify_events} events per log, {args.rounds} interleaved rounds, each against the mean of "
              f"the bare rates measured just before and after it; bare medians {statistics.median(v['bare_1core']):.0f}/s on 1 core, "
              f"{statistics.median(v['bare_all']):.0f}/s on all cores)")
        for b in (1, 10):
            for where in ("1core", "all"):
                ratios = sorted(v[f"b{b}_{where}"])
                print(f"    log of {b:>2}-event saves, {'one core ' if where == '1core' else 'all cores'}: ratio median "
                      f"{statistics.median(ratios):.2f} (rounds {' '.join(f'{r:.2f}' for r in ratios)})  (target >= 0.80)")
        p = bench_proofs(backend, tmp, args.leaves)
        print(f"  at {args.leaves + 1} leaves: inclusion proof p50 {p['proof_p50_ms']:.2f} ms, "
              f"p95 {p['proof_p95_ms']:.2f} ms (target <= 10); checkpoint {p['checkpoint_ms']:.1f} ms")


if __name__ == "__main__":
    main()
