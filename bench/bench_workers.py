#!/usr/bin/env python3
"""`ledger serve --workers N` on one PostgreSQL (issue 17.3): requests/s of a mixed load with 1, 2 and 4 processes.

Usage: .venv/bin/python bench/bench_workers.py [--seconds 15] [--clients 16] [--workers 1,2,4] [--rounds 2]
For each process count, in alternating rounds on one fresh ledger: the real `ledger serve --workers N`
subprocess; `--clients` client threads on keep-alive connections for `--seconds`, each sending 3 reads
(public list page, the subject API read of an auditor with purpose — itself a signed access record, HA-5.2 —
and the public lookup) for every write (register a new person, a signed event). Every answer must be 2xx.
Prints `RESULT name=value` lines; paste them into bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))

from ledger_support.backends import drop_pg_schema, new_pg_schema, postgres_settings  # noqa: E402
from web_helpers import ROLE_USER, build_ledger, valid_id  # noqa: E402

from domain.identifiers import synthetic_resident_id  # noqa: E402
from ledger.app import LedgerApplication  # noqa: E402
from ledger.config import Settings  # noqa: E402
from projections.db import make_engine  # noqa: E402
from web.accounts import AccountStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tokens(settings: Settings) -> dict[str, str]:
    app, engine = LedgerApplication(settings), make_engine(settings)
    try:
        accounts = AccountStore(engine, app)
        return {role: accounts.issue_token(ROLE_USER[role], "bench") for role in ("recording_unit", "auditor")}
    finally:
        engine.dispose()
        app.close()


@contextmanager
def serving(settings: Settings, workers: int, log: Any = subprocess.DEVNULL, threads: int = 8) -> Iterator[int]:
    """`ledger serve --workers N` until the block ends; yield its port once it answers (its stderr to `log`)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=settings.database_url, LEDGER_KEYS_DIR=str(settings.keys_dir),
               LEDGER_ORIGIN=settings.origin, PYTHONPATH=str(ROOT), LEDGER_SWEEP_AT="off")
    process = subprocess.Popen([sys.executable, "-m", "ledger.cli", "serve", "--port", str(port), "--workers",
                                str(workers), "--threads", str(threads)], env=env, stdout=subprocess.DEVNULL,
                               stderr=log)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/public/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not answer within 60 s")
        time.sleep(1.0 * workers)  # every worker up
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def run_threads(target: Any, count: int) -> None:
    """Run `target(n)` for n in 0..count-1 in threads; return when all have finished."""
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def load(port: int, seconds: float, clients: int, tokens: dict[str, str], subject_id: str, seed: int) -> float:
    """Mixed requests/s over `seconds` from `clients` threads (3 reads per write)."""
    stop_at = time.monotonic() + seconds
    counts, failures = [0] * clients, []
    audit = {"Authorization": f"Bearer {tokens['auditor']}"}
    write = {"Authorization": f"Bearer {tokens['recording_unit']}", "Content-Type": "application/json"}

    def client(n: int) -> None:
        rng, conn = random.Random(seed * 1000 + n), http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        step = 0
        while time.monotonic() < stop_at:
            kind = step % 4
            if kind == 0:
                conn.request("GET", "/public/lists")
            elif kind == 1:
                conn.request("GET", f"/api/v1/subjects/{subject_id}?purpose=bench&basis=bench", headers=audit)
            elif kind == 2:
                conn.request("POST", "/api/v1/public/subjects/lookup", body=json.dumps({"q": valid_id()}),
                             headers={"Content-Type": "application/json"})
            else:
                body = {"name": "测试人", "id_number": synthetic_resident_id(rng)}
                conn.request("POST", "/api/v1/subjects/persons", body=json.dumps(body), headers=write)
            response = conn.getresponse()
            text = response.read()
            if response.status >= 300 and not (kind == 3 and response.status == 422):  # a drawn duplicate id
                failures.append(f"{response.status} {text[:200]!r}")
                return
            counts[n] += 1
            step += 1

    start, (busy0, total0), own0 = time.perf_counter(), cpu_ticks(), os.times()
    run_threads(client, clients)
    if failures:
        raise SystemExit(f"a request failed: {failures[0]}")
    elapsed, (busy1, total1), own1 = time.perf_counter() - start, cpu_ticks(), os.times()
    client_cpu = (own1.user + own1.system - own0.user - own0.system) / elapsed
    print(f"    machine CPU busy {100 * (busy1 - busy0) / max(total1 - total0, 1):.0f}% of {os.cpu_count()} CPUs; "
          f"this client process alone used {client_cpu:.2f} CPUs", flush=True)
    return sum(counts) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--server-log", default="", help="append the servers' stderr (incidents) to this file")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    schema = new_pg_schema()
    server_log = open(args.server_log, "a") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
    with tempfile.TemporaryDirectory() as name:
        try:
            settings = postgres_settings(Path(name), schema)
            build_ledger(settings)
            tokens = _tokens(settings)
            app, engine = LedgerApplication(settings), make_engine(settings)
            subject_id = str(AccountStore(engine, app).get(ROLE_USER["subject"]).subject_id)  # type: ignore[union-attr]
            engine.dispose()
            app.close()
            rates: dict[int, list[float]] = {n: [] for n in counts}
            for r in range(args.rounds):
                for n in counts:
                    with serving(settings, n, server_log) as port:
                        rates[n].append(load(port, args.seconds, args.clients, tokens, subject_id, r * 10 + n))
                    print(f"  round {r + 1}: {n} process(es): {rates[n][-1]:.0f} requests/s", flush=True)
        finally:
            drop_pg_schema(schema)
    print(f"machine: {os.cpu_count()} CPUs; client threads share them")
    for n in counts:
        print(f"RESULT serve_postgres_{n}_workers_requests_per_s={statistics.median(rates[n]):.0f}")
    base = statistics.median(rates[counts[0]])
    for n in counts[1:]:
        print(f"RESULT serve_postgres_{n}_workers_vs_{counts[0]}={statistics.median(rates[n]) / base:.2f}")


if __name__ == "__main__":
    main()
