"""`ledger evaluation issue|show`: the yearly government-integrity evaluation (NT-GOV-4.1), issued from the ledger
at one log position and signed; `show` recomputes it at that position and says whether it matches."""

from __future__ import annotations

import argparse
from uuid import UUID

from ledger.cli_circular import add_issue_arguments, issue_or_show


def _run(args: argparse.Namespace, issue: bool) -> int:
    from web.evaluations import produce_evaluation, reproduce_evaluation

    return issue_or_show(
        f"evaluation {args.profile} {args.evaluator} {args.year}", issue,
        lambda app, engine, credit, actor, on: produce_evaluation(
            app, engine, credit, actor, profile_id=args.profile, evaluator_id=args.evaluator, year=args.year,
            issued_on=on),
        lambda app, engine, credit: reproduce_evaluation(app, engine, credit, args.profile, args.evaluator, args.year),
        args)


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
            add_issue_arguments(q, "the evaluating body's unit or the credit office (signs)")
        q.set_defaults(func=lambda a, issue=issue: _run(a, issue))
