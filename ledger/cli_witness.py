"""`ledger witness …`: keygen, info, trust, serve, evidence — a C2SP tlog-witness run by another party."""

from __future__ import annotations

import argparse
import base64
import logging
from pathlib import Path


from ledger.checkpoint import Checkpoint, vkey_string
from ledger.verification_errors import CheckpointFormatError
from ledger.witness.keys import WitnessKeyError, generate_key_file, load_key_file, read_log_key


def cmd_keygen(args: argparse.Namespace) -> int:
    """Create the witness's key file (mode 0600, never overwritten) and print its vkey."""
    key = generate_key_file(Path(args.out), args.name)
    print(f"witness key for {key.name} written to {args.out}\nvkey: {key.vkey}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    """Print the witness's name and vkey."""
    key = load_key_file(Path(args.key))
    print(f"name: {key.name}\nvkey: {key.vkey}")
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    """Trust a log: its origin and the Ed25519 key that signs its checkpoints."""
    from ledger.witness.store import TrustedLog, WitnessStore

    try:
        Checkpoint(args.origin, 0, bytes(32))
    except CheckpointFormatError as error:
        raise WitnessKeyError(f"--origin: {error}") from None
    name, verify_key = read_log_key(args.key, args.origin)
    store = WitnessStore(args.db)
    try:
        store.trust(TrustedLog(args.origin, name, bytes(verify_key)))
    finally:
        store.close()
    print(f"trusting {args.origin}: log key {vkey_string(name, verify_key)}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve add-checkpoint and the checkpoint read endpoint until interrupted."""
    from ledger.witness.server import WitnessApp, make_server
    from ledger.witness.store import WitnessStore

    key = load_key_file(Path(args.key))
    store = WitnessStore(args.db)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server = make_server(WitnessApp(store, key), args.host, args.port, threads=args.threads)
    print(f"witness {key.name} serving on http://{args.host}:{server.effective_port} "
          f"(vkey {key.vkey})", flush=True)
    try:
        server.run()
    finally:
        server.close()
        store.close()
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    """List every refused, log-signed request kept as evidence of a fork."""
    from ledger.config import backend_of, sqlite_path
    from ledger.witness.store import WitnessStore, WitnessStoreError

    if backend_of(args.db) == "sqlite" and not Path(sqlite_path(args.db)).exists():
        raise WitnessStoreError(f"--db: no witness database at {sqlite_path(args.db)} (nothing is created to read)")
    store = WitnessStore(args.db)
    try:
        rows = store.evidence()
    finally:
        store.close()
    for row in rows:
        root = base64.b64encode(row.root).decode("ascii")
        print(f"{row.recorded_at} {row.origin} old={row.old_size} new={row.new_size} root={root} {row.reason}")
        print("  " + row.note.rstrip("\n").replace("\n", "\n  "))
    print(f"{len(rows)} evidence rows")
    return 0


def cmd_logs(args: argparse.Namespace) -> int:
    """List the trusted logs with their keys and latest cosigned sizes."""
    from nacl.signing import VerifyKey

    from ledger.witness.store import WitnessStore

    store = WitnessStore(args.db)
    try:
        logs = store.logs()
    finally:
        store.close()
    for log, state in logs:
        root = base64.b64encode(state.root).decode("ascii") if state.root else "-"
        print(f"{log.origin} size={state.size} root={root} key={vkey_string(log.key_name, VerifyKey(log.public_key))}")
    print(f"{len(logs)} trusted logs")
    return 0


def _threads(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 1..64, got {value}")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected 0..65535, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `witness` command group to the ledger CLI."""
    group = sub.add_parser("witness", help="run a C2SP tlog-witness for a ledger (another party's service)")
    witness = group.add_subparsers(dest="witness_command", required=True)
    p = witness.add_parser("keygen", help="create the witness key file (0600, never overwritten)")
    p.add_argument("--out", required=True, help="key file to create")
    p.add_argument("--name", required=True, help="witness name, e.g. court.example/witness")
    p.set_defaults(func=cmd_keygen)
    p = witness.add_parser("info", help="print the witness name and vkey")
    p.add_argument("--key", required=True, help="witness key file")
    p.set_defaults(func=cmd_info)
    p = witness.add_parser("trust", help="trust a log origin and its checkpoint key")
    p.add_argument("--db", required=True, help="the witness's own database: sqlite:///FILE or postgresql://…")
    p.add_argument("--origin", required=True, help="the log's origin line")
    p.add_argument("--key", required=True, help="file or text: 64 hex digits of the root key, or a vkey")
    p.set_defaults(func=cmd_trust)
    p = witness.add_parser("serve", help="serve POST /add-checkpoint and GET /checkpoint?origin=")
    p.add_argument("--db", required=True, help="the witness's own database")
    p.add_argument("--key", required=True, help="witness key file")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8405, help="0 picks a free port")
    p.add_argument("--threads", type=_threads, default=8)
    p.set_defaults(func=cmd_serve)
    p = witness.add_parser("logs", help="list trusted logs and their latest cosigned sizes")
    p.add_argument("--db", required=True, help="the witness's own database")
    p.set_defaults(func=cmd_logs)
    p = witness.add_parser("evidence", help="list refused log-signed requests (fork evidence)")
    p.add_argument("--db", required=True, help="the witness's own database")
    p.set_defaults(func=cmd_evidence)
