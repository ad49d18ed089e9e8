"""The award check for award and promotion staff (NT-GOV-2.4a/b): may this body or civil servant receive an award
or honour on a day? Chosen by name from the registered ones; the answer names the records that bar it; registered
as a read like the API's (HA-5.2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from domain.errors import NotFound, RuleViolation
from web import forms
from web.context import services
from web.evaluations import body_options
from web.government_options import servant_label, servants
from web.principal import current_principal
from web.scope import check_subject
from web.views.common import as_refusal

bp = Blueprint("award_check", __name__, url_prefix="/government/award")


def _choices(q: str) -> list[tuple[str, str]]:
    """Bodies and civil servants ('name · post · body'), narrowed to those whose label contains `q`."""
    svc = services()
    bodies = body_options(svc.ledger, svc.engine)
    names = dict(bodies)
    found = [(str(s.id), servant_label(s, names)) for s in servants()] + bodies
    return [(key, label) for key, label in found if q in label]


def _answer() -> dict[str, Any]:
    """Ask `may_receive_award` (a registered read) and collect the barring records with their cases."""
    credit = services().credit
    subject_id = forms.ident("subject_id", "NT-GOV-2.4b")
    day = forms.required_day("day", "NT-GOV-2.4b")
    subject = credit.subject(subject_id)
    check_subject(subject_id)
    answer = credit.may_receive_award(current_principal().actor(), subject_id=subject_id, day=day,
                                      purpose=forms.text("purpose", "HA-5.2"), basis=forms.text("basis", "HA-5.2"),
                                      channel="web")
    barring = {str(i) for i in answer.barring_record_ids}
    records = [r for r in credit.government_file(subject_id)["records"] if str(r.id) in barring]
    return {"answer": answer, "subject": subject, "records": records,
            "cases": {str(r.id): credit.government_case(r.id) for r in records}}


@bp.route("/", methods=["GET", "POST"])
def check() -> ResponseReturnValue:
    """GET: the form; POST 'search' narrows the choice by name; POST 'check' answers and registers the read."""
    q = (request.form.get("q") or "").strip() if request.method == "POST" else ""
    context: dict[str, Any] = {"form": request.form if request.method == "POST" else {}, "error": None, "q": q,
                               "today": services().credit.today()}
    if request.method == "POST" and request.form.get("action") == "check":
        try:
            context.update(_answer())
        except (RuleViolation, NotFound) as exc:
            context["error"], status = as_refusal(exc)
            return render_template("government/award.html", choices=_choices(q), **context), status
    return render_template("government/award.html", choices=_choices(q), **context)
