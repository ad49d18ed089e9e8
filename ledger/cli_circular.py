"""`ledger circular issue|show`: the credit office's quarterly circular (NT-JRP-Q), issued from the read models at
one log position and signed; `show` recomputes it at that position and says whether it matches."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from ledger.cli import open_ledger


def issue_or_show(label: str, issue: bool, produce: Callable[..., Any], reproduce: Callable[..., dict[str, Any]],
                  args: argparse.Namespace) -> int:
    """Issue a periodic report (`produce(app, engine, credit, actor, issued_on)`) if asked, then print it as
    recomputed at its stored position (`reproduce(app, engine, credit)`); exit 1 when it does not match."""
    from domain.actor import Actor
    from domain.errors import DomainError
    from domain.policy import load_all
    from domain.service import CreditService
    from projections.base import ProjectionError
    from projections.db import make_engine
    from projections.timetravel import jsonable

    app = open_ledger()
    engine = make_engine(app.settings)
    credit = CreditService(app, load_all(), app.keystore.subject_secret())
    try:
        if issue:
            produce(app, engine, credit, Actor(args.unit, args.user), args.issued_on or credit.today())
        answer = reproduce(app, engine, credit)
    except DomainError as exc:
        raise ProjectionError(f"{label}: {exc}") from None
    print(json.dumps(jsonable(answer), ensure_ascii=False, indent=2))
    return 0 if answer["matches"] else 1


def add_issue_arguments(parser: argparse.ArgumentParser, signer: str) -> None:
    """The options of an `issue` step: business date, the signing unit, the acting user."""
    parser.add_argument("--issued-on", type=date.fromisoformat, default=None, help="business date (default today)")
    parser.add_argument("--unit", required=True, help=signer)
    parser.add_argument("--user", default=getpass.getuser(), help="the acting user (default: login name)")


def _run(args: argparse.Namespace, issue: bool) -> int:
    from web.circulars import produce_circular, reproduce_circular

    return issue_or_show(
        f"circular {args.profile} {args.period}", issue,
        lambda app, engine, credit, actor, on: produce_circular(app, engine, credit, actor, profile_id=args.profile,
                                                                period=args.period, issued_on=on),
        lambda app, engine, credit: reproduce_circular(app, engine, credit, args.profile, args.period), args)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `circular issue` and `circular show` to the `ledger` parser."""
    p = sub.add_parser("circular", help="the quarterly circular on lists, reports and sanctions (NT-JRP-Q)")
    steps = p.add_subparsers(dest="step", required=True)
    for name, issue in (("issue", True), ("show", False)):
        q = steps.add_parser(name, help="issue and print it" if issue else "print an issued one, recomputed")
        q.add_argument("--profile", required=True, help="policy profile id, e.g. NT")
        q.add_argument("--period", required=True, help="the quarter, YYYY-Qn")
        if issue:
            add_issue_arguments(q, "the credit office's unit (signs the circular)")
        q.set_defaults(func=lambda a, issue=issue: _run(a, issue))
