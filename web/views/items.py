"""One page per item (issue 16.2): a dishonesty record, an objection, a repair application or a sanction case with
its state, its signed history and a small form for each step its own state machine allows now and the logged-in
role may take; a step posts to the item's page, which answers a refusal with the field and the rule id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import NotFound, RuleViolation
from domain.objection import APPEAL_BODIES, GROUNDS, LIST_ENTRY
from domain.sanction import SanctionCase, applicable_measures
from domain.withdrawal import OUTCOMES
from web import forms
from web.access import STAFF_READERS, needs_purpose, register_read
from web.context import services
from web.errors import refuse
from web.history import steps_of
from web.item_steps import (OBJECTION_COMMANDS, OBJECTION_STEPS, RECORD_COMMANDS, RECORD_STEPS, REPAIR_COMMANDS,
                            REPAIR_STEPS, SANCTION_COMMANDS, SANCTION_STEPS, STEP_TITLES, Command, offered)
from web.loop_diagram import loop_svg
from web.names import local, measure_name, unit_name
from web.permissions import allowed
from web.principal import current_principal
from web.scope import may_read_case, visible_cases
from web.views.common import as_refusal, done

bp = Blueprint("items", __name__)
Context = Callable[[UUID], dict[str, Any]]


def _actor() -> Any:
    """The acting unit, so the steps offered are the ones this unit may take (None for a unit-less account)."""
    try:
        return current_principal().actor()
    except RuleViolation:
        return None


def _options(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """A closed list as (code, name in the page's language) for a select."""
    return [(code, _(code)) for code in codes]


def _subject(subject_id: UUID) -> dict[str, str]:
    """The subject's masked name and number (HA-3.2): the page names it without showing personal data."""
    return services().credit.subject(subject_id).masked()


def _record(record_id: UUID) -> dict[str, Any]:
    credit, today = services().credit, services().credit.today()
    record = credit.record(record_id)
    profile = services().profiles[record.policy_id]
    subject = credit.subject(record.subject_id)
    steps = offered(record.next_steps(profile, today, _actor()), RECORD_STEPS)
    cases = visible_cases(current_principal(), credit.sanctions_of(record.subject_id))
    pushed = {c.measure_id for c in cases if c.source_id == record.id and c.subject_id == subject.id}
    measures = [(m.id, f"{local(m)} → {unit_name(m.unit)}")
                for m in applicable_measures(profile, record.tier, subject.kind) if m.id not in pushed]  # HA-4.2: only measures listed for this tier and kind; JY-21: once each
    withdrawal = credit.withdrawal_of(record.id)
    steps = [s for s in steps if not (s == "push" and not measures)
             and not (s == "penalty_change" and withdrawal is not None)]  # NAT-APL-48: one change per penalty
    return {"item": record, "masked": subject.masked(), "steps": steps, "measures": measures,
            "withdrawal": withdrawal, "grounds_options": _options(GROUNDS), "outcome_options": _options(OUTCOMES),
            "objections": [o for o in credit.objections_of(record.subject_id) if o.record_id == record.id],
            "repairs": [r for r in credit.repairs_of(record.subject_id) if r.record_id == record.id],
            "sanctions": [c for c in cases if c.source_id == record.id]}


def _objection(objection_id: UUID) -> dict[str, Any]:
    credit = services().credit
    objection = credit.objection(objection_id)
    profile = services().profiles[objection.policy_id]
    target = url_for("office.list_entry", entry_id=objection.list_entry_id) if objection.target_kind == LIST_ENTRY \
        else url_for("items.record", record_id=objection.record_id)
    return {"item": objection, "masked": _subject(objection.subject_id), "target": target,
            "body_options": _options(APPEAL_BODIES),
            "steps": offered(objection.next_steps(profile, credit.today(), _actor()), OBJECTION_STEPS)}


def _repair(repair_id: UUID) -> dict[str, Any]:
    credit = services().credit
    repair = credit.repair(repair_id)
    profile = services().profiles[repair.policy_id]
    return {"item": repair, "masked": _subject(repair.subject_id),
            "steps": offered(repair.next_steps(profile, credit.today(), _actor()), REPAIR_STEPS)}


def _sanction(case_id: UUID) -> dict[str, Any]:
    credit = services().credit
    case: SanctionCase = credit.sanction(case_id)
    if not may_read_case(current_principal(), case):  # JY-21: a department reads only what was pushed to it
        raise NotFound("SanctionCase", str(case_id), "sanction_id")
    profile, today = services().profiles[case.policy_id], credit.today()
    heading = f"{measure_name(case.policy_id, case.measure_id)} → {unit_name(case.department)}"
    source = url_for("office.list_entry", entry_id=case.source_id) if case.source_kind == "list_entry" \
        else url_for("items.record", record_id=case.source_id)
    return {"item": case, "masked": _subject(case.subject_id), "loop": loop_svg(case, today, heading),
            "source": source, "overdue": case.overdue(today),
            "steps": offered(case.next_steps(profile, today, _actor()), SANCTION_STEPS)}


KINDS: dict[str, tuple[Context, str, Mapping[str, str], Mapping[str, Command], str]] = {
    # kind: (context, template, step → permission endpoint, step → command, rule id of a bad step name)
    "record": (_record, "items/record.html", RECORD_STEPS, RECORD_COMMANDS, "NT-PCI-15"),
    "objection": (_objection, "items/objection.html", OBJECTION_STEPS, OBJECTION_COMMANDS, "NT-PCI-32"),
    "repair": (_repair, "items/repair.html", REPAIR_STEPS, REPAIR_COMMANDS, "NT-PCI-35"),
    "sanction": (_sanction, "items/sanction.html", SANCTION_STEPS, SANCTION_COMMANDS, "JY-21"),
}


def _page(kind: str, item_id: UUID, error: RuleViolation | None = None, status: int = 200) -> ResponseReturnValue:
    """The item's page; after a refusal, the posted step's form again with the message at its field."""
    context, template = KINDS[kind][0], KINDS[kind][1]
    shown = context(item_id)
    subject_id = shown["item"].subject_id
    if current_principal().role in STAFF_READERS:  # HA-5.2: a non-public read states its purpose and is logged
        ask = needs_purpose(subject_id)
        if ask is not None:
            return ask
        if request.method == "GET":  # a refused step shows again what this read already registered
            register_read(subject_id, f"{kind} page: state, history and next steps")
    return render_template(template, **shown, history=steps_of(services().ledger, item_id),
                           form=request.form if error else {}, error=error,
                           posted=request.form.get("step") if error else None,
                           titles={step: _(title) for step, title in STEP_TITLES.items()}), status


def _step(kind: str, item_id: UUID) -> ResponseReturnValue:
    """Run the posted step on the item; redirect back to its page, or show the refusal there (nothing stored)."""
    _context, _template, table, commands, rule_id = KINDS[kind]
    try:
        step = forms.choice("step", tuple(commands), rule_id)
        if not allowed(table[step], current_principal().role):  # the same permission as the page that takes it
            return refuse(403, f"role {current_principal().role} may not take the step {step}", "role", "HA-5.2")
        commands[step](services().credit, current_principal().actor(), item_id)
    except (RuleViolation, NotFound) as exc:
        return _page(kind, item_id, *as_refusal(exc))
    done(_("Stored:"), _(STEP_TITLES[step]))
    return redirect(url_for(f"items.{kind}", **{f"{kind}_id": item_id}))


@bp.get("/records/<uuid:record_id>")
def record(record_id: UUID) -> ResponseReturnValue:
    """A dishonesty record: state, effective period, behaviour, determining unit, basis, history, next steps."""
    return _page("record", record_id)


@bp.post("/records/<uuid:record_id>")
def record_step(record_id: UUID) -> ResponseReturnValue:
    """Object (NT-PCI-31), apply for repair (NT-PCI-34), push a measure (JY-21), submit (LYG-4), revoke (JY-24) or
    register a penalty change (NAT-APL-48) from the record's page."""
    return _step("record", record_id)


@bp.get("/objections/<uuid:objection_id>")
def objection(objection_id: UUID) -> ResponseReturnValue:
    """An objection: grounds, statement, deadlines, status, history and next steps (NT-PCI-31..33)."""
    return _page("objection", objection_id)


@bp.post("/objections/<uuid:objection_id>")
def objection_step(objection_id: UUID) -> ResponseReturnValue:
    """Refer, verify, decide, correct (NT-PCI-32) or appeal (NT-PCI-33) from the objection's page."""
    return _step("objection", objection_id)


@bp.get("/repairs/<uuid:repair_id>")
def repair(repair_id: UUID) -> ResponseReturnValue:
    """A repair application: conditions, opinion, publicity, decision, history and next steps (NT-PCI-34/35)."""
    return _page("repair", repair_id)


@bp.post("/repairs/<uuid:repair_id>")
def repair_step(repair_id: UUID) -> ResponseReturnValue:
    """Review (CS-2.7), give the opinion, register or verify a publicity objection, approve or refuse (NT-PCI-35)."""
    return _step("repair", repair_id)


@bp.get("/sanctions/<uuid:sanction_id>")
def sanction(sanction_id: UUID) -> ResponseReturnValue:
    """A joint-sanction case: department, measure, the closed loop drawn, history and next steps (JY-21)."""
    return _page("sanction", sanction_id)


@bp.post("/sanctions/<uuid:sanction_id>")
def sanction_step(sanction_id: UUID) -> ResponseReturnValue:
    """The department's and the credit office's steps of the loop (JY-21, CS-2.6, CS-2.7, JY-17)."""
    return _step("sanction", sanction_id)
