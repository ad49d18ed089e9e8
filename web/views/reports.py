"""The credit office's periodic work: the expiry sweep (NT-PCI-30, LYG-18), monthly list reports (NT-PCI-17),
the upward push of serious entries (JY-22) and the quarterly circular (NT-JRP-Q)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import NotFound
from web import forms
from web.circulars import produce_circular, reproduce_circular
from web.evaluations import body_options, produce_evaluation, reproduce_evaluation, year_of
from web.context import services
from web.list_reports import due_entries_page, reports_due, upward_page
from web.principal import current_principal
from web.view_labels import entry_labels
from web.views.common import default_profile, done, form_page

bp = Blueprint("reports", __name__, url_prefix="/office/reports")


def _kind_of(item_id: UUID) -> dict[str, Any]:
    """What an expired id is: a record or a list entry, with its subject."""
    credit = services().credit
    try:
        record = credit.record(item_id)
        return {"id": item_id, "kind": "record", "subject_id": record.subject_id, "what": record.behaviour_code}
    except NotFound:
        entry = credit.list_entry(item_id)
        return {"id": item_id, "kind": "list_entry", "subject_id": entry.subject_id, "what": entry.list_code}


@bp.route("/sweep", methods=["GET", "POST"])
def sweep() -> ResponseReturnValue:
    """Record the expiry of everything whose validity ended and push the lifts; shows what expired."""
    credit = services().credit
    if request.method == "GET":
        return render_template("reports/sweep.html", expired=None, today=credit.today())
    expired = [_kind_of(i) for i in credit.sweep(current_principal().actor())]
    return render_template("reports/sweep.html", expired=expired, today=credit.today())


@bp.route("/lists", methods=["GET", "POST"])
def lists() -> ResponseReturnValue:
    """Monthly reports of confirmed red/black entries: what is due and late, and the form to report (NT-PCI-17)."""
    def run() -> ResponseReturnValue:
        report_id = services().credit.report_list_entries(
            current_principal().actor(), profile_id=forms.choice("profile_id", services().profiles, "NT-PCI-17"),
            period=forms.text("period", "NT-PCI-17"), list_entry_ids=forms.ids("list_entry_ids", "NT-PCI-17"),
            reported_on=forms.required_day("reported_on", "NT-PCI-17"))
        done(_("Monthly list report stored:"), report_id)
        return redirect(url_for("reports.lists"))
    due = reports_due()  # from the views (issue 16)
    page = due_entries_page(due)  # only this page's entries are labelled and offered
    labels = entry_labels(page.items)
    return form_page("reports/lists.html", run, due=due, page=page, labels=labels,
                     choices=[(i, labels[i]) for i in page.items], profiles=services().profiles,
                     default_profile=default_profile())


@bp.route("/upward", methods=["GET", "POST"])
def upward() -> ResponseReturnValue:
    """Confirmed serious entries not yet pushed to every upper-level system, and the push (JY-22)."""
    def run() -> ResponseReturnValue:
        systems = request.form.get("systems", "").replace(",", " ").split() or None
        entry_id = services().credit.push_upward(
            current_principal().actor(), list_entry_id=forms.ident("list_entry_id", "JY-22"),
            pushed_on=forms.required_day("pushed_on", "JY-22"), systems=systems)
        done(_("Pushed upward:"), entry_id)
        return redirect(url_for("reports.upward"))
    page = upward_page()  # from the views, one page (issue 16)
    labels = entry_labels(p["list_entry_id"] for p in page.items)
    return form_page("reports/upward.html", run, pending=page.items, page=page, labels=labels,
                     choices=[(p["list_entry_id"], labels[p["list_entry_id"]]) for p in page.items])


@bp.route("/circular", methods=["GET", "POST"])
def circular() -> ResponseReturnValue:
    """Issue the quarterly circular (NT-JRP-Q) or show an issued one, recomputed at its log position."""
    svc = services()

    def run() -> ResponseReturnValue:
        profile_id = forms.choice("profile_id", svc.profiles, "NT-JRP-Q")
        period = forms.text("period", "NT-JRP-Q")
        if request.form.get("step") == "show":
            shown = reproduce_circular(svc.ledger, svc.engine, svc.credit, profile_id, period)
            return render_template("reports/circular.html", form=request.form, error=None, shown=shown,
                                   profiles=_profile_options())
        circular_id = produce_circular(svc.ledger, svc.engine, svc.credit, current_principal().actor(),
                                       profile_id=profile_id, period=period,
                                       issued_on=forms.required_day("issued_on", "NT-JRP-Q"))
        done(_("Quarterly circular issued:"), circular_id)
        return redirect(url_for("reports.circular"))
    return form_page("reports/circular.html", run, shown=None, profiles=_profile_options())


def _profile_options() -> list[tuple[str, str]]:
    return [(pid, profile.label) for pid, profile in sorted(services().profiles.items())]


@bp.route("/evaluation", methods=["GET", "POST"])
def evaluation() -> ResponseReturnValue:
    """Issue the yearly government-integrity evaluation (NT-GOV-4.1) or show an issued one, printable."""
    svc = services()

    def run() -> ResponseReturnValue:
        profile_id = forms.choice("profile_id", svc.profiles, "NT-GOV-4.1")
        evaluator_id = forms.ident("evaluator_id", "NT-GOV-4.1")
        year = year_of(forms.text("year", "NT-GOV-4.1"))
        if request.form.get("step") == "show":
            shown = reproduce_evaluation(svc.ledger, svc.engine, svc.credit, profile_id, evaluator_id, year)
            return render_template("reports/evaluation.html", form=request.form, error=None, shown=shown,
                                   profiles=_profile_options(), bodies=body_options(svc.ledger, svc.engine))
        evaluation_id = produce_evaluation(svc.ledger, svc.engine, svc.credit, current_principal().actor(),
                                           profile_id=profile_id, evaluator_id=evaluator_id, year=year,
                                           issued_on=forms.required_day("issued_on", "NT-GOV-4.1"))
        done(_("Government integrity evaluation issued:"), evaluation_id)
        return redirect(url_for("reports.evaluation"))
    return form_page("reports/evaluation.html", run, shown=None, profiles=_profile_options(),
                     bodies=body_options(svc.ledger, svc.engine))
