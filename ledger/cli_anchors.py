"""Command-line options for trust anchors outside the database: `verify --checkpoint/--witness/--quorum/
--against-witness` and `prove consistency --from-checkpoint`."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from nacl.signing import VerifyKey

from ledger.anchors import ExternalAnchors, ExternalCheckpoint, checkpoint_from_witness, read_checkpoint_file
from ledger.verification_errors import CheckpointFormatError


def add_verify_options(parser: argparse.ArgumentParser) -> None:
    """The external-anchor options of `ledger verify`."""
    parser.add_argument("--checkpoint", nargs="+", action="extend", default=[], metavar="FILE",
                        help="signed checkpoint notes kept outside the database (published, handed to a court)")
    parser.add_argument("--witness", action="append", default=[], metavar="NAME=VKEY",
                        help="a witness's C2SP verifier key (repeatable)")
    parser.add_argument("--quorum", type=int, default=0, metavar="K",
                        help="valid cosignatures each external checkpoint needs from the named witnesses")
    parser.add_argument("--against-witness", action="append", default=[], metavar="[NAME=]URL",
                        help="fetch the witness's latest cosigned checkpoint of this log and check against it")


def anchors_from_args(args: argparse.Namespace, origin: str) -> ExternalAnchors | None:
    """The ExternalAnchors the options name (None when none are given); bad input raises a one-line error."""
    if not (args.checkpoint or args.witness or args.against_witness):
        if args.quorum:
            raise CheckpointFormatError("--quorum needs --witness NAME=VKEY")
        return None
    witnesses = dict(parse_witness_option(text) for text in args.witness)
    if not 0 <= args.quorum <= len(witnesses):
        raise CheckpointFormatError(f"--quorum: expected 0..{len(witnesses)} (the number of --witness keys), "
                                    f"found {args.quorum}")
    checkpoints = [read_checkpoint_file(path) for path in args.checkpoint]
    checkpoints += [fetch_from_witness(text, origin, witnesses) for text in args.against_witness]
    return ExternalAnchors(checkpoints, witnesses, args.quorum)


def parse_witness_option(text: str) -> tuple[str, VerifyKey]:
    """`NAME=VKEY` or a bare `VKEY` (its name is its first field); the name must match the key's."""
    from ledger.cosignature import parse_witness_vkey

    name, separator, vkey = text.partition("=")
    if not separator or "+" in name:  # a bare vkey (any '=' lies after its name)
        name, vkey = "", text
    key_name, key = parse_witness_vkey(vkey)
    if name and name != key_name:
        raise CheckpointFormatError(f"--witness {name}=…: the verifier key is named {key_name}, not {name}")
    return key_name, key


def fetch_from_witness(text: str, origin: str, witnesses: Mapping[str, VerifyKey]) -> ExternalCheckpoint:
    """`[NAME=]URL`: the witness's latest cosigned checkpoint of `origin`; with NAME (whose key --witness must
    give) the note must carry that witness's own cosignature."""
    name, _, url = text.partition("=") if "=" in text and "://" not in text.split("=", 1)[0] else ("", "", text)
    if name and name not in witnesses:
        raise CheckpointFormatError(f"--against-witness {name}=…: no --witness key named {name}")
    return checkpoint_from_witness(url, origin, name or None)
