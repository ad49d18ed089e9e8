#!/usr/bin/env python3
"""Witness benchmark (issue 13): add-checkpoint requests/s over loopback HTTP vs bare Ed25519 verify+sign/s.

Usage: .venv/bin/python bench/bench_witness.py [--requests 200] [--rounds 5] [--backends sqlite,postgres]
                                                [--logs 32]
The witness is the real `ledger witness serve` subprocess. One log: the client posts, one after another on one
keep-alive connection, real growing checkpoints of a real ledger, each with its consistency proof from
the previous one. Many logs (`--logs K`): K logs, each with its own key and growing RFC 6962 tree, post at
once from K keep-alive connections, as when one witness serves many logs; the witness groups the requests
that arrive during a commit into the next one (ledger/group_commit.py). The baseline, measured in alternating rounds of the same run, is the bare crypto a
witness must do per request: one Ed25519 verify of the log signature and one cosignature sign.
Each round also times a bare write+fsync loop: a witness commits its new state durably before it
answers (else a crash could roll it back and let it cosign a fork), so fsync latency bounds its rate.
Prints `RESULT name=value` lines; paste them into bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ledger_support.aggregates import Widget  # noqa: E402
from ledger_support.backends import initialised_ledger  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

from ledger import merkle  # noqa: E402
from ledger.checkpoint import Checkpoint, sign_checkpoint  # noqa: E402
from ledger.config import Settings  # noqa: E402
from ledger.cosignature import signed_message  # noqa: E402
from ledger.transparency import create_checkpoint, prove_consistency  # noqa: E402
from ledger.witness.client import add_checkpoint_body  # noqa: E402
from ledger.witness.decide import decide  # noqa: E402
from ledger.witness.keys import generate_key_file, load_key_file  # noqa: E402
from ledger.witness.request import parse_add_checkpoint  # noqa: E402
from ledger.witness.server import verified_log_line  # noqa: E402
from ledger.witness.store import LogState, TrustedLog, WitnessStore  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"
ROOT = Path(__file__).resolve().parents[1]


def build_requests(tmp: Path, count: int) -> tuple[list[bytes], list[str], str, bytes]:
    """A real ledger grown one event per checkpoint: (request bodies, notes, origin, root public key)."""
    app = initialised_ledger(Settings(f"sqlite:///{tmp}/ledger.sqlite3", tmp / "keys", "bench/ledger"), ("u",))
    notes, sizes = [], []
    for n in range(count):
        app.save_as("u", Widget(f"w{n}", actor_unit="u"))
        signed = create_checkpoint(app)
        notes.append(signed.to_text())
        sizes.append(signed.checkpoint.size)
    bodies, old = [], 0
    for size, note in zip(sizes, notes):
        proof = prove_consistency(app, old, size).proof if old else []
        bodies.append(add_checkpoint_body(old, proof, note))
        old = size
    key = bytes(app.root_signer().signing_key.verify_key)
    app.close()
    return bodies, notes, "bench/ledger", key


class MemoryTree:
    """An in-memory RFC 6962 node store of synthetic leaves (for the many-logs run)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.stored: dict[tuple[int, int], bytes] = {(0, i): leaf for i, leaf in enumerate(leaves)}
        level, hashes = 0, leaves
        while len(hashes) > 1:
            hashes = [merkle.node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes) - 1, 2)]
            level += 1
            self.stored.update({(level, i): h for i, h in enumerate(hashes)})

    def nodes(self, keys: Any) -> dict[tuple[int, int], bytes]:
        return {key: self.stored[key] for key in keys if key in self.stored}


@dataclass
class SyntheticLog:
    """A log of the many-logs run: origin, key and its add-checkpoint bodies split into rounds."""

    origin: str
    key: SigningKey
    rounds: list[list[bytes]]


def synthetic_logs(count: int, per_log: int, rounds: int) -> list[SyntheticLog]:
    """`count` logs, each `per_log` checkpoints (one leaf more each) with real consistency proofs."""
    logs = []
    for n in range(count):
        origin, key = f"bench.example/log{n}", SigningKey.generate()
        tree = MemoryTree([merkle.leaf_hash(f"{n}/{i}".encode()) for i in range(per_log)])
        bodies, old = [], 0
        for size in range(1, per_log + 1):
            note = sign_checkpoint(Checkpoint(origin, size, merkle.root(size, tree)), origin, key).to_text()
            proof = merkle.consistency_proof(old, size, tree) if old else []
            bodies.append(add_checkpoint_body(old, proof, note))
            old = size
        step = per_log // rounds
        logs.append(SyntheticLog(origin, key, [bodies[r * step:(r + 1) * step] for r in range(rounds)]))
    return logs


