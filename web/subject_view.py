"""What a subject page shows: the subject's items, a timeline of their signed events, the periods chart."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from markupsafe import Markup

from domain.effective import EXPIRED, item_in_force, item_status
from web.charts import Period, periods_svg
from web.context import services
from web.history import Step, steps_of
from web.names import behaviour_name, measure_name, unit_name
from web.loop_diagram import loop_svg
from web.principal import current_principal
from web.scope import visible_cases


def _periods(records: list[Any], entries: list[Any], sanctions: list[Any], today: date) -> list[Period]:
    """The chart's bars, labelled in the page's language (behaviour, list and measure names, not codes)."""
    found = [Period("record", f"{behaviour_name(r.policy_id, r.behaviour_code)}（{_(r.tier)}）", r.determination_date,
                    r.closed_on or r.valid_until, not item_in_force(r, today)) for r in records]
    for e in entries:
        start = e.decision["confirmed_on"] if e.decision else e.drafted_on
        end = (e.closing or {}).get("on") or getattr(e, "valid_until", None)
        closed = not e.active or item_status(e, today) == EXPIRED  # past its last day, swept or not (JY-20)
        found.append(Period("list_entry", f"{_(e.list_code)}（{_(item_status(e, today))}）", start, end, closed))
    for c in sanctions:
        lift = c.lift or {}
        found.append(Period("sanction", _case_heading(c), c.pushed_on,
                            lift.get("confirmed_on") or lift.get("pushed_on"), not c.in_force))
    return sorted(found, key=lambda p: (p.start, p.kind))


def _case_heading(case: Any) -> str:
    return f"{measure_name(case.policy_id, case.measure_id)} → {unit_name(case.department)}"


def loops(sanctions: list[Any], today: date) -> dict[str, Markup]:
    """Each visible case's closed-loop diagram by case id (JY-21, CS-2.6, CS-2.7)."""
    return {str(c.id): loop_svg(c, today, _case_heading(c)) for c in sanctions}


def _due_items(items: list[Any], today: date) -> dict[str, list[dict[str, Any]]]:
    """Overdue steps per item id (objections, repairs and sanction cases know their deadlines)."""
    return {str(i.id): i.overdue(today) for i in items if hasattr(i, "overdue") and i.overdue(today)}


def timeline(item_ids: list[UUID]) -> list[tuple[str, Step]]:
    """Every signed event of the given aggregates, oldest first, each with its aggregate id."""
    ledger = services().ledger
    steps = [(str(i), s) for i in item_ids for s in steps_of(ledger, i)]
    return sorted(steps, key=lambda pair: (pair[1].position if pair[1].position is not None else -1))


def subject_view(subject_id: UUID) -> dict[str, Any]:
    """The template context of a subject page (the caller registered the read, HA-5.2)."""
    credit = services().credit
    today = credit.today()
    subject = credit.subject(subject_id)
    records, entries = credit.records_of(subject_id), credit.list_entries_of(subject_id)
    objections, repairs = credit.objections_of(subject_id), credit.repairs_of(subject_id)
    sanctions = visible_cases(current_principal(), credit.sanctions_of(subject_id))  # HA-5.2 unit scope
    ids = [subject_id] + [i.id for i in (*records, *entries, *objections, *repairs, *sanctions)]
    return {
        "subject": subject, "records": records, "entries": entries, "objections": objections, "repairs": repairs,
        "sanctions": sanctions, "today": today, "overdue": _due_items([*objections, *repairs, *sanctions], today),
        "chart": periods_svg(_periods(records, entries, sanctions, today), today), "timeline": timeline(ids),
        "loops": loops(sanctions, today),
        "status_on": {str(i.id): item_status(i, today) for i in (*records, *entries)},  # NT-PCI-30, JY-20
        "persons": [(credit.subject(pid), role) for pid, role in subject.responsible_persons()],
        "information": [(item, services().profiles[item.policy_id].information[item.category].name_zh)
                        for item in credit.information_of(subject_id)],  # NT-PCI-9..13
    }
