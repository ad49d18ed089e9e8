"""Issue 14 part 1: "in force" is a function of the events and the day (NT-PCI-30, LYG-18, JY-20).

Two LYG-13b black listings (a serious record and its black-list entry each): X's last day in force is
yesterday, Y's is today (T, the real business day in Asia/Shanghai, since `ledger status` and `ledger list`
without --valid-at answer for today). Every path that decides "in force", "published" or "may be
sanctioned" is asked about T-1, T and T+1 (each side of each boundary), before the daily sweep has run and
after it, and must agree with the one rule: in force up to and including the last day. Both backends.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from ledger_support.backends import initialised_ledger

from domain.actor import Actor
from domain.clock import office_today
from domain.effective import item_in_force
from domain.errors import RuleViolation
from domain.identifiers import synthetic_resident_id
from domain.policy import load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.bundle import layout
from projections.bundle.export import export_bundle
from ledger.bundle.verify import verify_bundle
from ledger.cli_sweep import SWEEP_USER, sweep_day
from ledger.config import Settings
from ledger.transparency import create_checkpoint
from projections.asof import list_as_of, public_as_of
from projections.db import make_engine
from projections.follower import Follower
from projections.public import public_list_query, public_records
from web.app import create_app

REPO = Path(__file__).resolve().parents[1]
ADMIN = Actor("ledger-admin", "admin")
BUREAU, CREDIT = Actor("lyg-petition-bureau", "clerk"), Actor("lyg-credit-office", "officer")
JY_CREDIT = Actor("jy-credit-office", "officer")
MEASURE = "LYG-M-13a.1"  # key monitoring, triggered by serious records and the black list (LYG-13a)
UNITS = tuple(sorted({u for p in load_all().values() for u in p.units} | {ADMIN.unit}))
T = office_today()
DAYS = (T - timedelta(days=1), T, T + timedelta(days=1))
Key = tuple[str, str, date]  # (path, item, day)


@dataclass
class Clock:
    """The business day of the service and of the web app (moved by the test)."""

    day: date = T

    def __call__(self) -> date:
        return self.day


@dataclass
class World:
    """The ledger, a service on a movable clock, and the two listed persons with their last days."""

    settings: Settings
    app: LedgerApplication
    service: CreditService
    clock: Clock
    persons: dict[str, UUID] = field(default_factory=dict)  # "X" / "Y" -> subject id
    id_numbers: dict[str, str] = field(default_factory=dict)
    items: dict[str, UUID] = field(default_factory=dict)  # "X.record", "X.entry", ... -> id
    last_day: dict[str, date] = field(default_factory=dict)  # item name -> last day in force


def determined_for(last_day: date) -> date:
    """The determination (and confirmation) date whose LYG 5-year validity ends on `last_day` (LYG-13b)."""
    profile = load_all()["LYG"]
    start = last_day.replace(year=last_day.year - 5) - timedelta(days=3)
    return next(d for d in (start + timedelta(days=i) for i in range(8)) if profile.validity_end(d, "serious") == last_day)


def listed(world: World, name: str, person_name: str, seed: int, last_day: date) -> None:
    """A person with a LYG-12.4 serious record black-listed on the day it was determined."""
    import random

    svc, day = world.service, determined_for(last_day)
    world.clock.day = day
    number = synthetic_resident_id(random.Random(1400 + seed), date(1966, 6, 6))
    person = svc.register_person(BUREAU, name=person_name, id_number=number)
    record = svc.record_dishonesty(
        BUREAU, profile_id="LYG", subject_id=person, behaviour_code="LYG-12.4", tier="serious",
        basis={"type": "other_statutory", "number": f"公处〔{day.year}〕{seed}号", "issuer": "连云港市公安局", "date": day},
        act_date=day - timedelta(days=10), determination_date=day)
    entry = svc.draft_list_entry(BUREAU, profile_id="LYG", subject_id=person, list_code="black",
                                 record_ids=[record], drafted_on=day, reason="缠访闹访")
    svc.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=day)
    world.persons[name], world.id_numbers[name] = person, number
    world.items[f"{name}.record"], world.items[f"{name}.entry"] = record, entry
    world.last_day[f"{name}.record"] = world.last_day[f"{name}.entry"] = last_day


@pytest.fixture
def world(backend_settings: Settings) -> Iterator[World]:
    app = initialised_ledger(backend_settings, UNITS)
    clock = Clock()
    service = CreditService(app, load_all(), app.keystore.subject_secret(), today=clock)
    for profile_id in service.profiles:
        service.publish_profile(ADMIN, profile_id=profile_id)
    w = World(backend_settings, app, service, clock)
    listed(w, "X", "张三", 1, T - timedelta(days=1))
    listed(w, "Y", "李四", 2, T)
    clock.day = T
    yield w
    app.close()


# --- the paths ----------------------------------------------------------------------------------------
def domain_answers(w: World) -> dict[Key, bool]:
    """The pure function on the aggregates as the ledger holds them."""
    found = {}
    for item, item_id in w.items.items():
        aggregate = w.service.record(item_id) if item.endswith("record") else w.service.list_entry(item_id)
        found |= {("domain", item, d): item_in_force(aggregate, d) for d in DAYS}
    return found


def projection_answers(w: World) -> dict[Key, bool]:
    """The live public views and the time-travel views (valid_at), followed up to the log's end."""
    engine = make_engine(w.settings)
    try:
        Follower(w.app, engine).run_once()
        found: dict[Key, bool] = {}
        for day in DAYS:
            with engine.connect() as conn:
                shown = {r["record_id"] for r in public_records(conn, day)}
                shown |= {r["list_entry_id"] for r in conn.execute(public_list_query("black", day)).mappings()}
            with public_as_of(w.app, engine, valid_at=day) as answer:
                past = {r["record_id"] for r in answer.rows}
            with list_as_of(w.app, engine, "black", valid_at=day) as answer:
                past |= {r["list_entry_id"] for r in answer.rows}
            for item, item_id in w.items.items():
                found[("projection", item, day)] = str(item_id) in shown
                found[("projection_as_of", item, day)] = str(item_id) in past
        return found
    finally:
        engine.dispose()


