"""`ledger users ...`: account registry commands (signed by the admin unit, acting as the ledger's operator) and
the questions the registry answers with proof: a user's history, and whether a user could act for a unit."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime, time, timedelta
from typing import Any, Callable
from uuid import UUID

from ledger.cli import open_ledger

Handler = Callable[[argparse.Namespace], int]


def _fail(message: object) -> int:
    """One line on stderr and exit status 2, like every other `ledger` user error."""
    print(f"ledger: error: {message}", file=sys.stderr)
    return 2


def _accounts() -> Any:
    """The configured ledger's account store (projection tables created if missing)."""
    from projections.db import make_engine
    from web.accounts import AccountStore, ensure_tables

    app = open_ledger()
    engine = make_engine(app.settings)
    ensure_tables(engine)
    return AccountStore(engine, app)


def _refusals(handler: Handler) -> Handler:
    """Turn a RuleViolation (bad input, nothing stored) into one line on stderr and exit 2."""
    def run(args: argparse.Namespace) -> int:
        from domain.errors import RuleViolation

        try:
            return handler(args)
        except RuleViolation as exc:
            return _fail(exc)
    run.__doc__ = handler.__doc__
    return run


@_refusals
def cmd_add(args: argparse.Namespace) -> int:
    """Add an account (the first one bootstraps the registry's admin, acting as the ledger's operator)."""
    try:
        subject = UUID(args.subject_id) if args.subject_id else None
    except ValueError:
        return _fail(f"--subject-id {args.subject_id!r} is not an id")
    user = _accounts().add_user(args.username, args.password or _ask_password(), args.role, unit=args.unit,
                                subject_id=subject, display_name=args.display_name or args.username)
    print(f"added {user.username} ({user.role}{', unit ' + user.unit if user.unit else ''})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """List the login accounts and the declared system users."""
    book = _accounts().book()
    print(f"{'USER':20} {'ROLE':16} {'UNIT':28} {'ACTIVE':6} SUBJECT")
    for a in sorted(book.accounts.values(), key=lambda a: (a.system, a.username)):
        role = "(system)" if a.system else a.role
        unit = ",".join(a.system_units) if a.system else a.unit or "-"
        print(f"{a.username:20} {role:16} {unit:28} {'yes' if a.active else 'no':6} {a.subject_id or a.purpose or '-'}")
    return 0


@_refusals
def cmd_token(args: argparse.Namespace) -> int:
    """Issue an API token for a user (printed once; only its hash is recorded)."""
    print(_accounts().issue_token(args.username, args.label))
    return 0


def cmd_tokens(args: argparse.Namespace) -> int:
    """List the API tokens (id, user, label, active; never the secret)."""
    print(f"{'ID':>4} {'USER':20} {'ACTIVE':6} {'POSITION':>8} LABEL")
    for t in _accounts().tokens(args.username):
        print(f"{t.token_id:>4} {t.username:20} {'yes' if t.active else 'no':6} {t.issued_position!s:>8} {t.label}")
    return 0


@_refusals
def cmd_revoke_token(args: argparse.Namespace) -> int:
    """Revoke one API token by its id."""
    _accounts().revoke_token(args.token_id)
    print(f"revoked token {args.token_id}")
    return 0


@_refusals
def cmd_active(args: argparse.Namespace) -> int:
    """Deactivate or reactivate an account (its logins, tokens and right to act end or resume here)."""
    active = args.users_command == "activate"
    _accounts().set_active(args.username, active)
    print(f"{'activated' if active else 'deactivated'} {args.username}")
    return 0


@_refusals
def cmd_passwd(args: argparse.Namespace) -> int:
    """Set a new password (recorded as a new argon2 hash)."""
    _accounts().set_password(args.username, args.password or _ask_password())
    print(f"password changed for {args.username}")
    return 0


@_refusals
def cmd_grant(args: argparse.Namespace) -> int:
    """Give an account a new role and unit."""
    _accounts().grant_role(args.username, args.role, args.unit)
    print(f"granted {args.role}{' for ' + args.unit if args.unit else ''} to {args.username}")
    return 0


def cmd_system(args: argparse.Namespace) -> int:
    """Declare a system user (no login) that acts for the named units, e.g. a scheduled sweep."""
    from ledger.accounts_registry import AccountRegistryError
    from ledger.keys import KeyStoreError, check_unit_name
    from web.accounts import USERNAME

    if not USERNAME.match(args.username):
        return _fail("HA-5.2 [username]: 2-40 characters: lower-case letters, digits, '_', '.', '-'")
    try:
        args.unit = [check_unit_name(unit) for unit in args.unit]
    except KeyStoreError as exc:
        return _fail(f"HA-5.2 [unit]: {exc}")
    accounts = _accounts()
    try:
        if not accounts.registry.declare_system_users({args.username: args.unit}, args.purpose):
            return _fail(f"HA-5.2 [username]: user {args.username} already exists")
    except AccountRegistryError as exc:
        return _fail(f"HA-5.2 [{exc.field}]: {exc}")
    accounts.sync()
    print(f"declared system user {args.username} for {', '.join(sorted(args.unit))}")
    return 0


@_refusals
def cmd_import(args: argparse.Namespace) -> int:
    """Record the accounts and tokens of a database from before the account registry (the SQL rows as they
    stand) as registry events, signed by the admin unit and attributed to the ledger's operator."""
    imported, tokens = _accounts().import_legacy_rows()
    print(f"imported {imported} accounts and {tokens} API tokens into the account registry")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Every registry event about a user, with its log position (prove each with `ledger prove inclusion`)."""
    book = _accounts().book()
    changes = book.history.get(args.username)
    if not changes:
        return _fail(f"HA-5.2 [username]: no user {args.username} in the account registry")
    for change in changes:
        _print_change(change, book)
    return 0


def cmd_allowed(args: argparse.Namespace) -> int:
    """Whether a user could act for a unit at a log position or on a business day (China time, end of day);
    exit 0 when it could, 1 when not; prints the registry events that decide it."""
    from domain.clock import CHINA_TIME

    book = _accounts().book()
    if args.position is not None:
        decision, where = book.decide_at_position(args.username, args.unit, args.position), f"position {args.position}"
    else:
        end = datetime.combine(args.at + timedelta(days=1), time(0), CHINA_TIME)
        decision, where = book.decide_at_time(args.username, args.unit, end - timedelta(microseconds=1)), str(args.at)
    verdict = "ALLOWED" if decision.allowed else "NOT ALLOWED"
    print(f"{verdict}: {args.username} for {args.unit} at {where}: {decision.reason}")
    for change in decision.changes:
        _print_change(change, book)
    if decision.changes:
        print("prove each with: ledger prove inclusion POSITION")
    return 0 if decision.allowed else 1


def _print_change(change: Any, book: Any) -> None:
    state = change.after
    acts = ",".join(sorted(book.units_of(state))) or "-"
    role = "(system)" if state.system else state.role
    when = change.when.isoformat(timespec="seconds") if change.when else "-"
    print(f"  position {change.position}  {when}  {change.kind:18} by {change.by or '(root)':16} "
          f"-> {role}, {'active' if state.active else 'inactive'}, acts for {acts}")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def register(users: argparse._SubParsersAction) -> None:
    """Add the account commands to `ledger users`."""
    p = users.add_parser("add", help="add an account")
    p.add_argument("username")
    p.add_argument("--password", default=None, help="default: asked on the terminal")
    p.add_argument("--role", required=True)
    p.add_argument("--unit", default=None, help="the unit the user acts for (signs with)")
    p.add_argument("--subject-id", default=None, help="subject accounts: the subject id")
    p.add_argument("--display-name", default=None)
    p.set_defaults(func=cmd_add)
    users.add_parser("list", help="list the accounts and system users").set_defaults(func=cmd_list)
    p = users.add_parser("token", help="issue an API token for a user")
    p.add_argument("username")
    p.add_argument("--label", required=True, help="what the token is for, e.g. the department's system")
    p.set_defaults(func=cmd_token)
    p = users.add_parser("tokens", help="list the API tokens (never the secret)")
    p.add_argument("username", nargs="?", default=None)
    p.set_defaults(func=cmd_tokens)
    p = users.add_parser("revoke-token", help="revoke one API token by its id")
    p.add_argument("token_id", type=int)
    p.set_defaults(func=cmd_revoke_token)
    for name in ("deactivate", "activate"):
        p = users.add_parser(name, help=f"{name} an account")
        p.add_argument("username")
        p.set_defaults(func=cmd_active)
    p = users.add_parser("passwd", help="set a user's password")
    p.add_argument("username")
    p.add_argument("--password", default=None, help="default: asked on the terminal")
    p.set_defaults(func=cmd_passwd)
    p = users.add_parser("grant", help="give an account a new role and unit")
    p.add_argument("username")
    p.add_argument("--role", required=True)
    p.add_argument("--unit", default=None)
    p.set_defaults(func=cmd_grant)
    p = users.add_parser("system", help="declare a system user (no login) acting for units")
    p.add_argument("username")
    p.add_argument("--unit", action="append", required=True, help="a unit it acts for (repeat for more)")
    p.add_argument("--purpose", required=True, help="what it does, e.g. the nightly sweep")
    p.set_defaults(func=cmd_system)
    users.add_parser("import-sql", help="record pre-registry account rows as registry events (once, after "
                     "an upgrade)").set_defaults(func=cmd_import)
    p = users.add_parser("history", help="every registry event about a user, with log positions")
    p.add_argument("username")
    p.set_defaults(func=cmd_history)
    p = users.add_parser("allowed", help="could a user act for a unit at a position or on a day?")
    p.add_argument("username")
    p.add_argument("--unit", required=True)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", type=_day, help="a day, YYYY-MM-DD (China time, end of day)")
    when.add_argument("--position", type=int, help="a log position")
    p.set_defaults(func=cmd_allowed)


def _ask_password() -> str:
    """The password read from the terminal (never an argument in the shell history unless given)."""
    return getpass.getpass("new password: ")
