#!/usr/bin/env python3
"""Witness benchmark (issue 13): add-checkpoint requests/s over loopback HTTP vs bare Ed25519 verify+sign/s.

Usage: .venv/bin/python bench/bench_witness.py [--requests 200] [--rounds 5] [--backends sqlite,postgres]
The witness is the real `ledger witness serve` subprocess; the client posts, one after another on one
keep-alive connection, real growing checkpoints of a real ledger, each with its consistency proof from
the previous one. The baseline, measured in alternating rounds of the same run, is the bare crypto a
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
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from ledger_support.aggregates import Widget  # noqa: E402
from ledger_support.backends import initialised_ledger  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

from ledger.config import Settings  # noqa: E402
from ledger.cosignature import signed_message  # noqa: E402
from ledger.transparency import create_checkpoint, prove_consistency  # noqa: E402
from ledger.witness.client import add_checkpoint_body  # noqa: E402
from ledger.witness.keys import generate_key_file  # noqa: E402

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
def served(db: str, key_file: Path, origin: str, root_key: bytes) -> Iterator[int]:
    """Trust the log and run `ledger witness serve --port 0`; yield its port."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_cli("trust", "--db", db, "--origin", origin, "--key", root_key.hex()), env=env, check=True,
                   capture_output=True)
    process = subprocess.Popen(_cli("serve", "--db", db, "--key", str(key_file), "--port", "0"), env=env,
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
    with witness_db(backend, tmp) as db, served(db, key_file, origin, root) as port:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="add-checkpoint requests per backend")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        started = time.perf_counter()
        bodies, notes, origin, root = build_requests(tmp, args.requests)
        print(f"built {len(bodies)} real checkpoints with proofs in {time.perf_counter() - started:.1f}s",
              flush=True)
        for backend in args.backends.split(","):
            bench(backend, tmp, bodies, notes, origin, root, args.rounds)


if __name__ == "__main__":
    main()
