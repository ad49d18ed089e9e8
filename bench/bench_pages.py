"""Server time of every web page on a large ledger (issue 16). Not a test: figures go to bench/README.md.

    .venv/bin/python bench/bench_pages.py [--workdir DIR] [--subjects N] [--requests K] [--fast]

Builds (or reuses, with `--workdir`) a ledger with `bench_projections.py`'s generator (`ledger demo`'s
narratives through the real CreditService, about 10 events per subject), brings every projection up to
date, adds the demo accounts, then requests every GET page of the web app through the Flask test client,
logged in as the role that may see it, K times in rounds (one request per page per round, so a load
change on the shared machine spreads over every page), and prints p50/p95 per page next to a baseline
measured in the same rounds: a bare route added to the app (same request hooks: session, limits, i18n)
and the static `/` page. `--fast`: 2,000 subjects in a temporary folder, 10 requests per page.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_projections import generate, percentile  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import Connection, select  # noqa: E402

from domain.clock import office_today  # noqa: E402
from ledger.app import LedgerApplication  # noqa: E402
from ledger.config import Settings  # noqa: E402
from projections.db import list_entries, make_engine, objections, records, repairs, sanctions  # noqa: E402
from projections.follower import REBUILD_BATCH, Follower  # noqa: E402
from web.accounts import AccountStore, ensure_tables  # noqa: E402
from web.app import create_app  # noqa: E402
from web.demo_users import DEMO, demo_subject, ensure_demo_users  # noqa: E402
from web.permissions import allow  # noqa: E402
from web.roles import ROLES  # noqa: E402

TARGET_MS = 100.0  # issue 16: every page's server time under 100 ms p95
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
# Pages with a path argument, filled from the ledger; pages needing other input (a proof, a replay id, a
# government subject) are left out and named in the report.
SKIPPED = {"static", "main.language", "subjects.government", "subjects.purpose", "mine.objection",
           "audit.bundle", "auth.login"}


def prepare(folder: Path, subjects_wanted: int) -> tuple[Settings, dict[str, float]]:
    """The ledger in `folder` (a new one generated with `subjects_wanted` subjects), its views current, the
    demo accounts."""
    timings: dict[str, float] = {}
    settings = Settings(database_url=f"sqlite:///{folder.resolve()}/ledger.sqlite3", keys_dir=folder / "keys",
                        origin="bench.example/projections")
    new = not (folder / "ledger.sqlite3").exists()
    if new:
        folder.mkdir(parents=True, exist_ok=True)
        LedgerApplication(settings, create_tables=True).initialise()
    app = LedgerApplication(settings)
    engine = make_engine(settings)
    started = time.perf_counter()
    if new:  # a kept ledger is measured as it is (`bench_projections.py --generate-only` tops one up)
        generate(app, 10**9, subjects_wanted, 1000, 0.55)
    timings["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    Follower(app, engine, batch_size=REBUILD_BATCH).run_once()  # a first catch-up replays the whole log
    timings["views_s"] = time.perf_counter() - started
    ensure_tables(engine)
    ensure_demo_users(app, engine, AccountStore(engine, app))
    timings["events"] = app.log.tree_size()
    engine.dispose()
    app.close()
    return settings, timings


def login(client: FlaskClient, username: str) -> None:
    """Log in through the real login form."""
    token = TOKEN.search(client.get("/login").get_data(as_text=True))
    assert token, "no CSRF token on /login"
    password = next(d.password for d in DEMO if d.username == username)
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token.group(1)})
    assert response.status_code == 302, f"login of {username} refused"


def state_purpose(client: FlaskClient, subject_id: str) -> None:
    """HA-5.2: staff state purpose and basis before reading a subject (kept for the session)."""
    path = f"/subjects/{subject_id}/purpose"
    token = TOKEN.search(client.get(path).get_data(as_text=True))
    assert token, "no CSRF token on the purpose form"
    client.post(path, data={"purpose": "benchmark", "basis": "issue 16", "csrf_token": token.group(1),
                            "next": f"/subjects/{subject_id}"})


def clients(app: Flask, subject_ids: list[str]) -> dict[str, FlaskClient]:
    """One logged-in test client per demo role, and an anonymous one (the public pages)."""
    found = {"anonymous": app.test_client()}
    for demo in DEMO:
        client = app.test_client()
        login(client, demo.username)
        if demo.role in ("auditor", "credit_office", "recording_unit"):
            for subject_id in subject_ids:
                state_purpose(client, subject_id)
        found[demo.role] = client
    return found


ITEM_TABLES = {"entry_id": (list_entries, "list_entry_id"), "record_id": (records, "record_id"),
               "objection_id": (objections, "objection_id"), "repair_id": (repairs, "repair_id"),
               "sanction_id": (sanctions, "sanction_id")}


def items(conn: Connection, subject_id: str) -> dict[str, tuple[str, str]]:
    """One item per item page (issue 16.2): the demo subject's where it has one, else the first; with its subject."""
    found = {}
    for arg, (table, key) in ITEM_TABLES.items():
        column = table.c[key]
        row = conn.execute(select(column, table.c.subject_id).where(table.c.subject_id == subject_id).limit(1)).first() \
            or conn.execute(select(column, table.c.subject_id).order_by(column).limit(1)).first()
        if row is not None:
            found[arg] = (str(row[0]), str(row[1]))
    return found