def _sections(html: str) -> list[str]:
    return html.split("<h3>")


def web_answers(w: World) -> dict[Key, bool]:
    """The public HTML page and lists, and the public JSON API, with the web app's business day moved."""
    web = create_app(w.settings, today=w.clock, secure_cookies=False, TESTING=True)
    client: FlaskClient = web.test_client()
    found: dict[Key, bool] = {}
    try:
        for day in DAYS:
            w.clock.day = day
            lists_page = client.get("/public/lists").get_data(as_text=True)
            lists_json = client.get("/api/v1/public/lists").get_json()
            black_ids = {r["list_entry_id"] for r in lists_json["black"]}
            for name, person in w.persons.items():
                page = client.post("/public/", data={"q": w.id_numbers[name]}).get_data(as_text=True)
                _, records, entries = _sections(page)[:3]
                answer = client.post("/api/v1/public/subjects/lookup", json={"q": w.id_numbers[name]}).get_json()
                masked_id = w.service.subject(person).masked()["id"]
                found[("html", f"{name}.record", day)] = 'data-code="LYG-12.4"' in records
                found[("html", f"{name}.entry", day)] = entries.count("<tr><td>") == 1
                found[("html_lists", f"{name}.entry", day)] = masked_id in lists_page
                found[("json", f"{name}.record", day)] = len(answer["records"]) == 1
                found[("json", f"{name}.entry", day)] = len(answer["list_entries"]) == 1
                found[("json_lists", f"{name}.entry", day)] = str(w.items[f"{name}.entry"]) in black_ids
    finally:
        w.clock.day = T
        web.extensions["credit_ledger"].close()
    return found


def ledger_cli(w: World, *args: str) -> list[Any]:
    """Run `ledger ARGS` in a subprocess on this ledger; its stdout as JSON (a document or JSON lines)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGER_")}
    env.update(LEDGER_DATABASE_URL=w.settings.database_url, LEDGER_KEYS_DIR=str(w.settings.keys_dir),
               LEDGER_ORIGIN=w.settings.origin, PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "ledger.cli", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = done.stdout.strip()
    return [json.loads(text)] if text.startswith("{\n") else [json.loads(line) for line in text.splitlines()]


def cli_answers(w: World) -> dict[Key, bool]:
    """`ledger status` and `ledger list black|public`, with --valid-at and (for today) without."""
    read = ("--purpose", "issue 14 check", "--basis", "test", "--unit", ADMIN.unit)
    found: dict[Key, bool] = {}
    for day in (*DAYS, None):
        valid = ("--valid-at", day.isoformat()) if day else ()
        path, on = ("cli", day) if day else ("cli_today", T)
        for name, person in w.persons.items():
            [answer] = ledger_cli(w, "status", str(person), *valid, *read)
            by_id = {i["id"]: i for i in answer["items"]}
            for kind in ("record", "entry"):
                item = by_id[str(w.items[f"{name}.{kind}"])]
                held_in_force = item["status"] in ("active", "confirmed")  # no closing event stored yet
                past = held_in_force and on > w.last_day[f"{name}.{kind}"]
                assert item["status_at"] == ("expired" if past else item["status"])
                found[(f"{path}_status", f"{name}.{kind}", on)] = item["in_force_at"]
        header, *rows = ledger_cli(w, "list", "black", *valid)
        assert header["day"] == on.isoformat()
        shown = {r["list_entry_id"] for r in rows} | {r["record_id"] for r in ledger_cli(w, "list", "public", *valid)[1:]}
        found |= {(f"{path}_list", item, on): str(item_id) in shown for item, item_id in w.items.items()}
    return found


def bundle_answers(w: World, tmp: Path, round_: str) -> dict[Key, bool]:
    """The court bundle's stated state (server side), which `verify_bundle` re-derives offline."""
    create_checkpoint(w.app)
    found: dict[Key, bool] = {}
    for name, person in w.persons.items():
        out = export_bundle(w.app, None, person, tmp / f"{round_}-{name}.zip", valid_at=list(DAYS), unit=ADMIN.unit)
        report = verify_bundle(out)
        assert report.ok, report.text()
        with zipfile.ZipFile(out) as archive:
            state = json.loads(archive.read(layout.STATE))
        by_id = {i["id"]: i for i in state["items"]}
        for kind in ("record", "entry"):
            in_force = by_id[str(w.items[f"{name}.{kind}"])]["in_force_at"]
            found |= {("bundle", f"{name}.{kind}", d): in_force[d.isoformat()] for d in DAYS}
    return found


