"""`ledger demo`: fill the configured ledger with made-up subjects driven along the narratives' paths."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from ledger.cli import open_ledger


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def demo_service(app: Any, clock: Callable[[], date]) -> Any:
    """The credit service over every profile, with a key for each acting unit and the profiles published."""
    from domain.demo import acting_units, prepare
    from domain.policy import later_versions, load_all
    from domain.service import CreditService

    service = CreditService(app, load_all(), app.keystore.subject_secret(), today=clock,
                            versions=later_versions())  # issue 15.9: NT v2 is published with the rest
    app.refresh_keys(force=True)  # the key book is read lazily: read it before asking who has a key
    for unit in acting_units(service):
        if app.keybook.active_for(unit) is None:
            app.register_key(unit)
    declare_demo_actors(app, acting_units(service))
    prepare(service)
    return service


def declare_demo_actors(app: Any, units_of_clerk: list[str]) -> int:
    """Declare the demo's acting users as system users of the account registry (if the ledger has one) before they
    act, so that `verify` finds every demo event's actor_user allowed for its unit; how many were new."""
    from domain.demo import ACTORS, ADMIN, CLERK
    from domain.demo_government import GOV_ACTORS
    from ledger.account_ledger import AccountLedger

    registry = AccountLedger(app)
    if not registry.book().started:
        return 0
    units: dict[str, set[str]] = {CLERK: set(units_of_clerk)}
    for actor in (*ACTORS, *GOV_ACTORS, ADMIN):
        units.setdefault(actor.user, set()).add(actor.unit)
    return registry.declare_system_users(units, "demo actor of `ledger demo` (made-up data)")


def cmd_demo(args: argparse.Namespace) -> int:
    """Register N made-up subjects (reproducible from --seed) and drive them through the credit service."""
    from domain.demo import Clock, run_demo, summary
    from domain.demo_government import run_government_demo

    started = time.monotonic()
    app = open_ledger()
    try:
        before = app.event_count()
        clock = Clock()
        service = demo_service(app, clock)
        result = run_demo(service, clock, args.subjects, args.seed)
        government = run_government_demo(service, clock)  # NT-GOV (issue 15.10): the same data for every seed
        result.failures += government.failures
        counts = summary(service, result.subject_ids)
        appended = app.event_count() - before
    finally:
        app.close()

    print(f"demo seed {args.seed}: {len(result.subject_ids)} subjects "
          f"({result.created} created, {result.skipped_cases} cases already present and skipped)")
    print(f"events appended: {appended}")
    print("paths: " + (", ".join(f"{k}={v}" for k, v in sorted(result.paths.items())) or "none"))
    for title, key in (("lists", "lists"), ("records", "records"), ("sanctions", "sanctions")):
        print(f"{title}: " + (", ".join(f"{k}={v}" for k, v in sorted(counts[key].items())) or "none"))
    print("government: " + (", ".join(f"{k}={v}" for k, v in sorted(government.counts.items())) if government.created
                            else "already present"))
    print(f"failures: {len(result.failures)}")
    for failure in result.failures:
        print(f"  FAILED {failure}")
    print("try:")
    for example in result.examples:
        print(f"  {example['subject_id']}  {example['id']}  {example['name']}  ({example['lists']})")
    print(f"done in {time.monotonic() - started:.1f} s")
    return 1 if result.failures else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the domain sub-commands to the `ledger` parser."""
    p = sub.add_parser("demo", help="fill the ledger with made-up subjects along the lifecycle paths")
    p.add_argument("--subjects", type=_positive, default=40, help="number of subjects (default 40)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same subjects)")
    p.set_defaults(func=cmd_demo)