def pages(app: Flask, subject_id: str, item_ids: dict[str, str]) -> list[str]:
    """Every GET page of the app (path arguments filled), plus the second page of the paged lists."""
    paths = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith("/api") or rule.endpoint in SKIPPED:  # type: ignore[operator]
            continue
        path = rule.rule.replace("<uuid:subject_id>", subject_id)
        for arg, item_id in item_ids.items():
            path = path.replace(f"<uuid:{arg}>", item_id)
        if "<" in path:  # an item kind the ledger has none of
            continue
        paths.append(path)
    return paths + ["/office/lists?page=2", "/office/sanctions?page=2", "/recording/?page=2"]


PREFERRED = {"/recording": "recording_unit", "/department": "department", "/audit": "auditor", "/subjects/": "auditor",
             "/admin": "admin", "/mine": "subject", "/public": "anonymous"}  # the role a page is made for


def owner(paths: list[str], by_role: dict[str, FlaskClient]) -> dict[str, tuple[str, FlaskClient]]:
    """For each page the role it is made for, else the first that gets it with 200; pages nobody gets are dropped."""
    order = ("credit_office", "recording_unit", "department", "auditor", "admin", "subject", "anonymous")
    found = {}
    for path in paths:
        first = [role for prefix, role in PREFERRED.items() if path.startswith(prefix)]
        for role in (*first, *order):
            if by_role[role].get(path).status_code == 200:
                found[path] = (role, by_role[role])
                break
        else:
            print(f"  no role gets {path} with 200: left out", flush=True)
    return found


def measure(targets: dict[str, tuple[str, FlaskClient]], requests: int) -> dict[str, list[float]]:
    """`requests` rounds, one GET of every page per round; seconds per request."""
    times: dict[str, list[float]] = {path: [] for path in targets}
    for _ in range(requests):
        for path, (_, client) in targets.items():
            started = time.perf_counter()
            response = client.get(path)
            times[path].append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
    return times


def main() -> int:
    """Build or reuse the ledger, then measure every page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default=None, help="keep (or reuse) the SQLite ledger and keys in this folder")
    parser.add_argument("--subjects", type=int, default=100_000,
                        help="demo subjects of a new ledger (default 100,000; a kept --workdir ledger is reused)")
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="business date (default: today)")
    parser.add_argument("--fast", action="store_true", help="2,000 subjects in a temporary folder, 10 requests")
    args = parser.parse_args()
    if args.fast:
        args.subjects, args.requests = min(args.subjects, 2000), min(args.requests, 10)
    folder = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="bench-pages-"))
    started = time.perf_counter()
    settings, timings = prepare(folder, args.subjects)
    print(f"ledger: {timings['events']:,.0f} events in {folder}; generation {timings['generate_s']:.0f} s, "
          f"views caught up in {timings['views_s']:.0f} s, set-up {time.perf_counter() - started:.0f} s", flush=True)
    today: Callable[[], date] = (lambda: args.today) if args.today else office_today
    app = create_app(settings, today=today, secure_cookies=False, TESTING=True)
    app.add_url_rule("/bench-bare", "bench_bare", lambda: "ok")  # the baseline: request hooks, no work
    allow({"bench_bare": ROLES})  # everyone, as `/`
    engine = app.extensions["credit_ledger"].engine
    subject = demo_subject(app.extensions["credit_ledger"].ledger, engine)
    with engine.connect() as conn:
        chosen = items(conn, str(subject))
    by_role = clients(app, sorted({str(subject)} | {owner_id for _, owner_id in chosen.values()}))
    targets = owner(["/bench-bare"] + pages(app, str(subject), {arg: i for arg, (i, _) in chosen.items()}), by_role)
    for _ in range(2):  # warm-up: caches, prepared statements
        measure(targets, 1)
    times = measure(targets, args.requests)
    base = percentile(times["/bench-bare"], 0.95)
    print(f"\n{'page':42} {'role':15} {'p50 ms':>8} {'p95 ms':>8} {'p95 - bare':>10}")
    over = []
    for path, (role, _) in targets.items():
        p50, p95 = percentile(times[path], 0.5), percentile(times[path], 0.95)
        print(f"{path[:42]:42} {role:15} {p50:8.1f} {p95:8.1f} {p95 - base:10.1f}", flush=True)
        if p95 > TARGET_MS:
            over.append(path)
    print(f"\n{len(targets)} pages, {args.requests} requests each; over {TARGET_MS:.0f} ms p95: "
          f"{', '.join(over) if over else 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