def command_answers(w: World, days: tuple[date, ...]) -> dict[Key, bool]:
    """push_sanction (NT-PCI-30, JY-20) and the JY-6.1 red/black cross-check, with the business day moved.

    A push or red draft that passes the check may store a case or a draft (later ones then meet a different
    refusal, JY-21 or an active red draft): only a refusal under the checked rule counts. A push is refused
    when its source is not in force; a red draft when a black entry is.
    """
    found: dict[Key, bool] = {}
    for day in days:
        w.clock.day = day
        for item, item_id in w.items.items():
            found[("push_sanction", item, day)] = _passes(
                lambda: w.service.push_sanction(CREDIT, source_id=item_id, measure_id=MEASURE, pushed_on=day),
                ("NT-PCI-30", "JY-20", "JY-17"), "source_id")  # JY-17: off the list (exited with its record)
        for name, person in w.persons.items():
            found[("red_cross_check", f"{name}.entry", day)] = not _passes(  # refused while black is in force
                lambda: w.service.draft_list_entry(JY_CREDIT, profile_id="JY", subject_id=person, list_code="red",
                                                   drafted_on=day, reason="纳税信用A级"),
                ("JY-6.1",), "subject_id")
    w.clock.day = T
    return found


def _passes(command: Any, rules: tuple[str, ...], field_name: str) -> bool:
    """True when the command is NOT refused for the item's validity (accepted, or refused for another rule)."""
    try:
        command()
    except RuleViolation as exc:
        if exc.rule_id in rules:
            assert exc.field == field_name
            return False
    return True


def truth(w: World, keys: Iterator[Key]) -> dict[Key, bool]:
    """The one rule: in force from the confirmation up to and including its last day (NT-PCI-30, JY-20)."""
    return {(path, item, day): day <= w.last_day[item] for path, item, day in keys}


def all_answers(w: World, tmp: Path, round_: str, command_days: tuple[date, ...]) -> dict[Key, bool]:
    found = domain_answers(w) | projection_answers(w) | web_answers(w) | cli_answers(w)
    return found | bundle_answers(w, tmp, round_) | command_answers(w, command_days)


def test_issue_14_every_path_agrees_on_in_force_before_and_after_the_sweep_nt_pci_30_jy_20_lyg_18(
        world: World, tmp_path: Path) -> None:
    before = all_answers(world, tmp_path, "before", DAYS)
    assert before == truth(world, iter(before))
    assert {p for p, _, _ in before} >= {"domain", "projection", "projection_as_of", "html", "html_lists", "json",
                                         "json_lists", "cli_status", "cli_list", "cli_today_status",
                                         "cli_today_list", "bundle", "push_sanction", "red_cross_check"}
    assert [a["id"] for a in world.service.awaiting_sweep()] == sorted(
        [world.items["X.record"], world.items["X.entry"]], key=str)

    expired = sweep_day(world.service, Actor(ADMIN.unit, SWEEP_USER), T)
    assert world.items["X.record"] in (expired or [])
    assert world.service.record(world.items["X.record"]).status == "expired"  # LYG-18: automatic repair
    entry = world.service.list_entry(world.items["X.entry"])  # off the list with its record, or expired itself
    assert entry.status in ("exited", "expired") and entry.closing["on"] == T
    assert world.service.awaiting_sweep() == [] and world.service.swept_on(T)

    # After the sweep a business day before it is a replay the commands do not serve; every view still does.
    after = all_answers(world, tmp_path, "after", DAYS[1:])
    assert after == truth(world, iter(after))
    assert {k: v for k, v in before.items() if k in after} == after
