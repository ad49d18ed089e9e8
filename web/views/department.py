"""Sanction departments: the inbox of pushed measures and lifts; acknowledge, apply with the business case or
decline with the reason, feed back, confirm lifts (JY-21, CS-2.6, CS-2.7)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import NotFound, RuleViolation
from projections.worklists import masked_subjects
from web import forms
from web.context import services
from web.form_errors import collected
from web.principal import current_principal
from web.views.common import as_refusal, done
from web.worklists import current_views, sanction_rows, unit_page

bp = Blueprint("department", __name__, url_prefix="/department")
STEPS = ("acknowledge", "apply", "decline", "feed_back", "confirm_lift")


def _inbox(error: RuleViolation | None = None, status: int = 200) -> ResponseReturnValue:
    today = services().credit.today()
    page = sanction_rows(unit_page("sanctions", current_principal().unit))
    with current_views() as conn:
        masked = masked_subjects(conn, [c["subject_id"] for c in page.items])  # HA-3.2
    overdue = {c["id"] for c in page.items if any(s["due"] and s["due"] < today for s in c["steps"])}  # JY-21
    return render_template("department/inbox.html", cases=page.items, page=page, masked=masked, overdue=overdue,
                           error=error, form=request.form if error else {}), status


@bp.get("/inbox")
def inbox() -> ResponseReturnValue:
    """Open cases pushed to this department, each with its next step (overdue ones highlighted)."""
    return _inbox()


def _step() -> Any:
    credit, actor = services().credit, current_principal().actor()
    step = forms.choice("step", STEPS, "JY-21")
    case_id = forms.ident("sanction_id", "JY-21")
    if step == "acknowledge":
        return credit.acknowledge_sanction(actor, sanction_id=case_id,
                                           acknowledged_on=forms.required_day("acknowledged_on", "JY-21"))
    if step == "apply":
        case = {"number": forms.text("case_number", "CS-2.6"), "date": forms.required_day("case_date", "CS-2.6"),
                "description": forms.text("case_description", "CS-2.6")}
        return credit.apply_sanction(actor, sanction_id=case_id, case=case)
    if step == "decline":  # JY-21: acknowledged, decided not to apply, with the reason
        return credit.decline_sanction(actor, sanction_id=case_id, reason=forms.text("decline_reason", "JY-21"),
                                       declined_on=forms.required_day("declined_on", "JY-21"))
    if step == "feed_back":
        return credit.feed_back_sanction(actor, sanction_id=case_id, report=forms.text("report", "CS-2.6"),
                                         fed_back_on=forms.required_day("fed_back_on", "CS-2.6"))
    return credit.confirm_lift(actor, sanction_id=case_id, confirmed_on=forms.required_day("confirmed_on", "CS-2.7"))


@bp.post("/inbox")
def step() -> ResponseReturnValue:
    """Take the next step of a case; a refusal shows the inbox again with the message at the field."""
    try:
        case_id = collected(_step)  # every bad field at once (issue 16.3)
    except (RuleViolation, NotFound) as exc:
        return _inbox(*as_refusal(exc))
    done(_("Stored for case"), case_id)
    return redirect(url_for("department.inbox"))
