"""The credit office: dashboard of deadlines, lists (draft → publicity → confirm → exit → announce),
pushing sanctions and lifts, reviewing feedback, filing and referring objections, repair applications."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import NotFound, RuleViolation
from web import forms
from web.access import needs_purpose, register_read
from web.context import services
from web.form_documents import ROWS, with_documents
from web.form_errors import collected
from web.history import steps_of
from web.names import local, unit_name
from web.principal import current_principal
from web.views.common import as_refusal, default_profile, done, form_page
from web.view_labels import masked_names
from web.office_dashboard import awaiting_rows, overdue_rectifications, overdue_rows, overdue_sanctions
from web.worklists import (government_records, lifts_due, objection_rows, open_count, open_page, records_to_submit,
                           repair_rows, sanction_rows)

bp = Blueprint("office", __name__, url_prefix="/office")
LIST_STEPS = ("notice", "publicise", "confirm", "exit", "announce")
GROUNDS = ("wrong_or_incomplete", "forbidden_information", "beyond_validity")


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    """Deadlines and overdue work (NT-PCI-32, JY-21, CS-2.7), lifts not yet pushed (JY-17), records the aggregator
    has not submitted (LYG-4), expiries awaiting the sweep (NT-PCI-30)."""
    credit = services().credit
    counts = {name: open_count(name) for name in ("records", "list_entries", "objections", "repairs", "sanctions")}
    fed_back = sanction_rows(open_page("sanctions", 1, status="fed_back")).items  # the oldest page (CS-2.6)
    to_submit = records_to_submit(1)  # LYG-4: the oldest page and the count
    today = credit.today()
    return render_template("office/dashboard.html", overdue=overdue_rows(today), counts=counts, fed_back=fed_back,
                           rectifications=overdue_rectifications(credit, government_records()),  # NT-GOV-2.4a
                           today=today, awaiting=awaiting_rows(today),
                           swept_today=credit.swept_on(credit.today()),
                           lifts_due=lifts_due(current_principal().unit),  # JY-17, CS-2.7
                           to_submit=to_submit.items, to_submit_total=to_submit.total)


def _lists_page(error: RuleViolation | None = None, status: int = 200) -> ResponseReturnValue:
    page = open_page("list_entries")
    return render_template("office/lists.html", entries=page.items, page=page, profiles=services().profiles,
                           names=masked_names(e["subject_id"] for e in page.items),  # HA-3.2, from the views
                           default_profile=default_profile(), form=request.form if error else {},
                           error=error), status


@bp.route("/lists", methods=["GET", "POST"])
def lists() -> ResponseReturnValue:
    """Open list entries with their next steps; POST drafts a new entry (JY-6, JY-6.1 cross-check)."""
    if request.method == "GET":
        return _lists_page()
    return _run_list_command(_draft)


def _draft() -> Any:
    return services().credit.draft_list_entry(
        current_principal().actor(), profile_id=forms.choice("profile_id", services().profiles, "JY-16"),
        subject_id=forms.ident("subject_id", "JY-6"), list_code=forms.text("list_code", "JY-6"),
        list_field=forms.optional_text("list_field"), record_ids=forms.ids("record_ids", "JY-6"),
        drafted_on=forms.required_day("drafted_on", "JY-6"), reason=forms.text("reason", "JY-6"))


def _run_list_command(command: Any) -> ResponseReturnValue:
    back = request.form.get("back") == "entry"  # posted from the entry's own page: answer there
    try:
        entry_id = collected(command)  # every bad field at once (issue 16.3)
    except (RuleViolation, NotFound) as exc:
        if back:
            return _entry_page(forms.ident("list_entry_id", "JY-6"), *as_refusal(exc))
        return _lists_page(*as_refusal(exc))
    done(_("List entry stored:"), entry_id)
    return redirect(url_for("office.list_entry", entry_id=entry_id) if back else url_for("office.lists"))


def _entry_page(entry_id: UUID, error: RuleViolation | None = None, status: int = 200) -> ResponseReturnValue:
    """One entry: state, signed history and the forms of the steps its procedure allows today (issue 16.2)."""
    svc = services()
    entry = svc.credit.list_entry(entry_id)
    ask = needs_purpose(entry.subject_id)  # HA-5.2: a non-public read states its purpose and is logged
    if ask is not None:
        return ask
    if request.method == "GET":
        register_read(entry.subject_id, "list entry page: state, history and next steps")
    profile = svc.credit.rules_on(entry.policy_id, svc.credit.today())  # issue 15.9: the rules of today
    return render_template("office/list_entry.html", entry=entry, rule=profile.list_rule(entry.list_code),
                           steps=entry.next_steps(profile, svc.credit.today()),
                           history=steps_of(svc.ledger, entry.id), masked=svc.credit.subject(entry.subject_id).masked(),
                           form=request.form if error else {}, error=error), status


@bp.get("/lists/<uuid:entry_id>")
def list_entry(entry_id: UUID) -> ResponseReturnValue:
    """A list entry's page: what it is, what happened to it, and only its allowed next steps (issue 16.2)."""
    return _entry_page(entry_id)


