"""The subject page shared by the staff: details, timeline, chart of effective periods, deadlines (HA-5.2 logged)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask.typing import ResponseReturnValue

from domain.errors import NotFound, RuleViolation
from web import forms
from web.access import needs_purpose, register_read, state_purpose, stated_purpose
from web.access_log_view import reads_page
from web.context import services
from web.government_options import file_page_options
from web.government_steps import form_field, run_step
from web.picker_search import search_subjects
from web.principal import current_principal
from web.roles import AUDITOR
from web.scope import check_subject
from web.subject_view import subject_view
from web.views.common import as_refusal, done
from web.worklists import current_views, page_number

bp = Blueprint("subjects", __name__, url_prefix="/subjects")


@bp.route("/", methods=["GET", "POST"])  # POST keeps the number out of URLs, logs and history (issue 17.8)
def find() -> ResponseReturnValue:
    """Find a subject by part of its name, a masked or full resident ID number or credit code (sent by POST, never
    in the URL); one match opens it, several are listed masked (HA-3.2) for the reader to choose (issue 16.1)."""
    q = request.form.get("q", "").strip() if request.method == "POST" else ""
    if not q:
        return render_template("subjects/find.html", q="", error=None, matches=None)
    try:
        return redirect(url_for("subjects.show", subject_id=UUID(q)))
    except ValueError:
        pass
    try:
        matches = search_subjects(q)
    except RuleViolation as exc:
        return render_template("subjects/find.html", q=q, error=RuleViolation(exc.rule_id, "q", exc.message),
                               matches=None), 422
    if not matches:
        error = RuleViolation("NT-PCI-15", "q", "no subject is registered under this number")
        return render_template("subjects/find.html", q=q, error=error, matches=None), 404
    if len(matches) == 1:
        return redirect(url_for("subjects.show", subject_id=matches[0]["id"]))
    return render_template("subjects/find.html", q=q, error=None, matches=matches)


@bp.get("/<uuid:subject_id>")
def show(subject_id: UUID) -> ResponseReturnValue:
    """Everything about a subject, archive included; the read is registered first (HA-5.2)."""
    services().credit.check_subject(subject_id)  # 404 before anything is registered
    check_subject(subject_id)  # out of the unit's scope: 404 too
    redirect_ = needs_purpose(subject_id)
    if redirect_ is not None:
        return redirect_
    register_read(subject_id, "subject page: records, lists, objections, repairs, sanctions")
    view: dict[str, Any] = subject_view(subject_id)
    reads = None
    if current_principal().role == AUDITOR:
        with current_views() as conn:  # the read registered above is on the first page (HA-5.2)
            reads = reads_page(conn, subject_id, page_number("reads_page"))
    return render_template("subjects/show.html", **view, stated=stated_purpose(subject_id),
                           reads=reads.items if reads else None, reads_page=reads)


@bp.route("/<uuid:subject_id>/purpose", methods=["GET", "POST"])
def purpose(subject_id: UUID) -> ResponseReturnValue:
    """Staff state purpose and basis before reading a subject (kept for the session, HA-5.2)."""
    services().credit.check_subject(subject_id)
    check_subject(subject_id)
    next_url = request.values.get("next", "")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = url_for("subjects.show", subject_id=subject_id)
    if request.method == "GET":
        return render_template("subjects/purpose.html", subject_id=subject_id, next_url=next_url, form={}, error=None)
    try:
        state_purpose(subject_id, forms.text("purpose", "HA-5.2"), forms.text("basis", "HA-5.2"))
    except RuleViolation as exc:
        return render_template("subjects/purpose.html", subject_id=subject_id, next_url=next_url,
                               form=request.form, error=exc), 422
    return redirect(next_url)


@bp.get("/<uuid:subject_id>/government")
def government(subject_id: UUID) -> ResponseReturnValue:
    """A government body's or civil servant's credit file, cases and award check (NT-GOV-2.2a, 2.4); HA-5.2 logged."""
    return government_page(subject_id)


def government_page(subject_id: UUID, error: RuleViolation | None = None, status: int = 200) -> ResponseReturnValue:
    """The file page, with the refusal of one of its forms at its field (the form's values kept)."""
    credit = services().credit
    subject = credit.subject(subject_id)
    if not subject.is_government:
        return redirect(url_for("subjects.show", subject_id=subject_id))
    check_subject(subject_id)
    redirect_ = needs_purpose(subject_id)
    if redirect_ is not None:
        return redirect_
    register_read(subject_id, "government credit file page (NT-GOV-2.2a)")
    file = credit.government_file(subject_id)
    today = credit.today()
    cases = {str(c.record_id): c for c in file["cases"]}
    barring = credit.award_barring_records(subject_id, today)  # the read above is registered (HA-5.2)
    return render_template("subjects/government.html", subject=subject, file=file, cases=cases, today=today,
                           barring=[str(i) for i in barring], stated=stated_purpose(subject_id),
                           steps={r: c.next_steps(today) for r, c in cases.items()},
                           form=request.form if error else {}, error=error, **file_page_options(subject)), status


@bp.post("/<uuid:subject_id>/government/case")
def government_case_step(subject_id: UUID) -> ResponseReturnValue:
    """A consequence step of a government dishonesty record (NT-GOV-2.4a, 2.5b): explanation, rectification order
    and completion, public criticism, the principal's accountability, self-correction; the step forms are offered
    by the case's own guards."""
    try:
        record_id = run_step(services().credit, current_principal().actor())
    except (RuleViolation, NotFound) as exc:
        error, status = as_refusal(exc)
        return government_page(subject_id, form_field(error, subject_id), status)
    done(_("Stored for the record"), record_id)
    return redirect(url_for("subjects.government", subject_id=subject_id))
