"""Recording units: register subjects, record dishonesty, reminders and interviews, prior notice,
answer objections referred to the unit, give repair opinions (and decide repairs, NT-PCI-4)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.authorisation import METHODS
from domain.errors import RuleViolation
from domain.withdrawal import OUTCOMES
from web import forms
from web.context import services
from web.principal import current_principal
from web.views.common import default_profile, done, form_page
from web.worklists import objection_rows, records_to_submit, repair_rows, unit_count, unit_page
from web.view_labels import masked_names, record_labels

bp = Blueprint("recording", __name__, url_prefix="/recording")
SUBJECT_KINDS = ("person", "organisation")
LEGAL_FORMS = ("legal_person", "unincorporated")


@bp.get("/")
def home() -> ResponseReturnValue:
    """The unit's desk: open objections and repairs it must handle, its open records and drafts."""
    unit = current_principal().unit
    records, entries = unit_page("records", unit), unit_page("list_entries", unit, arg="entries_page")
    return render_template(
        "recording/home.html", objections_count=unit_count("objections", unit),
        repairs_count=unit_count("repairs", unit), records=records.items, records_page=records,
        entries=entries.items, entries_page=entries)


@bp.route("/subjects/new", methods=["GET", "POST"])
def register_subject() -> ResponseReturnValue:
    """Register a natural person or an organisation (NT-PCI-2, NT-PCI-15/18, LYG-5)."""
    def run() -> ResponseReturnValue:
        kind = forms.choice("kind", SUBJECT_KINDS, "NT-PCI-2")
        actor, credit = current_principal().actor(), services().credit
        extra = {"name": forms.text("name", "LYG-5"), "address": forms.optional_text("address"),
                 "telephone": forms.optional_text("telephone")}
        if kind == "person":
            # NT-PCI-2: the select preselects "yes"; anything else is refused by the domain
            capacity = (forms.optional_text("full_civil_capacity") or "yes") == "yes"
            subject_id = credit.register_person(actor, id_number=forms.text("id_number", "NT-PCI-15"),
                                                full_civil_capacity=capacity, **extra)
        else:
            subject_id = credit.register_organisation(actor, uscc=forms.text("uscc", "NT-PCI-18"),
                                                      legal_form=forms.choice("legal_form", LEGAL_FORMS, "NT-PCI-2"),
                                                      **extra)
        done(_("Subject registered:"), subject_id)
        return redirect(url_for("subjects.show", subject_id=subject_id))
    return form_page("recording/register_subject.html", run, kinds=SUBJECT_KINDS, legal_forms=LEGAL_FORMS)


@bp.route("/records/new", methods=["GET", "POST"])
def record() -> ResponseReturnValue:
    """Record a dishonesty determination with its legal basis (HA-2.2, NT-PCI-15, LYG-6, LYG-21)."""
    profiles = services().profiles

    def run() -> ResponseReturnValue:
        profile_id = forms.choice("profile_id", profiles, "JY-16")
        record_id = services().credit.record_dishonesty(
            current_principal().actor(), profile_id=profile_id, subject_id=forms.ident("subject_id", "NT-PCI-2"),
            behaviour_code=forms.text("behaviour_code", "NT-PCI-15"), tier=forms.text("tier", "NT-PCI-15"),
            basis=forms.document("basis", "HA-2.2", kind=True), act_date=forms.required_day("act_date", "HA-2.2"),
            determination_date=forms.required_day("determination_date", "HA-2.2"),
            disclosure=forms.optional_text("disclosure"), summary=forms.text("summary", "HA-2.2", required=False),
            leniency=_leniency())
        done(_("Dishonesty recorded:"), record_id)
        return redirect(url_for("subjects.show", subject_id=services().credit.record(record_id).subject_id))
    return form_page("recording/record.html", run, profiles=profiles, default_profile=default_profile())


def _leniency() -> dict[str, Any] | None:
    """HA-4.2: the leniency ground chosen and how it was weighed, or None."""
    ground = forms.optional_text("leniency_ground")
    return {"grounds": [ground], "statement": forms.optional_text("leniency_statement")} if ground else None


