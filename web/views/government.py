"""Recording government integrity (NT-GOV-2.2a/b): register government bodies and civil servants and record a
government dishonesty record, choosing bodies from the registered ones (nothing typed but the facts)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.policy_model import LEVELS
from web import forms
from web.context import services
from web.evaluations import body_options
from web.names import local
from web.principal import current_principal
from web.views.common import done, form_page

bp = Blueprint("government", __name__, url_prefix="/government")
PROFILE = "NT"  # the only profile with a government-integrity text (the Nantong seed's first text)
STEPS = ("body", "civil_servant", "record")


def _options() -> dict[str, Any]:
    """The choices the forms offer, named in the page's language: bodies, levels, source kinds, behaviours, tiers."""
    svc = services()
    profile = svc.profiles[PROFILE]
    kinds = profile.to_content().get("government", {}).get("source_kinds", {})
    return {"bodies": body_options(svc.ledger, svc.engine), "levels": [(level, _(level)) for level in LEVELS],
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
            credit.record_government_dishonesty(
                actor, profile_id=PROFILE, subject_id=subject_id,
                source_kind=forms.text("source_kind", "NT-GOV-2.2b"),
                document={**forms.document("document", "NT-GOV-2.2b"),
                          "issuer": forms.text("document_issuer", "NT-GOV-2.2b")},
                behaviour_code=forms.text("behaviour_code", "NT-GOV-2.2b"), tier=forms.text("tier", "NT-PCI-15"),
                act_date=forms.required_day("act_date", "NT-GOV-2.2b"),
                determination_date=forms.required_day("determination_date", "NT-GOV-2.2b"),
                summary=forms.optional_text("summary") or "")
        done(_("Stored for the subject"), subject_id)
        return redirect(url_for("subjects.government", subject_id=subject_id))
    return form_page("government/record.html", run, **_options())
