"""`ledger serve` (waitress) and `ledger users add | list | token | demo` (accounts of the web service)."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from uuid import UUID

from ledger.cli import open_ledger

LOOPBACK_NAMES = ("localhost",)


def _fail(message: object) -> int:
    """One line on stderr and exit status 2, like every other `ledger` user error."""
    print(f"ledger: error: {message}", file=sys.stderr)
    return 2


def _engine_and_accounts():  # type: ignore[no-untyped-def]
    from projections.db import make_engine
    from web.accounts import AccountStore, ensure_tables

    app = open_ledger()
    engine = make_engine(app.settings)
    ensure_tables(engine)
    return app, engine, AccountStore(engine)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web UI with waitress; session cookies are Secure unless bound to a loopback address."""
    import waitress

    from ledger.cli_sweep import start_daily_sweep
    from ledger.config import Settings
    from web.app import create_app

    open_ledger().close()  # one-line error, exit 2, when the database is not initialised
    secure = not _is_loopback(args.host)
    app = create_app(Settings.from_env(), secure_cookies=secure)
    start_daily_sweep(app.extensions["credit_ledger"].credit)  # NT-PCI-30, LYG-18: the sweep runs by itself
    print(f"serving the credit ledger on http://{args.host}:{args.port}/ "
          f"({'Secure cookies: put it behind HTTPS' if secure else 'loopback only'}; Ctrl-C stops)", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="credit-ledger")
    return 0


def cmd_users_add(args: argparse.Namespace) -> int:
    """Add an account."""
    from domain.errors import RuleViolation

    _, engine, accounts = _engine_and_accounts()
    try:
        subject = UUID(args.subject_id) if args.subject_id else None
    except ValueError:
        return _fail(f"--subject-id {args.subject_id!r} is not an id")
    try:
        user = accounts.add_user(args.username, args.password, args.role, unit=args.unit, subject_id=subject,
                                 display_name=args.display_name or args.username)
    except RuleViolation as exc:
        return _fail(exc)
    print(f"added {user.username} ({user.role}{', unit ' + user.unit if user.unit else ''})")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    """List the accounts."""
    _, _, accounts = _engine_and_accounts()
    print(f"{'USER':20} {'ROLE':16} {'UNIT':28} {'ACTIVE':6} SUBJECT")
    for u in accounts.all():
        print(f"{u.username:20} {u.role:16} {u.unit or '-':28} {'yes' if u.active else 'no':6} {u.subject_id or '-'}")
    return 0


def cmd_users_token(args: argparse.Namespace) -> int:
    """Issue an API token for a user (printed once; only its hash is stored)."""
    from domain.errors import RuleViolation

    _, _, accounts = _engine_and_accounts()
    try:
        print(accounts.issue_token(args.username, args.label))
    except RuleViolation as exc:
        return _fail(exc)
    return 0


def cmd_users_demo(args: argparse.Namespace) -> int:
    """Create the demo logins (one per role, idempotent) and print them with their passwords."""
    from web.demo_users import ensure_demo_users

    app, engine, accounts = _engine_and_accounts()
    for login in ensure_demo_users(app, engine, accounts):
        print(f"  {login.role:15} {login.username:12} / {login.password:14} {login.unit or ''} {login.note}".rstrip())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `serve` and `users` to the `ledger` parser."""
    p = sub.add_parser("serve", help="serve the web UI and API (waitress)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.set_defaults(func=cmd_serve)
    users = sub.add_parser("users", help="web accounts").add_subparsers(dest="users_command", required=True)
    p = users.add_parser("add", help="add an account")
    p.add_argument("username")
    p.add_argument("--password", required=True)
    p.add_argument("--role", required=True)
    p.add_argument("--unit", default=None, help="the unit the user acts for (signs with)")
    p.add_argument("--subject-id", default=None, help="subject accounts: the subject id")
    p.add_argument("--display-name", default=None)
    p.set_defaults(func=cmd_users_add)
    users.add_parser("list", help="list the accounts").set_defaults(func=cmd_users_list)
    p = users.add_parser("token", help="issue an API token for a user")
    p.add_argument("username")
    p.add_argument("--label", required=True, help="what the token is for, e.g. the department's system")
    p.set_defaults(func=cmd_users_token)
    users.add_parser("demo", help="create the demo logins, one per role (idempotent)").set_defaults(func=cmd_users_demo)
