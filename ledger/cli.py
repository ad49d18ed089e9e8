"""The `ledger` command line: init, keys, checkpoint, prove, verify (and the domain commands later)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable, Sequence

from eventsourcing.persistence import PersistenceError

from ledger.cli_anchors import add_verify_options
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
    _start_account_registry(app)
    print(f"ledger initialised: {app.settings.backend} database, root key {root}, "
          f"{app.event_count()} events, keys in {app.settings.keys_dir}")
    return 0


def _start_account_registry(app: Any) -> None:
    """Every new ledger gets the account registry's genesis right after the key registry's (see web/accounts.py)."""
    from web.accounts import start_account_registry

    start_account_registry(app)


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
    """Sign and store a checkpoint, submit it to the witnesses, print it cosigned (the witnesses' answers: stderr)."""
    from ledger.witnessing import checkpoint_and_submit, cosigned_note

    app = open_ledger()
    report = checkpoint_and_submit(app)
    print(cosigned_note(app, report.size), end="")
    for line in report.lines():
        print(line, file=sys.stderr)
    return 1 if args.require_quorum and not report.quorum_reached else 0


def cmd_prove_inclusion(args: argparse.Namespace) -> int:
    """Print an inclusion proof (JSON)."""
    from ledger.transparency import prove_inclusion

    print(json.dumps(prove_inclusion(open_ledger(), args.position, args.tree_size).to_json(), indent=2))
    return 0


def cmd_prove_consistency(args: argparse.Namespace) -> int:
    """Print a consistency proof between two checkpoints, or from an external one (JSON)."""
    from ledger.transparency import prove_consistency

    if args.from_checkpoint:
        from ledger.anchors import prove_consistency_from, read_checkpoint_file

        if len(args.sizes) > 1:
            raise ConfigError("prove consistency --from-checkpoint FILE takes at most one size (NEW)")
        root = _read_root_key(args.root_key) if args.root_key else None
        answer = prove_consistency_from(open_ledger(), read_checkpoint_file(args.from_checkpoint),
                                        args.sizes[0] if args.sizes else None, root)
    elif len(args.sizes) != 2:
        raise ConfigError("prove consistency needs OLD NEW (or --from-checkpoint FILE [NEW])")
    else:
        answer = prove_consistency(open_ledger(), *args.sizes)
    print(json.dumps(answer.to_json(), indent=2))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the whole ledger; exit 0 when intact, 1 when not."""
    from ledger.audit import verify_ledger
    from ledger.cli_anchors import anchors_from_args

    root = _read_root_key(args.root_key) if args.root_key else None
    app = open_ledger()
    anchors = anchors_from_args(args, app.settings.origin)
    report = verify_ledger(app, root_key=root, workers=args.workers, progress=sys.stderr.isatty(), anchors=anchors)
    for note in report.notes:
        print(f"note: {note}")
    for problem in report.problems:
        print(f"FAIL {problem}")
    status = "INTACT" if report.ok else f"NOT INTACT ({len(report.problems)} problems)"
    external = f", {report.anchors} external checkpoints" if anchors else ""
    print(f"{status}: {report.tree_size} events, {report.signatures} signatures, "
          f"{report.checkpoints} checkpoints{external}, {report.keys} keys checked")
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
    p = sub.add_parser("checkpoint", help="sign a checkpoint of the log and have the witnesses cosign it")
    p.add_argument("--require-quorum", action="store_true", help="exit 1 unless a quorum of witnesses cosigned it")
    p.set_defaults(func=cmd_checkpoint)
    prove = sub.add_parser("prove", help="Merkle proofs").add_subparsers(dest="proof", required=True)
    p = prove.add_parser("inclusion", help="inclusion proof of a log position")
    p.add_argument("position", type=_non_negative)
    p.add_argument("--tree-size", type=_non_negative, default=None, help="checkpoint size (default: latest)")
    p.set_defaults(func=cmd_prove_inclusion)
    p = prove.add_parser("consistency", help="consistency proof between two checkpoints")
    p.add_argument("sizes", type=_non_negative, nargs="*", metavar="SIZE",
                   help="OLD NEW: two stored checkpoint sizes; with --from-checkpoint only NEW (default: the latest)")
    p.add_argument("--from-checkpoint", metavar="FILE", help="old size and root from an external checkpoint note")
    p.add_argument("--root-key", help="file with the pinned root public key (hex), to check FILE's signature")
    p.set_defaults(func=cmd_prove_consistency)
    p = sub.add_parser("verify", help="verify signatures, tree, checkpoints and key history")
    p.add_argument("--root-key", help="file with the pinned root public key (hex); default: the keys dir pin")
    p.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    add_verify_options(p)
    p.set_defaults(func=cmd_verify)
    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Sub-commands contributed by other packages (domain, projections, web)."""
    found = []
    for module_name in ("ledger.cli_domain", "ledger.cli_projections", "ledger.cli_bundle", "ledger.cli_witness",
                        "ledger.cli_circular", "ledger.cli_evaluation", "web.cli"):
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
