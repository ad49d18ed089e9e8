#!/usr/bin/env python3
"""Staff reads (each registers a signed access record, HA-5.2) vs public reads (no write), over HTTP (issue 17).

Usage: .venv/bin/python bench/bench_reads.py [--clients 64] [--seconds 10] [--rounds 3] [--backends sqlite,postgres]
One real `ledger serve` process (64 threads) per backend; `--clients` client threads on keep-alive connections,
in alternating rounds: public lookups of the demo person (POST /api/v1/public/subjects/lookup: no write), then
an auditor's status reads of the same person (GET /api/v1/subjects/{id}/status with purpose and basis: each
read is a signed access-record event; concurrent ones share a commit through the recorder's group commit).
Prints requests/s, p50 and p95 of both and the ratio; `RESULT name=value` lines for bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_workers import _tokens, run_threads, serving  # noqa: E402
from ledger_support.backends import drop_pg_schema, new_pg_schema, postgres_settings  # noqa: E402
from web_helpers import ROLE_USER, build_ledger, tmp_settings, valid_id  # noqa: E402

from ledger.app import LedgerApplication  # noqa: E402
from ledger.config import Settings  # noqa: E402
from projections.db import make_engine  # noqa: E402
from web.accounts import AccountStore  # noqa: E402


def run_clients(port: int, clients: int, seconds: float, request: tuple[str, str, bytes | None, dict[str, str]]
                ) -> tuple[float, list[float]]:
    """(requests/s, latencies in s) of `clients` threads repeating one request for `seconds`."""
    method, path, body, headers = request
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            if response.status != 200:
                failures.append(f"{response.status} {text[:200]!r}")
                return
            latencies[n].append(time.perf_counter() - started)

    started = time.perf_counter()
    run_threads(client, clients)
    if failures:
        raise SystemExit(f"a request failed: {failures[0]}")
    every = [x for per in latencies for x in per]
    return len(every) / (time.perf_counter() - started), every


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def bench(backend: str, settings: Settings, clients: int, seconds: float, rounds: int) -> None:
    build_ledger(settings)
    tokens = _tokens(settings)
    app, engine = LedgerApplication(settings), make_engine(settings)
    subject_id = AccountStore(engine, app).get(ROLE_USER["subject"]).subject_id  # type: ignore[union-attr]
    engine.dispose()
    app.close()
    public = ("POST", "/api/v1/public/subjects/lookup", json.dumps({"q": valid_id()}).encode(),
              {"Content-Type": "application/json"})
    staff = ("GET", f"/api/v1/subjects/{subject_id}/status?purpose=bench&basis=bench", None,
             {"Authorization": f"Bearer {tokens['auditor']}"})
    results: dict[str, list[tuple[float, list[float]]]] = {"public": [], "staff": []}
    with serving(settings, 1, threads=64) as port:
        for r in range(rounds):
            for name, request in (("public", public), ("staff", staff)):
                results[name].append(run_clients(port, clients, seconds, request))
            (p_rate, p_lat), (s_rate, s_lat) = results["public"][-1], results["staff"][-1]
            print(f"  {backend} round {r + 1}: public {p_rate:.0f} req/s (p95 {_pct(p_lat, 0.95):.0f} ms), staff "
                  f"{s_rate:.0f} req/s (p95 {_pct(s_lat, 0.95):.0f} ms), ratio {s_rate / p_rate:.2f}", flush=True)
    for name in ("public", "staff"):
        rates = [rate for rate, _ in results[name]]
        every = [x for _, lat in results[name] for x in lat]
        print(f"RESULT reads_{backend}_{name}_requests_per_s={statistics.median(rates):.0f}")
        print(f"RESULT reads_{backend}_{name}_p50_ms={_pct(every, 0.5):.0f}")
        print(f"RESULT reads_{backend}_{name}_p95_ms={_pct(every, 0.95):.0f}")
    ratios = [s / p for (s, _), (p, _) in zip(results["staff"], results["public"])]
    print(f"RESULT reads_{backend}_staff_vs_public={statistics.median(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as name:
            if backend == "sqlite":
                bench(backend, tmp_settings(Path(name)), args.clients, args.seconds, args.rounds)
                continue
            schema = new_pg_schema()
            try:
                bench(backend, postgres_settings(Path(name), schema), args.clients, args.seconds, args.rounds)
            finally:
                drop_pg_schema(schema)


if __name__ == "__main__":
    main()