def _list_step() -> Any:
    credit, actor = services().credit, current_principal().actor()
    step = forms.choice("step", LIST_STEPS, "JY-6")
    entry_id = forms.ident("list_entry_id", "JY-6")
    if step == "notice":
        return credit.give_prior_notice(actor, list_entry_id=entry_id,
                                        notice_on=forms.required_day("notice_on", "HA-4.1"),
                                        content=forms.text("content", "HA-4.1"))
    if step == "publicise":
        return credit.publicise_list_entry(actor, list_entry_id=entry_id, channel=forms.text("channel", "JY-6.1"),
                                           start=forms.required_day("start", "JY-6.1"),
                                           end=forms.day("end", "JY-6.1", required=False))
    if step == "confirm":
        decision = forms.document("decision", "JY-6.2") if forms.optional_text("decision_number") else None
        return credit.confirm_list_entry(actor, list_entry_id=entry_id, decision=decision,
                                         confirmed_on=forms.required_day("confirmed_on", "JY-6.2"))
    if step == "exit":
        return credit.exit_list_entry(actor, list_entry_id=entry_id, reason=forms.text("reason", "JY-17"),
                                      exited_on=forms.required_day("exited_on", "JY-17"))
    return credit.announce_exit(actor, list_entry_id=entry_id, channel=forms.text("channel", "JY-17"),
                                announced_on=forms.required_day("announced_on", "JY-17"))


@bp.post("/lists/step")
def list_step() -> ResponseReturnValue:
    """Publicise, confirm (with the decision document), exit or announce the exit of an entry."""
    return _run_list_command(_list_step)


def _measures() -> list[tuple[str, str]]:
    """The measures offered today: each profile's version in force today (issue 15.9), named in the page language."""
    credit = services().credit
    return [(m.id, f"{m.id} {local(m)} → {unit_name(m.unit)}") for pid in services().profiles
            for m in credit.rules_on(pid, credit.today()).measures.values()]


@bp.route("/sanctions", methods=["GET", "POST"])
def sanctions() -> ResponseReturnValue:
    """Push a measure (HA-4.2, JY-21) or a lift (JY-17, CS-2.7), withdraw a push never applied, end every case whose
    basis left force; review the departments' feedback (CS-2.6)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        step = forms.choice("step", ("push", "lift", "withdraw", "due_lifts"), "JY-21")
        if step == "due_lifts":  # JY-17, CS-2.7: lift where applied, withdraw the rest
            ended = credit.push_due_lifts(actor, reason=forms.text("due_reason", "JY-17"),
                                          pushed_on=forms.required_day("due_pushed_on", "JY-17"))
            done(_("Cases ended:"), len(ended))
        elif step == "withdraw":
            done(_("Push withdrawn:"), credit.withdraw_sanction(
                actor, sanction_id=forms.ident("withdraw_id", "JY-17"), reason=forms.text("withdraw_reason", "JY-17"),
                withdrawn_on=forms.required_day("withdrawn_on", "JY-17")))
        elif step == "push":
            case_id = credit.push_sanction(actor, source_id=forms.ident("source_id", "JY-21"),
                                           measure_id=forms.text("measure_id", "HA-4.2"),
                                           pushed_on=forms.required_day("pushed_on", "JY-21"))
            done(_("Sanction pushed:"), case_id)
        else:
            case_id = credit.push_lift(actor, sanction_id=forms.ident("sanction_id", "JY-17"),
                                       reason=forms.text("reason", "JY-17"),
                                       pushed_on=forms.required_day("lift_pushed_on", "JY-17"))
            done(_("Lift pushed:"), case_id)
        return redirect(url_for("office.sanctions"))
    page = sanction_rows(open_page("sanctions"))
    overdue = overdue_sanctions(services().credit.today(), [c["id"] for c in page.items])  # JY-21, from the views
    due = lifts_due(current_principal().unit)
    names = masked_names([c["subject_id"] for c in page.items] + [d["subject_id"] for d in due])  # HA-3.2
    return form_page("office/sanctions.html", run, cases=page.items, page=page, measures=_measures(),
                     overdue=overdue, lifts_due=due, names=names)


@bp.route("/objections", methods=["GET", "POST"])
def objection_file() -> ResponseReturnValue:
    """File an objection for a subject (NT-PCI-31) or refer it to the provider (NT-PCI-32)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        if forms.choice("step", ("file", "refer"), "NT-PCI-31") == "file":
            objection_id = with_documents(lambda documents: credit.file_objection(
                actor, record_id=forms.ident("record_id", "NT-PCI-31"), grounds=forms.choice("grounds", GROUNDS, "NT-PCI-31"),
                statement=forms.text("statement", "NT-PCI-31"), filed_on=forms.required_day("filed_on", "NT-PCI-31"),
                documents=documents))
            done(_("Objection filed:"), objection_id)
        else:
            objection_id = credit.refer_objection(actor, objection_id=forms.ident("objection_id", "NT-PCI-32"),
                                                  referred_on=forms.required_day("referred_on", "NT-PCI-32"))
            done(_("Objection referred:"), objection_id)
        return redirect(url_for("office.objection_file"))
    page = objection_rows(open_page("objections"))
    return form_page("office/objections.html", run, items=page.items, page=page, grounds=GROUNDS, row_count=ROWS)


@bp.route("/repairs", methods=["GET", "POST"])
def repair_apply() -> ResponseReturnValue:
    """Register a repair application for a record (NT-PCI-34, JY-23)."""
    def run() -> ResponseReturnValue:
        commitment = forms.document("commitment", "NT-PCI-34", with_text=True) \
            if forms.optional_text("commitment_number") else None
        service = [line.strip() for line in forms.text("public_service", "JY-23", required=False).splitlines()
                   if line.strip()]
        repair_id = services().credit.apply_for_repair(
            current_principal().actor(), record_id=forms.ident("record_id", "NT-PCI-34"),
            applied_on=forms.required_day("applied_on", "NT-PCI-34"),
            corrected_on=forms.day("corrected_on", "NT-PCI-34", required=False), commitment=commitment,
            public_service=service)
        done(_("Repair application registered:"), repair_id)
        return redirect(url_for("office.repair_apply"))
    page = repair_rows(open_page("repairs"))
    return form_page("office/repairs.html", run, items=page.items, page=page)