@bp.route("/information/new", methods=["GET", "POST"])
def information() -> ResponseReturnValue:
    """Record basic, positive or other information of a profile's catalog (NT-PCI-9..13)."""
    profiles = services().profiles
    kinds = [(k.code, f"{k.code} {k.name_zh}") for p in profiles.values() for k in p.information.values()]

    def run() -> ResponseReturnValue:
        subject_id = forms.ident("subject_id", "NT-PCI-2")
        services().credit.record_information(
            current_principal().actor(), profile_id=forms.choice("profile_id", profiles, "JY-16"),
            subject_id=subject_id, category=forms.text("category", "NT-PCI-9"),
            document=forms.document("document", "NT-PCI-9"), disclosure=forms.text("disclosure", "NT-PCI-19"),
            summary=forms.text("summary", "NT-PCI-9"))
        done(_("Information recorded for subject"), subject_id)
        return redirect(url_for("subjects.show", subject_id=subject_id))
    return form_page("recording/information.html", run, profiles=profiles, kinds=kinds,
                     default_profile=default_profile())


@bp.route("/authorisations/new", methods=["GET", "POST"])
def authorisation() -> ResponseReturnValue:
    """Register a subject's query authorisation: requester, one purpose, method, evidence, end date (NT-PCI-22,
    HA-5.3)."""
    def run() -> ResponseReturnValue:
        granted = services().credit.grant_query_authorisation(
            current_principal().actor(), subject_id=forms.ident("subject_id", "NT-PCI-22"),
            requester=forms.text("requester", "NT-PCI-22"), method=forms.choice("method", METHODS, "NT-PCI-22"),
            purpose=forms.text("purpose", "HA-5.3"), granted_on=forms.required_day("granted_on", "NT-PCI-22"),
            valid_until=forms.required_day("valid_until", "HA-5.3"),
            evidence=forms.document("evidence", "NT-PCI-22"))
        done(_("Query authorisation registered:"), granted)
        return redirect(url_for("recording.home"))
    return form_page("recording/authorisation.html", run, methods=METHODS)


@bp.route("/submissions", methods=["GET", "POST"])
def submission() -> ResponseReturnValue:
    """The collecting department submits records in force to the credit office (LYG-4)."""
    def run() -> ResponseReturnValue:
        submitted = services().credit.submit_records(
            current_principal().actor(), record_ids=forms.ids("record_ids", "LYG-4"),
            submitted_on=forms.required_day("submitted_on", "LYG-4"))
        done(_("Records submitted:"), len(submitted))
        return redirect(url_for("recording.submission"))
    page = records_to_submit()
    labels = record_labels(page.items)  # from the views, one query (issue 16)
    return form_page("recording/submission.html", run, to_submit=page.items, page=page,
                     names=masked_names(r["subject_id"] for r in page.items),
                     choices=[(r["id"], labels[r["id"]]) for r in page.items])


