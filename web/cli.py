"""`ledger serve` (waitress), `ledger users demo` and the other `ledger users` commands (web/cli_users.py)."""

from __future__ import annotations

import argparse
import ipaddress
from typing import TYPE_CHECKING, Any

from ledger.cli import open_ledger
from web.cli_users import register as register_users

if TYPE_CHECKING:
    from ledger.config import Settings

LOOPBACK_NAMES = ("localhost",)


def _engine_and_accounts():  # type: ignore[no-untyped-def]
    from projections.db import make_engine
    from web.accounts import AccountStore, ensure_tables

    app = open_ledger()
    engine = make_engine(app.settings)
    ensure_tables(engine)
    return app, engine, AccountStore(engine, app)


def _positive(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 1..64, got {value}")
    return value


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in LOOPBACK_NAMES


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web UI with waitress; session cookies are Secure unless bound to a loopback address.

    `--workers N` (N > 1) serves from N processes on one socket (web/workers.py); the checkpointer and the
    daily sweep then run once, in the supervising process."""
    from ledger.config import Settings

    secure = not _is_loopback(args.host)
    if args.listen_fd is not None:  # a worker started by the supervisor: serve, no process-wide duties
        return _serve(args, secure, sockets=[_inherited(args.listen_fd)])
    open_ledger().close()  # one-line error, exit 2, when the database is not initialised
    if args.workers > 1:
        from web.workers import listening_socket, supervise

        sock = listening_socket(args.host, args.port)
        _announce(args, secure, f"{args.workers} processes")
        worker_args = ["--host", args.host, "--threads", str(args.threads)]
        return supervise(sock, args.workers, worker_args, lambda: _start_duties(Settings.from_env()))
    _start_duties(Settings.from_env())
    _announce(args, secure, "one process")
    return _serve(args, secure)


def _start_duties(settings: Settings) -> None:
    """The process-wide background work: checkpoints (every N events / T seconds) and the daily sweep."""
    from ledger.checkpointer import start_checkpointer
    from ledger.cli_sweep import start_daily_sweep
    from web.context import build_services

    start_checkpointer(settings)
    start_daily_sweep(build_services(settings).credit)  # NT-PCI-30, LYG-18: the sweep runs by itself


def _serve(args: argparse.Namespace, secure: bool, sockets: list[Any] | None = None) -> int:
    import waitress

    from ledger.config import Settings
    from web.app import create_app

    app = create_app(Settings.from_env(), secure_cookies=secure)
    if sockets:
        waitress.serve(app, sockets=sockets, threads=args.threads, ident="credit-ledger")
    else:
        waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="credit-ledger")
    return 0


def _inherited(fd: int) -> Any:
    from web.workers import inherited_socket

    return inherited_socket(fd)


def _announce(args: argparse.Namespace, secure: bool, processes: str) -> None:
    print(f"serving the credit ledger on http://{args.host}:{args.port}/ ({processes}; "
          f"{'Secure cookies: put it behind HTTPS' if secure else 'loopback only'}; Ctrl-C stops)", flush=True)


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
    p.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
    p.add_argument("--workers", type=_positive, default=1,
                   help="server processes on one socket (default 1; the database orders their writes)")
    p.add_argument("--listen-fd", type=int, default=None, help=argparse.SUPPRESS)  # set by the supervisor
    p.set_defaults(func=cmd_serve)
    users = sub.add_parser("users", help="web accounts").add_subparsers(dest="users_command", required=True)
    register_users(users)
    users.add_parser("demo", help="create the demo logins, one per role (idempotent)").set_defaults(func=cmd_users_demo)
