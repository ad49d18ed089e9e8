"""The `ledger` command line: init, keys, checkpoint, prove, verify (and the domain commands later)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable, Sequence

from eventsourcing.persistence import PersistenceError

from ledger.config import ConfigError, Settings
from ledger.errors import LedgerError
from ledger.keyregistry import KeyRegistryError
from ledger.keys import KeyStoreError, check_unit_name
from ledger.verification_errors import VerificationError

USER_ERRORS = (LedgerError, KeyRegistryError, KeyStoreError, ConfigError, VerificationError, PersistenceError,
               OSError)
Handler = Callable[[argparse.Namespace], int]


def open_ledger(*, create_tables: bool = False, check: bool = True):  # type: ignore[no-untyped-def]
    """Open the configured ledger (imported lazily so `--help` stays fast)."""
    from ledger.app import LedgerApplication

    app = LedgerApplication(Settings.from_env(), create_tables=create_tables)
    if check:
        app.check_initialised()
    return app


def cmd_init(args: argparse.Namespace) -> int:
    """Create tables, the root key and the key registry (idempotent)."""
    app = open_ledger(create_tables=True, check=False)
    root = app.initialise()
    print(f"ledger initialised: {app.settings.backend} database, root key {root}, "
          f"{app.event_count()} events, keys in {app.settings.keys_dir}")
    return 0


def cmd_keys_create(args: argparse.Namespace) -> int:
    """Register the first key of a unit."""
    signer = open_ledger().register_key(check_unit_name(args.unit))
    print(f"registered {signer.key_id} for unit {signer.unit}")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Rotate a unit's key."""
    signer = open_ledger().rotate_key(check_unit_name(args.unit))
    print(f"rotated: unit {signer.unit} now signs with {signer.key_id}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    """Revoke a key."""
    open_ledger().revoke_key(args.key_id, args.reason)
    print(f"revoked {args.key_id}")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    """Print the key history."""
    app = open_ledger()
    app.refresh_keys(force=True)
    print(f"{'KEY ID':40} {'UNIT':24} {'STATUS':8} {'SINCE':32} ENDED")
    for r in app.keybook.records.values():
        since = r.registered_at.isoformat() if r.registered_at else "-"
        ended = r.ended_at.isoformat() if r.ended_at else "-"
        print(f"{r.key_id:40} {r.unit:24} {r.status:8} {since:32} {ended} {r.reason}".rstrip())
    return 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Sign and store a checkpoint of the log, and print it."""
    from ledger.transparency import create_checkpoint

    print(create_checkpoint(open_ledger()).to_text(), end="")
    return 0


def cmd_prove_inclusion(args: argparse.Namespace) -> int:
    """Print an inclusion proof (JSON)."""
    from ledger.transparency import prove_inclusion

    print(json.dumps(prove_inclusion(open_ledger(), args.position, args.tree_size).to_json(), indent=2))
    return 0


def cmd_prove_consistency(args: argparse.Namespace) -> int:
    """Print a consistency proof between two checkpoints (JSON)."""
    from ledger.transparency import prove_consistency

    print(json.dumps(prove_consistency(open_ledger(), args.old, args.new).to_json(), indent=2))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the whole ledger; exit 0 when intact, 1 when not."""
    from ledger.audit import verify_ledger

    root = _read_root_key(args.root_key) if args.root_key else None
    report = verify_ledger(open_ledger(), root_key=root, workers=args.workers, progress=sys.stderr.isatty())
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(f"FAIL {problem}")
    status = "INTACT" if report.ok else f"NOT INTACT ({len(report.problems)} problems)"
    print(f"{status}: {report.tree_size} events, {report.signatures} signatures, "
          f"{report.checkpoints} checkpoints, {report.keys} keys checked")
    return 0 if report.ok else 1


def _read_root_key(path: str) -> bytes:
    """The 32-byte root public key from a hex file (KeyStoreError if unreadable or malformed)."""
    try:
        with open(path) as handle:
            key = bytes.fromhex(handle.read().strip())
    except (OSError, ValueError) as exc:
        raise KeyStoreError(f"cannot read the root public key from {path}: {exc}") from None
    if len(key) != 32:
        raise KeyStoreError(f"root public key file {path}: expected 32 bytes (64 hex digits), found {len(key)}")
    return key


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(prog="ledger", description="Public-credit audit ledger")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create tables, root key and key registry").set_defaults(func=cmd_init)
    keys = sub.add_parser("keys", help="unit signing keys").add_subparsers(dest="keys_command", required=True)
    for name, func in (("create", cmd_keys_create), ("rotate", cmd_keys_rotate)):
        p = keys.add_parser(name, help=f"{name} a unit's key")
        p.add_argument("unit")
        p.set_defaults(func=func)
    p = keys.add_parser("revoke", help="revoke a key")
    p.add_argument("key_id")
    p.add_argument("--reason", default="revoked by administrator")
    p.set_defaults(func=cmd_keys_revoke)
    keys.add_parser("list", help="list every key").set_defaults(func=cmd_keys_list)
    sub.add_parser("checkpoint", help="sign a checkpoint of the log").set_defaults(func=cmd_checkpoint)
    prove = sub.add_parser("prove", help="Merkle proofs").add_subparsers(dest="proof", required=True)
    p = prove.add_parser("inclusion", help="inclusion proof of a log position")
    p.add_argument("position", type=_non_negative)
    p.add_argument("--tree-size", type=_non_negative, default=None, help="checkpoint size (default: latest)")
    p.set_defaults(func=cmd_prove_inclusion)
    p = prove.add_parser("consistency", help="consistency proof between two checkpoints")
    p.add_argument("old", type=_non_negative)
    p.add_argument("new", type=_non_negative)
    p.set_defaults(func=cmd_prove_consistency)
    p = sub.add_parser("verify", help="verify signatures, tree, checkpoints and key history")
    p.add_argument("--root-key", help="file with the pinned root public key (hex); default: the keys dir pin")
    p.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    p.set_defaults(func=cmd_verify)
    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Sub-commands contributed by other packages (domain, projections, web)."""
    found = []
    for module_name in ("ledger.cli_domain", "ledger.cli_projections", "ledger.cli_bundle", "ledger.cli_circular",
                        "web.cli"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError:
            continue
        found.append(module.register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a sub-command; user errors become one line on stderr and exit status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except USER_ERRORS as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"ledger: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
