"""`ledger evaluation issue|show`: the yearly government-integrity evaluation (NT-GOV-4.1), issued from the ledger
at one log position and signed; `show` recomputes it at that position and says whether it matches."""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import date
from typing import Any
from uuid import UUID

from ledger.cli import open_ledger


def _run(args: argparse.Namespace, issue: bool) -> int:
    from domain.actor import Actor
    from domain.errors import DomainError
    from domain.policy import load_all
    from domain.service import CreditService
    from projections.base import ProjectionError
    from projections.db import make_engine
    from projections.timetravel import jsonable
    from web.evaluations import produce_evaluation, reproduce_evaluation

    app = open_ledger()
    engine = make_engine(app.settings)
    credit = CreditService(app, load_all(), app.keystore.subject_secret())
    try:
        if issue:
            produce_evaluation(app, engine, credit, Actor(args.unit, args.user), profile_id=args.profile,
                               evaluator_id=args.evaluator, year=args.year,
                               issued_on=args.issued_on or credit.today())
        answer: dict[str, Any] = reproduce_evaluation(app, engine, credit, args.profile, args.evaluator, args.year)
    except DomainError as exc:
        raise ProjectionError(f"evaluation {args.profile} {args.evaluator} {args.year}: {exc}") from None
    print(json.dumps(jsonable(answer), ensure_ascii=False, indent=2))
    return 0 if answer["matches"] else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add `evaluation issue` and `evaluation show` to the `ledger` parser."""
    p = sub.add_parser("evaluation", help="the yearly government-integrity evaluation (NT-GOV-4.1)")
    steps = p.add_subparsers(dest="step", required=True)
    for name, issue in (("issue", True), ("show", False)):
        q = steps.add_parser(name, help="issue and print it" if issue else "print an issued one, recomputed")
        q.add_argument("--profile", required=True, help="policy profile id, e.g. NT")
        q.add_argument("--evaluator", required=True, type=UUID, help="subject id of the evaluating government body")
        q.add_argument("--year", required=True, type=int, help="the year evaluated, YYYY")
        if issue:
            q.add_argument("--issued-on", type=date.fromisoformat, default=None, help="business date (default today)")
            q.add_argument("--unit", required=True, help="the evaluating body's unit or the credit office (signs)")
            q.add_argument("--user", default=getpass.getuser(), help="the acting user (default: login name)")
        q.set_defaults(func=lambda a, issue=issue: _run(a, issue))
