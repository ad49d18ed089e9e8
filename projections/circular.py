"""The contents of the quarterly circular (NT-JRP-Q, NT-JRP-4, CS-2.6), computed from the read models as the
ledger stood at one log position, so a circular can be recomputed later and compared with the signed one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, select

from domain.effective import in_force_on
from domain.government_report import GovernmentRecordsReport
from domain.reporting import period_of
from ledger.app import LedgerApplication
from projections.asof import at_position, catch_up
from projections.status import in_force_clause
from projections.db import list_entry_versions, record_versions, sanction_steps, sanctions
from projections.evaluation import government_subjects
from projections.timetravel import aggregate_at, resolve_position

VIEWS = ("records", "list_entries", "sanctions")
METHOD = 2  # 2: with the government dishonesty records (NT-GOV, issue 15); a circular without `method` is of 1


def _lists(conn: Connection, profile_id: str, first: date, last: date, position: int) -> dict[str, dict[str, int]]:
    """Per list: entries confirmed in the quarter, ended in it, and in force on its last day (JY-6, NT-PCI-17)."""
    v = list_entry_versions
    rows = conn.execute(select(v.c.list_code, v.c.valid_from, v.c.ended_on, in_force_clause(v, last).label("in_force"))
                        .where(v.c.policy_id == profile_id, at_position(v, position))).all()
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row.list_code, {"confirmed": 0, "ended": 0, "in_force_at_end": 0})
        counts["confirmed"] += bool(row.valid_from and first <= row.valid_from <= last)
        counts["ended"] += bool(row.ended_on and first <= row.ended_on <= last)
        counts["in_force_at_end"] += bool(row.in_force)
    return dict(sorted(found.items()))


def _records(conn: Connection, codes: Sequence[str], first: date, last: date, position: int) -> dict[str, Any]:
    """Per tier: determinations of the profile's behaviours in the quarter, and those in force on its last day."""
    v = record_versions
    rows = conn.execute(select(v.c.tier, v.c.determination_date, in_force_clause(v, last).label("in_force"))
                        .where(v.c.behaviour_code.in_(list(codes)), at_position(v, position))).all()
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = found.setdefault(row.tier, {"determined": 0, "in_force_at_end": 0})
        counts["determined"] += bool(first <= row.determination_date <= last)
        counts["in_force_at_end"] += bool(row.in_force)
    return dict(sorted(found.items()))


def _sanctions(conn: Connection, profile_id: str, first: date, last: date, position: int) -> dict[str, Any]:
    """Per department: the loop's steps dated in the quarter, and how many were late (JY-21, CS-2.6)."""
    s = sanction_steps
    rows = conn.execute(
        select(s.c.department, s.c.step, s.c.late)
        .join(sanctions, sanctions.c.sanction_id == s.c.sanction_id)
        .where(sanctions.c.policy_id == profile_id, s.c.log_position <= position,
               and_(s.c.business_date >= first, s.c.business_date <= last))).all()
    steps: dict[str, Counter[str]] = {}
    for row in rows:
        steps.setdefault(row.department, Counter())[row.step] += 1
        if row.late:
            steps[row.department]["late"] += 1
    return {unit: dict(sorted(counts.items())) for unit, counts in sorted(steps.items())}


def _government(app: LedgerApplication, engine: Engine, profile_id: str, first: date, last: date,
                position: int) -> dict[str, Any]:
    """NT-JRP-Q with NT-GOV: government dishonesty records determined in the quarter (by subject kind and source
    kind) and in force on its last day; rectifications overdue and criticisms published, as held at `position`."""
    determined: dict[str, Counter[str]] = {}
    in_force = overdue = criticised = 0
    quarter: set[str] = set()
    for subject in government_subjects(app, engine, position):
        for item_id in subject.ids("record"):
            record = aggregate_at(app, UUID(str(item_id)), position)
            if record is None or record.government is None or record.policy_id != profile_id:
                continue
            if first <= record.determination_date <= last:
                determined.setdefault(subject.kind, Counter())[record.government["source_kind"]] += 1
                quarter.add(str(record.id))
            in_force += in_force_on(last, record.determination_date, record.valid_until, record.closed_on)
        for item_id in subject.ids("gov_case"):
            case = aggregate_at(app, UUID(str(item_id)), position)
            if case is None or case.policy_id != profile_id:
                continue
            overdue += case.rectification_overdue(last)
            criticised += bool(case.criticism and first <= case.criticism["on"] <= last)
    reported: set[str] = set()
    months = []
    for month in sorted({period_of(date(first.year, m, 1)) for m in range(first.month, last.month + 1)}):
        report = aggregate_at(app, GovernmentRecordsReport.create_id(profile_id, month), position)
        if report is not None:  # NT-GOV-2.3: the month's records were reported upward
            months.append(month)
            reported |= set(report.record_ids)
    return {"determined": {kind: dict(sorted(c.items())) for kind, c in sorted(determined.items())},
            "in_force_at_end": in_force, "rectifications_overdue_at_end": overdue, "criticisms": criticised,
            "months_reported_upward": months, "reported_upward": len(quarter & reported)}


def circular_contents(app: LedgerApplication, engine: Any, profile_id: str, codes: Sequence[str], first: date,
                      last: date, position: int | None = None, method: int = METHOD) -> tuple[int, dict[str, Any]]:
    """(log position, contents): the circular of `profile_id` (whose behaviour codes are `codes`) for [first, last]
    as the ledger stood at `position` (the last position when None); the views are brought up to it first.
    `method` 1 is the circular before government records were counted, kept so old circulars reproduce."""
    at = resolve_position(app, position, None)
    catch_up(app, engine, VIEWS, at)
    with engine.connect() as conn:
        contents = {"profile_id": profile_id, "from": first.isoformat(), "to": last.isoformat(),
                    "records": _records(conn, codes, first, last, at),
                    "lists": _lists(conn, profile_id, first, last, at),
                    "sanctions": _sanctions(conn, profile_id, first, last, at)}
    if method >= 2:
        contents = {"method": method, **contents, "government": _government(app, engine, profile_id, first, last, at)}
    return at, contents
