"""`ledger rebuild`, `follow`, `status`, `list` and `replay-sanctions`: read models and time travel (DESIGN §4).

`status` and `replay-sanctions` show non-public data: each read is registered (HA-5.2) with its purpose
and basis, signed by the reading unit, before anything is printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ledger.cli import open_ledger

# The unit `ledger demo` publishes profiles with (domain/demo.py ADMIN): the default reader.
DEFAULT_UNIT = "ledger-admin"
PUBLIC_VIEW = "public"  # `ledger list public`: the public record view (NT-PCI-19/30, HA-3.2)


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Recreate one projection (or all) from zero with a progress bar."""
    from projections.db import make_engine
    from projections.follower import Follower
    from projections.registry import PROJECTIONS, projection

    app = open_ledger()
    follower = Follower(app, make_engine(app.settings))
    names = [projection(args.name).name] if args.name else list(PROJECTIONS)
    count = follower.rebuild_all(names, progress=sys.stderr.isatty())
    print(f"rebuilt {', '.join(names)}: {count} events read")
    return 0


def cmd_follow(args: argparse.Namespace) -> int:
    """Bring every projection up to date (once), or keep following the log by polling."""
    from ledger.checkpointer import start_checkpointer
    from ledger.cli_sweep import start_daily_sweep
    from projections.db import make_engine
    from projections.follower import Follower

    app = open_ledger()
    follower = Follower(app, make_engine(app.settings))
    if args.once:
        print(f"applied {follower.run_once()} events; tracked: {follower.positions()}")
    else:
        start_checkpointer(app.settings)  # signs and witnesses checkpoints every N events / T seconds
        start_daily_sweep(_service(app))  # NT-PCI-30, LYG-18: the sweep runs by itself
        follower.follow(args.poll)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print a subject's status (JSON), as of a moment and/or in force on a date; the read is registered."""
    from projections.asof import business_day
    from projections.timetravel import status

    app = open_ledger()
    subject_id = resolve_subject(app, args.subject)
    day = business_day(args.valid_at, args.as_of)  # in force on the day asked about, swept or not (NT-PCI-30)
    answer = status(app, subject_id, args.position, valid_at=day, as_of=args.as_of)
    what = f"status at log position {answer.log_position} valid at {day}"
    register_read(app, args, subject_id, what)
    print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """Stream a list (masked, JSON lines: the header first) as of a moment or position, valid at a date."""
    from projections.asof import list_as_of, public_as_of
    from projections.db import make_engine
    from projections.timetravel import jsonable

    app = open_ledger()
    engine = make_engine(app.settings)
    when = {"as_of_position": args.position, "as_of": args.as_of, "valid_at": args.valid_at}
    view = (public_as_of(app, engine, **when) if args.name == PUBLIC_VIEW
            else list_as_of(app, engine, args.name, profile=args.profile, **when))
    with view as answer:
        print(json.dumps(answer.header(), ensure_ascii=False))
        for row in answer.rows:
            print(json.dumps(jsonable(row), ensure_ascii=False))
    return 0


def cmd_replay_sanctions(args: argparse.Namespace) -> int:
    """Print the joint-sanction loop of a list entry (JSON); the read is registered (HA-5.2)."""
    from projections.db import make_engine
    from projections.replay import replay_sanctions

    app = open_ledger()
    answer = replay_sanctions(app, make_engine(app.settings), args.list_entry)
    register_read(app, args, UUID(answer["subject_id"]), f"joint-sanction replay of list entry {args.list_entry}")
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return 0


def register_read(app: Any, args: argparse.Namespace, subject_id: UUID, what: str) -> None:
    """HA-5.2: register the read (unit, user, subject, purpose, basis, channel cli) before showing it."""
    from domain.actor import Actor
    from domain.errors import DomainError
    from projections.base import ProjectionError

    from ledger.account_ledger import AccountLedger

    AccountLedger(app).require_actor(args.unit, args.user)
    try:
        _service(app).record_access(Actor(args.unit, args.user), subject_id=subject_id, purpose=args.purpose,
                              basis=args.basis, channel="cli", what=what)
    except DomainError as exc:
        raise ProjectionError(f"read not registered, nothing shown: {exc}") from None


def resolve_subject(app: Any, text: str) -> UUID:
    """A subject id, or a resident ID number / USCC looked up by its keyed id (no view needed)."""
    try:
        return UUID(text)
    except ValueError:
        pass
    from domain.errors import DomainError
    from projections.base import ProjectionError

    try:
        subject = _service(app).find_subject(text)
    except DomainError as exc:
        raise ProjectionError(f"subject {text!r}: {exc}") from None
    if subject is None:
        raise ProjectionError(f"no subject with ID number or USCC {text} in the ledger")
    return UUID(str(subject.id))


def _service(app: Any) -> Any:
    """The credit service over every packaged profile, on the ledger's subject secret."""
    from domain.policy import load_all
    from domain.service import CreditService

    return CreditService(app, load_all(), app.keystore.subject_secret())


def _moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text} needs a time zone, e.g. {text}+08:00")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the projection sub-commands to the `ledger` parser."""
    p = sub.add_parser("rebuild", help="recreate read models from the log (progress bar)")
    p.add_argument("name", nargs="?", help="projection name (default: all)")
    p.set_defaults(func=cmd_rebuild)
    p = sub.add_parser("follow", help="keep the read models up to date with the log")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between polls (default 1)")
    p.add_argument("--once", action="store_true", help="apply what is new and stop")
    p.set_defaults(func=cmd_follow)
    p = sub.add_parser("status", help="a subject's status, as of a moment and/or in force on a date")
    p.add_argument("subject", help="subject id, resident ID number or USCC")
    p.add_argument("--as-of", type=_moment, help="ISO moment with time zone (transaction time)")
    p.add_argument("--position", type=int, default=None, help="log position (transaction time)")
    p.add_argument("--valid-at", type=date.fromisoformat, default=None, help="ISO date (valid time)")
    _reader_options(p)
    p.set_defaults(func=cmd_status)
    p = sub.add_parser("list", help="a list (masked) as of a moment or position, in force on a date")
    p.add_argument("name", help="list code (black, red, key_attention, big_data_warning, ...) or 'public' for "
                                "the public record view")
    p.add_argument("--profile", default=None, help="policy profile id (NT, LYG, HA, JY, CS; default: all)")
    p.add_argument("--as-of", type=_moment, help="ISO moment with time zone (transaction time)")
    p.add_argument("--position", type=int, default=None, help="log position (transaction time)")
    p.add_argument("--valid-at", type=date.fromisoformat, default=None, help="ISO date (valid time)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("replay-sanctions", help="the joint-sanction loop of a list entry, step by step")
    p.add_argument("list_entry", type=UUID, help="list entry id")
    _reader_options(p)
    p.set_defaults(func=cmd_replay_sanctions)


def _reader_options(p: argparse.ArgumentParser) -> None:
    """HA-5.2: who reads, for what purpose, on what basis."""
    p.add_argument("--purpose", required=True, help="why the data is read (HA-5.2)")
    p.add_argument("--basis", required=True, help="the legal or case basis of the read (HA-5.2)")
    p.add_argument("--unit", default=DEFAULT_UNIT, help=f"the reading unit, which signs the record (default "
                                                        f"{DEFAULT_UNIT})")
    p.add_argument("--user", default=getpass.getuser(), help="the reading user (default: the login name)")
