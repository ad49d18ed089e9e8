"""Case work of recording units and the credit office: escalation (LYG-9/12), erroneous revocation with the
written apology (JY-24), CS-2.2 points, responsible persons (NT-PCI-10/29, CS-2.1), appeals and list-entry
objections (NT-PCI-33, JY-6.1)."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import RuleViolation
from domain.objection import APPEAL_BODIES, GROUNDS
from domain.subject import LINK_ROLES
from web import forms
from web.context import services
from web.form_documents import ROWS, with_documents
from web.principal import current_principal
from web.views.common import done, form_page

bp = Blueprint("casework", __name__, url_prefix="/casework")
RESPONSIBLE_ROLES = LINK_ROLES  # NT-PCI-10: senior managers too; NT-PCI-29 derivation skips them


def _whole_number(name: str, rule: str) -> int:
    """A positive whole number (points)."""
    raw = forms.text(name, rule)
    if not raw.isdigit() or int(raw) <= 0:
        raise RuleViolation(rule, name, f"{name} {raw!r} is not a positive whole number")
    return int(raw)


@bp.route("/escalate", methods=["GET", "POST"])
def escalate() -> ResponseReturnValue:
    """Escalate a record to a more serious tier with its new basis (LYG-9, LYG-12), by the determining unit."""
    def run() -> ResponseReturnValue:
        record_id = services().credit.escalate(
            current_principal().actor(), record_id=forms.ident("record_id", "LYG-9"),
            behaviour_code=forms.text("behaviour_code", "LYG-9"),
            determination_date=forms.required_day("determination_date", "LYG-12"),
            basis=forms.document("basis", "HA-2.2", kind=True), reason=forms.text("reason", "LYG-9"))
        done(_("Record escalated:"), record_id)
        return redirect(url_for("casework.escalate"))
    return form_page("casework/escalate.html", run)


@bp.route("/revoke", methods=["GET", "POST"])
def revoke() -> ResponseReturnValue:
    """Revoke an erroneous record or listing: written apology (black), benefits recovered (red) (JY-24)."""
    def run() -> ResponseReturnValue:
        apology = forms.document("apology", "JY-24", with_text=True) if forms.optional_text("apology_number") \
            else None
        target = services().credit.revoke_erroneous(
            current_principal().actor(), target_id=forms.ident("target_id", "JY-24"),
            reason=forms.text("reason", "JY-24"), revoked_on=forms.required_day("revoked_on", "JY-24"),
            apology=apology, benefits_recovered=forms.optional_text("benefits_recovered"))
        done(_("Revoked as erroneous:"), target)
        return redirect(url_for("casework.revoke"))
    return form_page("casework/revoke.html", run)


@bp.route("/points", methods=["GET", "POST"])
def points() -> ResponseReturnValue:
    """CS-2.2 dishonesty points: the enforcement bureaus add them, the urban-management office grades."""
    profiles = services().profiles

    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        profile_id = forms.choice("profile_id", profiles, "CS-2.2")
        subject_id = forms.ident("subject_id", "CS-2.2")
        behaviour = forms.optional_text("behaviour_code")
        if forms.choice("step", ("add", "grade"), "CS-2.2") == "add":
            account = credit.add_points(actor, profile_id=profile_id, subject_id=subject_id,
                                        points=_whole_number("points", "CS-2.2"), reason=forms.text("reason", "CS-2.2"),
                                        act_date=forms.required_day("act_date", "CS-2.2"),
                                        basis=forms.document("basis", "HA-2.2", kind=True), behaviour_code=behaviour)
            done(_("Points added to account"), account)
        else:
            account = credit.grade_points(actor, profile_id=profile_id, subject_id=subject_id,
                                          grade=forms.text("grade", "CS-2.2"),
                                          graded_on=forms.required_day("graded_on", "CS-2.2"),
                                          basis=forms.document("basis", "HA-2.2", kind=True), behaviour_code=behaviour)
            done(_("Subject graded, account"), account)
        return redirect(url_for("casework.points"))
    return form_page("casework/points.html", run, profiles=profiles)


@bp.route("/responsible", methods=["GET", "POST"])
def responsible() -> ResponseReturnValue:
    """Link a legal representative, principal or directly responsible person to an organisation
    (NT-PCI-10/29, CS-2.1)."""
    def run() -> ResponseReturnValue:
        organisation = services().credit.link_responsible_person(
            current_principal().actor(), organisation_id=forms.ident("organisation_id", "NT-PCI-10"),
            person_id=forms.ident("person_id", "NT-PCI-10"),
            role=forms.choice("role", RESPONSIBLE_ROLES, "NT-PCI-10"))
        done(_("Responsible person linked to"), organisation)
        return redirect(url_for("casework.responsible"))
    return form_page("casework/responsible.html", run, roles=RESPONSIBLE_ROLES)


@bp.route("/objections", methods=["GET", "POST"])
def objections() -> ResponseReturnValue:
    """Appeal against an objection's result (NT-PCI-33) or object to a list entry (JY-6.1/6.2, HA-4.1)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        if forms.choice("step", ("appeal", "entry"), "NT-PCI-33") == "appeal":
            objection = credit.appeal_objection(
                actor, objection_id=forms.ident("objection_id", "NT-PCI-33"),
                body=forms.choice("body", APPEAL_BODIES, "NT-PCI-33"),
                appealed_on=forms.required_day("appealed_on", "NT-PCI-33"),
                statement=forms.text("statement", "NT-PCI-33"))
            done(_("Appeal registered for objection"), objection)
        else:
            objection = with_documents(lambda documents: credit.file_list_entry_objection(
                actor, list_entry_id=forms.ident("list_entry_id", "JY-6.1"),
                grounds=forms.choice("grounds", GROUNDS, "NT-PCI-31"),
                statement=forms.text("statement", "NT-PCI-31"), filed_on=forms.required_day("filed_on", "NT-PCI-31"),
                documents=documents))
            done(_("Objection to the list entry filed:"), objection)
        return redirect(url_for("casework.objections"))
    return form_page("casework/objections.html", run, bodies=APPEAL_BODIES, grounds=GROUNDS, row_count=ROWS)
