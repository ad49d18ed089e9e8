"""`ledger serve` (waitress), `ledger users demo` and the other `ledger users` commands (web/cli_users.py)."""

from __future__ import annotations

import argparse
import ipaddress

from ledger.cli import open_ledger
from web.cli_users import register as register_users

LOOPBACK_NAMES = ("localhost",)


def _engine_and_accounts():  # type: ignore[no-untyped-def]
    from projections.db import make_engine
    from web.accounts import AccountStore, ensure_tables

    app = open_ledger()
    engine = make_engine(app.settings)
    ensure_tables(engine)
    return app, engine, AccountStore(engine, app)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web UI with waitress; session cookies are Secure unless bound to a loopback address."""
    import waitress

    from ledger.checkpointer import start_checkpointer
    from ledger.cli_sweep import start_daily_sweep
    from ledger.config import Settings
    from web.app import create_app

    open_ledger().close()  # one-line error, exit 2, when the database is not initialised
    start_checkpointer(Settings.from_env())  # signs and witnesses checkpoints every N events / T seconds
    secure = not _is_loopback(args.host)
    app = create_app(Settings.from_env(), secure_cookies=secure)
    start_daily_sweep(app.extensions["credit_ledger"].credit)  # NT-PCI-30, LYG-18: the sweep runs by itself
    print(f"serving the credit ledger on http://{args.host}:{args.port}/ "
          f"({'Secure cookies: put it behind HTTPS' if secure else 'loopback only'}; Ctrl-C stops)", flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="credit-ledger")
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
    register_users(users)
    users.add_parser("demo", help="create the demo logins, one per role (idempotent)").set_defaults(func=cmd_users_demo)
