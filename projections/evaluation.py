"""The facts of the yearly government-integrity evaluation (NT-GOV-4.1), computed from the government subjects and
their records, cases and file entries exactly as the ledger held them at one log position (aggregate versions
whose events are at or before it), so an evaluation can be recomputed later and compared with the signed one."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from domain.effective import in_force_on
from domain.evaluation import RULE, year_bounds
from domain.government_case import CRITICISM, HONOURS, RECTIFICATION
from domain.subject import CIVIL_SERVANT, GOVERNMENT_BODY
from ledger.app import LedgerApplication
from projections.asof import catch_up
from projections.base import ProjectionError
from projections.db import subjects
from projections.timetravel import aggregate_at, resolve_position

METHOD = 1  # the version of what the contents contain; a recomputation follows the stored one
# NT-GOV-4.1 names 双公示 among what is evaluated; the ledger records no administrative licence or penalty
# publication dates, so the report says so instead of a figure.
SHUANGGONGSHI = {"recorded": False, "rule_id": RULE,
                 "note": "the ledger records no publication dates of administrative licences and penalties"}
SCORING = {"score": None, "rule_id": RULE, "note": "the seed sets no scoring method; the facts are reported"}


def government_subjects(app: LedgerApplication, engine: Engine, position: int) -> list[Any]:
    """Every government body and civil servant registered at or before `position`, as held at it."""
    catch_up(app, engine, ("subjects",), position)
    with engine.connect() as conn:
        ids = conn.execute(select(subjects.c.subject_id).where(
            subjects.c.kind.in_((GOVERNMENT_BODY, CIVIL_SERVANT)), subjects.c.recorded_position <= position)
            .order_by(subjects.c.subject_id)).scalars().all()
    found = (aggregate_at(app, UUID(i), position) for i in ids)
    return [s for s in found if s is not None]


def _items(app: LedgerApplication, subject: Any, kind: str, position: int) -> list[Any]:
    found = (aggregate_at(app, UUID(str(i)), position) for i in subject.ids(kind))
    return [item for item in found if item is not None]


def _within(day: date | None, first: date, last: date) -> bool:
    return day is not None and first <= day <= last


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _rectification(case: Any, last: date) -> str:
    """How a rectification due in the year stood at its end: on time, late, lifted or overdue (NT-GOV-2.4a)."""
    r = case.rectification
    done = r.get("completed_on")
    if done is not None and done <= r["deadline"]:
        return "on_time"
    if done is not None and done <= last:
        return "late"
    return "lifted" if case.lifted_on(RECTIFICATION, last) else "overdue"


def _records(app: LedgerApplication, subject: Any, first: date, last: date, position: int) -> list[Any]:
    return [r for r in _items(app, subject, "record", position)
            if r.government is not None and _within(r.determination_date, first, last)]


def _body(app: LedgerApplication, body: Any, servants: list[Any], first: date, last: date,
          position: int) -> dict[str, Any]:
    """The facts of one subordinate body for [first, last] at `position`."""
    records = _records(app, body, first, last, position)
    cases = _items(app, body, "gov_case", position)
    rectifications = []
    for case in cases:
        if case.rectification is not None and _within(case.rectification["deadline"], first, last):
            r = case.rectification
            rectifications.append({"record_id": str(case.record_id), "deadline": r["deadline"].isoformat(),
                                   "completed_on": _iso(r.get("completed_on")),
                                   "status": _rectification(case, last)})
    rectifications.sort(key=lambda r: (r["deadline"], r["record_id"]))
    held = {str(r.id): r for r in _items(app, body, "record", position)}
    barred = [c for c in cases if c.restricts_awards(last) and str(c.record_id) in held
              and in_force_on(last, held[str(c.record_id)].determination_date, held[str(c.record_id)].valid_until,
                              held[str(c.record_id)].closed_on)]
    positive = Counter(e.category for e in _items(app, body, "gov_file", position)
                       if e.polarity == "positive" and _within(e.document["date"], first, last))
    servant_records = [r for s in servants for r in _records(app, s, first, last, position)]
    return {
        "subject_id": str(body.id), "name": body.name, "uscc": body.uscc, "level": body.government["level"],
        "records": dict(sorted(Counter(r.government["source_kind"] for r in records).items())),
        "records_by_tier": dict(sorted(Counter(r.tier for r in records).items())),
        "civil_servant_records": dict(sorted(Counter(r.government["source_kind"] for r in servant_records).items())),
        "rectifications": rectifications,
        "rectification_counts": dict(sorted(Counter(r["status"] for r in rectifications).items())),
        "criticisms": sum(1 for c in cases if c.criticism is not None and _within(c.criticism["on"], first, last)
                          and CRITICISM in c.consequences),
        "honours_lost": sum(1 for c in cases if HONOURS in c.consequences and _within(c.applies_from, first, last)),
        "honours_barred_at_end": bool(barred),
        "self_corrections": sum(1 for c in cases for s in c.self_corrections if _within(s["decided_on"], first, last)),
        "positive_entries": dict(sorted(positive.items())),
    }


def evaluation_contents(app: LedgerApplication, engine: Engine, profile_id: str, evaluator_id: UUID, year: int,
                        position: int | None = None, as_of: datetime | str | None = None
                        ) -> tuple[int, dict[str, Any]]:
    """(log position, contents): the evaluation by `evaluator_id` of its subordinate bodies for `year`, as the
    ledger stood at `position` or moment `as_of` (the last position when neither is given)."""
    first, last = year_bounds(year)
    at = resolve_position(app, position, as_of)
    evaluator = aggregate_at(app, evaluator_id, at)
    if evaluator is None or getattr(evaluator, "kind", None) != GOVERNMENT_BODY:
        raise ProjectionError(f"{evaluator_id} was not a registered government body at log position {at}")
    everyone = government_subjects(app, engine, at)
    bodies = [s for s in everyone if s.kind == GOVERNMENT_BODY
              and (s.government or {}).get("superior_id") == str(evaluator_id)]
    servants: dict[str, list[Any]] = {}
    for s in everyone:
        if s.kind == CIVIL_SERVANT:
            servants.setdefault((s.government or {}).get("employer_id") or "", []).append(s)
    contents = {"method": METHOD, "rule_id": RULE, "profile_id": profile_id, "year": year,
                "from": first.isoformat(), "to": last.isoformat(),
                "evaluator": {"subject_id": str(evaluator.id), "name": evaluator.name},
                "scoring": SCORING, "shuanggongshi": SHUANGGONGSHI,
                "bodies": [_body(app, b, servants.get(str(b.id), []), first, last, at)
                           for b in sorted(bodies, key=lambda b: (b.name, str(b.id)))]}
    return at, contents