@bp.route("/queries", methods=["GET", "POST"])
def query() -> ResponseReturnValue:
    """An authorised query under the subject's authorisation (NT-PCI-22, HA-5.3) or a government unit's shared
    query for its duties (NT-PCI-19/20); the domain registers each read (HA-5.2)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        subject_id = forms.ident("subject_id", "NT-PCI-22")
        if forms.choice("step", ("authorised", "shared"), "NT-PCI-22") == "authorised":
            found = credit.authorised_query(actor, subject_id=subject_id, purpose=forms.text("purpose", "HA-5.3"),
                                            authorisation_id=forms.ident("authorisation_id", "NT-PCI-22"))
        else:
            found = credit.government_shared_query(actor, subject_id=subject_id,
                                                   purpose=forms.text("purpose", "HA-5.2"),
                                                   basis=forms.text("basis", "HA-5.2"))
        return render_template("recording/query.html", form={}, error=None, found=found)
    return form_page("recording/query.html", run, found=None)


@bp.route("/contacts/new", methods=["GET", "POST"])
def contact() -> ResponseReturnValue:
    """Register a written credit reminder or an integrity interview (LYG-8), or that an attended interview's terms
    were not carried out (LYG-9 (1))."""
    def run() -> ResponseReturnValue:
        kind = forms.choice("kind", ("reminder", "interview", "terms"), "LYG-8")
        if kind == "terms":
            done(_("Registered for record"), services().credit.register_terms_not_carried_out(
                current_principal().actor(), record_id=forms.ident("record_id", "LYG-9"),
                interview_on=forms.required_day("interview_on", "LYG-9"), noted_on=forms.required_day("on", "LYG-9"),
                content=forms.text("content", "LYG-9")))
            return redirect(url_for("recording.home"))
        fields = {"record_id": forms.ident("record_id", "LYG-8"), "on": forms.required_day("on", "LYG-8"),
                  "method": forms.text("method", "LYG-8"), "content": forms.text("content", "LYG-8")}
        credit, actor = services().credit, current_principal().actor()
        if kind == "reminder":
            record_id = credit.register_reminder(actor, **fields)
        else:
            record_id = credit.register_interview(actor, attended=forms.yes_no("attended", "LYG-8"), **fields)
        done(_("Registered for record"), record_id)
        return redirect(url_for("recording.home"))
    return form_page("recording/contact.html", run)


@bp.route("/notices/new", methods=["GET", "POST"])
def notice() -> ResponseReturnValue:
    """Give prior notice of a black-list entry to the subject (JY-6.2, HA-4.1)."""
    def run() -> ResponseReturnValue:
        entry_id = services().credit.give_prior_notice(
            current_principal().actor(), list_entry_id=forms.ident("list_entry_id", "JY-6.2"),
            notice_on=forms.required_day("notice_on", "JY-6.2"), content=forms.text("content", "JY-6.2"))
        done(_("Prior notice registered for entry"), entry_id)
        return redirect(url_for("recording.home"))
    return form_page("recording/notice.html", run)


@bp.route("/penalty-changes", methods=["GET", "POST"])
def penalty_change() -> ResponseReturnValue:
    """Register that a record's penalty was changed or revoked, and withdraw it within 3 days (NAT-APL-48)."""
    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        if forms.choice("step", ("register", "withdraw"), "NAT-APL-48") == "register":
            done(_("Penalty change registered:"), credit.register_penalty_change(
                actor, record_id=forms.ident("record_id", "NAT-APL-48"),
                outcome=forms.choice("outcome", OUTCOMES, "NAT-APL-48"),
                decision=forms.document("decision", "NAT-APL-48"),
                changed_on=forms.required_day("changed_on", "NAT-APL-48")))
        else:
            done(_("Penalty withdrawn:"), credit.withdraw_penalty(
                actor, withdrawal_id=forms.ident("withdrawal_id", "NAT-APL-48"),
                withdrawn_on=forms.required_day("withdrawn_on", "NAT-APL-48")))
        return redirect(url_for("recording.home"))
    return form_page("recording/penalty_change.html", run, outcomes=OUTCOMES)


@bp.route("/objections", methods=["GET", "POST"])
def objections() -> ResponseReturnValue:
    """Objections the unit handles or was referred: decide them (NT-PCI-4, NT-PCI-32, LYG-15)."""
    unit = current_principal().unit

    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        objection_id = forms.ident("objection_id", "NT-PCI-32")
        step = forms.choice("step", ("verify", "decide", "correct"), "NT-PCI-32")
        if step == "verify":  # NT-PCI-32: the provider verifies a referral and feeds back to the centre
            credit.verify_objection(actor, objection_id=objection_id, correct=forms.yes_no("correct", "NT-PCI-32"),
                                    findings=forms.text("findings", "NT-PCI-32"),
                                    verified_on=forms.required_day("verified_on", "NT-PCI-32"))
            done(_("Objection verified:"), objection_id)
        elif step == "decide":
            credit.decide_objection(actor, objection_id=objection_id, upheld=forms.yes_no("upheld", "NT-PCI-32"),
                                    reasons=forms.text("reasons", "NT-PCI-32"),
                                    decided_on=forms.required_day("decided_on", "NT-PCI-32"))
            done(_("Objection decided:"), objection_id)
        else:
            credit.apply_correction(actor, objection_id=objection_id, changes=_corrections(),
                                    applied_on=forms.required_day("applied_on", "NT-PCI-32"))
            done(_("Correction applied:"), objection_id)
        return redirect(url_for("recording.objections"))
    page = objection_rows(unit_page("objections", unit), statements=True)
    return form_page("recording/objections.html", run, items=page.items, page=page)