def post_concurrently(port: int, chunks: list[list[bytes]]) -> float:
    """Post each log's chunk on its own keep-alive connection, all logs at once; total requests/s."""
    failures: list[str] = []

    def one_log(bodies: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for body in bodies:
            conn.request("POST", "/add-checkpoint", body=body)
            response = conn.getresponse()
            text = response.read()
            if response.status != 200:
                failures.append(f"{response.status}: {text[:200]!r}")
                return
        conn.close()

    threads = [threading.Thread(target=one_log, args=(chunk,)) for chunk in chunks]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"witness refused a request: {failures[0]}")
    return sum(len(chunk) for chunk in chunks) / elapsed


@contextmanager
def witness_db(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh witness database URL: a SQLite file or a new PostgreSQL schema (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp}/witness-{uuid.uuid4().hex[:6]}.sqlite3"
        return
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG}?schema={schema}"
    finally:
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ledger.cli", "witness", *args]


@contextmanager
def served(db: str, key_file: Path, logs: list[tuple[str, bytes]], threads: int = 8) -> Iterator[int]:
    """Trust the logs (origin, root key) and run `ledger witness serve --port 0`; yield its port."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    store = WitnessStore(db)
    for origin, root_key in logs:
        store.trust(TrustedLog(origin, origin, root_key))
    store.close()
    process = subprocess.Popen(_cli("serve", "--db", db, "--key", str(key_file), "--port", "0",
                                    "--threads", str(threads)), env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        yield int(line.split("serving on http://127.0.0.1:", 1)[1].split(" ", 1)[0])
    finally:
        process.terminate()
        process.wait(timeout=20)


def post_all(port: int, bodies: list[bytes]) -> float:
    """Post each body in turn on one keep-alive connection; return requests/s (every answer must be 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/add-checkpoint", body=body)
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            raise SystemExit(f"witness answered {response.status}: {text[:200]!r}")
    elapsed = time.perf_counter() - start
    conn.close()
    return len(bodies) / elapsed


def bare_rate(notes: list[str], log_key: SigningKey, witness_key: SigningKey) -> float:
    """Ed25519 verify (log signature) + sign (cosignature) per checkpoint, pure PyNaCl: operations/s."""
    bodies = [note.split("\n\n", 1)[0] + "\n" for note in notes]
    signed = [log_key.sign(body.encode()) for body in bodies]
    verify_key, now = log_key.verify_key, int(time.time())
    start = time.perf_counter()
    for body, sm in zip(bodies, signed):
        verify_key.verify(sm)
        witness_key.sign(signed_message(body, now))
    return len(bodies) / (time.perf_counter() - start)


def fsync_rate(tmp: Path, count: int = 200) -> float:
    """Small write + fsync per operation in the witness's directory: the ceiling of durable commits/s."""
    fd = os.open(tmp / "fsync-probe", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        start = time.perf_counter()
        for _ in range(count):
            os.write(fd, b"x" * 128)
            os.fsync(fd)
        return count / (time.perf_counter() - start)
    finally:
        os.close(fd)


def bench(backend: str, tmp: Path, bodies: list[bytes], notes: list[str], origin: str, root: bytes,
          rounds: int) -> None:
    """Alternate witness rounds and bare rounds; print every round and the median ratio."""
    key_file = tmp / f"witness-{backend}.key"
    generate_key_file(key_file, "bench.example/witness")
    per_round = len(bodies) // rounds
    log_key, witness_key = SigningKey.generate(), SigningKey.generate()
    ratios, served_rates, bare_rates, fsyncs = [], [], [], []
    with witness_db(backend, tmp) as db, served(db, key_file, [(origin, root)]) as port:
        for r in range(rounds):
            chunk = slice(r * per_round, (r + 1) * per_round)
            served_rates.append(post_all(port, bodies[chunk]))
            bare_rates.append(bare_rate(notes[chunk], log_key, witness_key))
            fsyncs.append(fsync_rate(tmp))
            ratios.append(served_rates[-1] / bare_rates[-1])
            print(f"  {backend} round {r + 1}: witness {served_rates[-1]:.0f} req/s, "
                  f"bare verify+sign {bare_rates[-1]:.0f}/s, ratio {ratios[-1]:.3f}, "
                  f"write+fsync {fsyncs[-1]:.0f}/s", flush=True)
    print(f"RESULT witness_{backend}_requests_per_s={statistics.median(served_rates):.0f}")
    print(f"RESULT bare_verify_sign_{backend}_round_per_s={statistics.median(bare_rates):.0f}")
    print(f"RESULT witness_{backend}_ratio={statistics.median(ratios):.3f}")
    print(f"RESULT fsync_{backend}_round_per_s={statistics.median(fsyncs):.0f}")


NOOP_SERVER = """
import sys
from waitress import serve
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
    return [b"ok\\n"]
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
"""


def noop_http_rate(bodies: list[bytes]) -> float:
    """The same client against a waitress app that only reads the body: the HTTP ceiling of any WSGI witness."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-c", NOOP_SERVER, str(port)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        return post_all(port, bodies)
    finally:
        process.terminate()
        process.wait(timeout=20)


def app_cpu_rate(bodies: list[bytes], root_key: bytes, key_file: Path) -> float:
    """The witness's own work per request in this process, without HTTP or database: parse the request,
    verify the log signature, check the consistency proof, cosign: requests/s."""
    witness = load_key_file(key_file)
    first = parse_add_checkpoint(bodies[0])
    trusted = TrustedLog(first.note.checkpoint.origin, first.note.signatures[0].name, root_key)
    state, start = LogState(), time.perf_counter()
    for body in bodies:
        request = parse_add_checkpoint(body)
        decision = decide(state, request, witness, verified_log_line(request, trusted) or "")
        if decision.new_state is None:
            raise SystemExit(f"in-process witness refused: {decision.message}")
        state = decision.new_state
    return len(bodies) / (time.perf_counter() - start)


def bench_ceilings(tmp: Path, bodies: list[bytes], notes: list[str], root: bytes, rounds: int) -> None:
    """Where the time goes: no-op HTTP server and the witness logic alone, each against the bare crypto."""
    key_file = tmp / "witness-ceiling.key"
    generate_key_file(key_file, "bench.example/witness")
    log_key, witness_key = SigningKey.generate(), SigningKey.generate()
    per_round = len(bodies) // rounds
    http_ratios, cpu_ratios = [], []
    for r in range(rounds):
        chunk = slice(r * per_round, (r + 1) * per_round)
        noop = noop_http_rate(bodies[chunk])
        cpu = app_cpu_rate(bodies[:per_round], root, key_file)  # from size 0: the chain starts there
        bare = bare_rate(notes[chunk], log_key, witness_key)
        http_ratios.append(noop / bare)
        cpu_ratios.append(cpu / bare)
        print(f"  ceilings round {r + 1}: no-op HTTP {noop:.0f} req/s, witness logic alone {cpu:.0f}/s, "
              f"bare verify+sign {bare:.0f}/s, ratios {http_ratios[-1]:.3f} / {cpu_ratios[-1]:.3f}", flush=True)
    print(f"RESULT noop_http_ratio={statistics.median(http_ratios):.3f}")
    print(f"RESULT witness_logic_alone_ratio={statistics.median(cpu_ratios):.3f}")


def bench_many(backend: str, tmp: Path, logs: list[SyntheticLog], rounds: int) -> None:
    """K logs at once against one witness, alternating with the bare crypto of as many requests."""
    key_file = tmp / f"witness-many-{backend}.key"
    generate_key_file(key_file, "bench.example/witness")
    log_key, witness_key = SigningKey.generate(), SigningKey.generate()
    rates, bares, ratios = [], [], []
    trusted = [(log.origin, bytes(log.key.verify_key)) for log in logs]
    with witness_db(backend, tmp) as db, served(db, key_file, trusted, threads=len(logs)) as port:
        for r in range(rounds):
            chunks = [log.rounds[r] for log in logs]
            rates.append(post_concurrently(port, chunks))
            notes = [body.split(b"\n\n", 1)[1].decode() for chunk in chunks for body in chunk]
            bares.append(bare_rate(notes, log_key, witness_key))
            ratios.append(rates[-1] / bares[-1])
            print(f"  {backend} {len(logs)} logs round {r + 1}: witness {rates[-1]:.0f} req/s, "
                  f"bare verify+sign {bares[-1]:.0f}/s, ratio {ratios[-1]:.3f}", flush=True)
    print(f"RESULT witness_{backend}_{len(logs)}_logs_requests_per_s={statistics.median(rates):.0f}")
    print(f"RESULT witness_{backend}_{len(logs)}_logs_ratio={statistics.median(ratios):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="add-checkpoint requests per backend")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--logs", type=int, default=32, help="logs posting at once in the many-logs run (0: skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        started = time.perf_counter()
        bodies, notes, origin, root = build_requests(tmp, args.requests)
        print(f"built {len(bodies)} real checkpoints with proofs in {time.perf_counter() - started:.1f}s",
              flush=True)
        bench_ceilings(tmp, bodies, notes, root, args.rounds)
        for backend in args.backends.split(","):
            bench(backend, tmp, bodies, notes, origin, root, args.rounds)
        if args.logs:
            logs = synthetic_logs(args.logs, max(args.requests // args.logs, 1) * args.rounds * 4, args.rounds)
            for backend in args.backends.split(","):
                bench_many(backend, tmp, logs, args.rounds)


if __name__ == "__main__":
    main()
