"""`ledger rebuild`, `ledger follow` and `ledger status`: the read models and time travel (DESIGN §4)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from uuid import UUID

from ledger.cli import open_ledger


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Recreate one projection (or all) from zero with a progress bar."""
    from projections.db import make_engine
    from projections.follower import Follower
    from projections.registry import PROJECTIONS, projection

    app = open_ledger()
    follower = Follower(app, make_engine(app.settings))
    for name in [projection(args.name).name] if args.name else list(PROJECTIONS):
        count = follower.rebuild(name, progress=sys.stderr.isatty())
        print(f"rebuilt {name}: {count} events read")
    return 0


def cmd_follow(args: argparse.Namespace) -> int:
    """Bring every projection up to date (once), or keep following the log by polling."""
    from projections.db import make_engine
    from projections.follower import Follower

    app = open_ledger()
    follower = Follower(app, make_engine(app.settings))
    if args.once:
        print(f"applied {follower.run_once()} events; tracked: {follower.positions()}")
    else:
        follower.follow(args.poll)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print a subject's status (JSON), as of a moment and/or in force on a date."""
    from projections.timetravel import status

    app = open_ledger()
    answer = status(app, resolve_subject(app, args.subject), args.position, valid_at=args.valid_at, as_of=args.as_of)
    print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
    return 0


def resolve_subject(app: object, text: str) -> UUID:
    """A subject id, or a resident ID number / USCC looked up in the subject view."""
    try:
        return UUID(text)
    except ValueError:
        pass
    from sqlalchemy import or_, select

    from projections.base import ProjectionError
    from projections.db import make_engine, subjects

    with make_engine(app.settings).connect() as conn:  # type: ignore[attr-defined]
        row = conn.execute(select(subjects.c.subject_id).where(
            or_(subjects.c.id_number == text.upper(), subjects.c.uscc == text.upper()))).first()
    if row is None:
        raise ProjectionError(f"no subject with id number or USCC {text} in the subject view "
                              "(run `ledger follow --once` if it was registered recently)")
    return UUID(row.subject_id)


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
    p.set_defaults(func=cmd_status)
