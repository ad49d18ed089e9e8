"""`ledger export` and `ledger verify-bundle`: court bundles (issue 6), with witness cosignatures (issue 13)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Sequence

from nacl.signing import VerifyKey

from ledger.cli import open_ledger
from ledger.cli_projections import _moment, _service, resolve_subject
from ledger.config import ConfigError


def cmd_export(args: argparse.Namespace) -> int:
    """Export a subject's bundle; the export is registered as a non-public read (HA-5.2)."""
    from domain.actor import Actor
    from domain.errors import DomainError
    from projections.bundle.export import AccessRequest, export_bundle

    from ledger.account_ledger import AccountLedger

    app = open_ledger()
    try:
        AccountLedger(app).require_actor(args.unit, args.user)
        service = _service(app)
        access = AccessRequest(Actor(args.unit, args.user), args.purpose, args.basis)
        out = export_bundle(app, service, resolve_subject(app, args.subject), args.out, as_of=args.as_of,
                            valid_at=args.valid_at or (), access=access)
    except DomainError as exc:
        print(f"ledger: error: {exc}", file=sys.stderr)
        return 2
    finally:
        app.close()
    print(f"court bundle written to {out}; check it with: ledger verify-bundle {out}")
    print(cosigned_by(out))
    return 0


def cosigned_by(bundle: Path) -> str:
    """Which witnesses' cosignatures of the latest checkpoint the bundle carries (names only, no personal data)."""
    from ledger.bundle.contents import open_bundle
    from ledger.bundle.witnesses import RELIED_ON, carried

    names = sorted({w.name for w in carried(open_bundle(bundle)) if w.file == RELIED_ON})
    return f"latest checkpoint cosigned by: {', '.join(names)}" if names else \
        "latest checkpoint cosigned by no witness (yet)"


def cmd_verify_bundle(args: argparse.Namespace) -> int:
    """Check a bundle offline; exit 0 when everything holds, 1 when not."""
    from ledger.bundle.verify import verify_bundle

    root = None
    if args.root_key:
        from ledger.cli import _read_root_key

        root = _read_root_key(args.root_key)
    named = witness_keys(args.witness or ())
    if not 0 <= args.quorum <= len(named):
        raise ConfigError(f"--quorum {args.quorum}: expected 0..{len(named)} (the number of --witness keys given)")
    report = verify_bundle(args.bundle, root_key=root, witnessed_by=named, quorum=args.quorum)
    print(report.text(), end="")
    return 0 if report.ok else 1


def witness_keys(given: Sequence[str]) -> dict[str, VerifyKey]:
    """Witness name → key from `NAME=VKEY` (or a bare C2SP witness VKEY); ConfigError names the bad one."""
    from ledger.cosignature import parse_witness_vkey
    from ledger.verification_errors import VerificationError

    found: dict[str, VerifyKey] = {}
    for text in given:
        name, sep, vkey = text.partition("=")
        if not sep or "+" in name:  # a bare vkey: its name is the vkey's own
            name, vkey = "", text
        try:
            key_name, key = parse_witness_vkey(vkey)
        except VerificationError as exc:
            raise ConfigError(f"--witness {text[:40]!r}: expected NAME=VKEY with a C2SP witness vkey ({exc})") from None
        if name and name != key_name:
            raise ConfigError(f"--witness {text[:40]!r}: the name {name!r} differs from the vkey's {key_name!r}")
        if key_name in found:
            raise ConfigError(f"--witness: witness {key_name!r} is given twice")
        found[key_name] = key
    return found


def register(sub: argparse._SubParsersAction) -> None:
    """Add `export` and `verify-bundle` to the `ledger` parser."""
    p = sub.add_parser("export", help="write a subject's court bundle (ZIP) for offline checking")
    p.add_argument("subject", help="subject id, resident ID number or USCC")
    p.add_argument("--out", required=True, help="the ZIP file to write")
    p.add_argument("--as-of", type=_moment, default=None, help="ISO moment with time zone (default: now)")
    p.add_argument("--valid-at", type=date.fromisoformat, action="append", help="ISO date (repeatable)")
    p.add_argument("--purpose", required=True, help="why the data is exported (HA-5.2)")
    p.add_argument("--basis", required=True, help="the legal basis of the export (HA-5.2)")
    p.add_argument("--unit", required=True, help="the exporting unit (its key registers the read)")
    p.add_argument("--user", default="cli", help="the person exporting (default: cli)")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("verify-bundle", help="check a court bundle offline (no database, no network)")
    p.add_argument("bundle", help="the bundle ZIP file")
    p.add_argument("--root-key", help="file with the root public key (hex) published by the credit office")
    p.add_argument("--witness", action="append", metavar="NAME=VKEY",
                   help="a witness's C2SP verifier key, as its operator publishes it (repeatable)")
    p.add_argument("--quorum", type=int, default=0, metavar="K",
                   help="NOT VALID unless at least K of the given witnesses cosigned the latest checkpoint")
    p.set_defaults(func=cmd_verify_bundle)
