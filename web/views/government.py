"""Recording government integrity (NT-GOV-2.2a/b/c/d): register government bodies and civil servants, record a
government dishonesty record, choosing bodies from the registered ones (nothing typed but the facts); file entries
and fault-tolerance determinations from the subject's file page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.actor import Actor
from domain.errors import NotFound, RuleViolation
from domain.policy_model import LEVELS
from domain.service import CreditService
from web import forms
from web.context import services
from web.evaluations import body_options
from web.names import local
from web.principal import current_principal
from web.government_options import servant_label, servants
from web.government_steps import form_field
from web.views.common import as_refusal, done, form_page
from web.views.subjects import government_page

bp = Blueprint("government", __name__, url_prefix="/government")
PROFILE = "NT"  # the only profile with a government-integrity text (the Nantong seed's first text)
STEPS = ("body", "civil_servant", "record")


def _options() -> dict[str, Any]:
    """The choices the forms offer, named in the page's language: bodies (and civil servants, for a record), levels,
    source kinds, behaviours, tiers."""
    svc = services()
    profile = svc.profiles[PROFILE]
    kinds = profile.to_content().get("government", {}).get("source_kinds", {})
    bodies = body_options(svc.ledger, svc.engine)
    names = dict(bodies)
    people = [(str(s.id), servant_label(s, names)) for s in servants()]
    return {"bodies": bodies, "record_subjects": bodies + people, "levels": [(level, _(level)) for level in LEVELS],
            "source_kinds": [(kind, _(kind)) for kind in kinds],
            "behaviours": [(code, local(b)) for code, b in profile.behaviours.items() if code.startswith("NT-GOV")],
            "tiers": [(tier, _(tier)) for tier in profile.tiers]}


@bp.route("/", methods=["GET", "POST"])
def record() -> ResponseReturnValue:
    """Register a body or a civil servant, or record a government dishonesty record (NT-GOV-2.2a/b)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        step = forms.choice("step", STEPS, "NT-GOV-2.2a")
        if step == "body":
            superior = forms.optional_text("superior_id")
            subject_id = credit.register_government_body(
                actor, profile_id=PROFILE, name=forms.text("name", "NT-GOV-2.2a"),
                uscc=forms.text("uscc", "NT-GOV-2.2a"), level=forms.choice("level", LEVELS, "NT-GOV-2.2a"),
                superior_id=forms.ident("superior_id", "NT-GOV-2.2a") if superior else None,
                unit=forms.optional_text("unit"))
        elif step == "civil_servant":
            subject_id = credit.register_civil_servant(
                actor, profile_id=PROFILE, name=forms.text("name", "NT-GOV-2.2a"),
                id_number=forms.text("id_number", "NT-PCI-15"),
                employer_id=forms.ident("employer_id", "NT-GOV-2.2a"), post=forms.text("post", "NT-GOV-2.2a"))
        else:
            subject_id = forms.ident("subject_id", "NT-GOV-2.2b")
            _record(credit, actor, subject_id)
        done(_("Stored for the subject"), subject_id)
        return redirect(url_for("subjects.government", subject_id=subject_id))
    return form_page("government/record.html", run, **_options())


def _record(credit: CreditService, actor: Actor, subject_id: UUID) -> None:
    """NT-GOV-2.2b: the record with its source and document; a fault-tolerance refusal cites the determination."""
    try:
        credit.record_government_dishonesty(
            actor, profile_id=PROFILE, subject_id=subject_id,
            source_kind=forms.text("source_kind", "NT-GOV-2.2b"),
            document={**forms.document("document", "NT-GOV-2.2b"),
                      "issuer": forms.text("document_issuer", "NT-GOV-2.2b")},
            behaviour_code=forms.text("behaviour_code", "NT-GOV-2.2b"), tier=forms.text("tier", "NT-PCI-15"),
            act_date=forms.required_day("act_date", "NT-GOV-2.2b"),
            determination_date=forms.required_day("determination_date", "NT-GOV-2.2b"),
            summary=forms.optional_text("summary") or "")
    except RuleViolation as exc:
        raise form_field(exc, subject_id) from exc


def _file_step(subject_id: UUID, command: Callable[[], object], message: str) -> ResponseReturnValue:
    """Run a command of the file page; a refusal re-shows the page with the message at its field."""
    try:
        command()
    except (RuleViolation, NotFound) as exc:
        error, status = as_refusal(exc)
        return government_page(subject_id, form_field(error, subject_id), status)
    done(message)
    return redirect(url_for("subjects.government", subject_id=subject_id))


@bp.post("/<uuid:subject_id>/entry")
def file_entry(subject_id: UUID) -> ResponseReturnValue:
    """NT-GOV-2.2a/d: an entry of the subject's government-affairs credit file, positive ones first-class."""
    def command() -> object:
        year = forms.optional_text("year")
        if year is not None and not year.isdigit():
            raise RuleViolation("NT-GOV-2.2a", "year", f"year {year!r} is not a calendar year (YYYY)")
        return services().credit.record_file_entry(
            current_principal().actor(), profile_id=PROFILE, subject_id=subject_id,
            category=forms.text("category", "NT-GOV-2.2a"), polarity=forms.text("polarity", "NT-GOV-2.2a"),
            document=forms.document("document", "NT-GOV-2.2a"), summary=forms.text("summary", "NT-GOV-2.2a"),
            year=int(year) if year else None, result=forms.optional_text("result"))
    return _file_step(subject_id, command, _("Entry stored in the credit file"))


@bp.post("/<uuid:subject_id>/fault-tolerance")
def fault_tolerance(subject_id: UUID) -> ResponseReturnValue:
    """NT-GOV-2.2c: the competent body keeps its fault-tolerance determination; the case is never recorded."""
    def command() -> object:
        return services().credit.determine_fault_tolerance(
            current_principal().actor(), profile_id=PROFILE, subject_id=subject_id,
            case_number=forms.text("case_number", "NT-GOV-2.2c"), document=forms.document("document", "NT-GOV-2.2c"),
            reason=forms.text("reason", "NT-GOV-2.2c"))
    return _file_step(subject_id, command, _("Fault-tolerance determination kept"))