def _corrections() -> dict[str, object]:
    """The corrected values given on the form (empty fields are left unchanged; JY-24 texts for list entries)."""
    changes: dict[str, object] = {k: v for k in ("summary", "behaviour_code", "tier", "reason", "benefits_recovered")
                                  if (v := forms.optional_text(k))}
    for name in ("act_date", "determination_date"):
        if (day := forms.day(name, "NT-PCI-32", required=False)) is not None:
            changes[name] = day
    if forms.optional_text("basis_number"):
        changes["basis"] = forms.document("basis", "HA-2.2", kind=True)
    if forms.optional_text("apology_number"):
        changes["apology"] = forms.document("apology", "JY-24", with_text=True)
    if not changes:
        raise RuleViolation("NT-PCI-32", "summary", "give at least one corrected value")
    return changes


def _positive(name: str, rule: str) -> int:
    """A whole number from 1 (e.g. which publicity objection)."""
    raw = forms.text(name, rule)
    if not raw.isdigit() or int(raw) < 1:
        raise RuleViolation(rule, name, f"{name} must be a whole number from 1")
    return int(raw)


def _repair_side_step(step: str, repair_id: UUID) -> None:
    """CS-2.7 bureau review; NT-PCI-35 objection during the publicity and its verification by the provider."""
    credit, actor = services().credit, current_principal().actor()
    if step == "review":
        credit.review_repair(actor, repair_id=repair_id, approved=forms.yes_no("review_approved", "CS-2.7"),
                             opinion=forms.text("review_opinion", "CS-2.7"),
                             reviewed_on=forms.required_day("reviewed_on", "CS-2.7"))
        done(_("Repair application reviewed:"), repair_id)
    elif step == "publicity_objection":
        credit.object_in_repair_publicity(actor, repair_id=repair_id, statement=forms.text("statement", "NT-PCI-35"),
                                          filed_on=forms.required_day("filed_on", "NT-PCI-35"))
        done(_("Objection during the publicity registered:"), repair_id)
    else:
        credit.verify_repair_objection(actor, repair_id=repair_id, number=_positive("number", "NT-PCI-35"),
                                       founded=forms.yes_no("founded", "NT-PCI-35"),
                                       opinion=forms.text("verification", "NT-PCI-35"),
                                       verified_on=forms.required_day("verified_on", "NT-PCI-35"))
        done(_("Objection during the publicity verified:"), repair_id)


@bp.route("/repairs", methods=["GET", "POST"])
def repairs() -> ResponseReturnValue:
    """Repairs handled by the unit that penalised: written opinion, then the decision (NT-PCI-4, NT-PCI-35)."""
    unit = current_principal().unit

    def run() -> ResponseReturnValue:
        credit, actor = services().credit, current_principal().actor()
        repair_id = forms.ident("repair_id", "NT-PCI-35")
        step = forms.choice("step", ("review", "opinion", "publicity_objection", "verify_objection", "decision"),
                            "NT-PCI-35")
        if step in ("review", "publicity_objection", "verify_objection"):
            _repair_side_step(step, repair_id)
        elif step == "opinion":
            credit.give_repair_opinion(actor, repair_id=repair_id, favourable=forms.yes_no("favourable", "NT-PCI-35"),
                                       opinion=forms.document("opinion", "NT-PCI-35", with_text=True),
                                       given_on=forms.required_day("given_on", "NT-PCI-35"))
            done(_("Repair opinion given:"), repair_id)
        else:
            credit.decide_repair(actor, repair_id=repair_id, approved=forms.yes_no("approved", "NT-PCI-35"),
                                 reasons=forms.text("reasons", "NT-PCI-35"),
                                 decided_on=forms.required_day("decided_on", "NT-PCI-35"),
                                 decision=forms.document("decision", "LYG-16")
                                 if forms.optional_text("decision_number") else None)
            done(_("Repair decided:"), repair_id)
        return redirect(url_for("recording.repairs"))
    page = repair_rows(unit_page("repairs", unit))
    return form_page("recording/repairs.html", run, items=page.items, page=page)
