"""The commands behind the step forms of the item pages (issue 16.2): each step of a record, an objection, a repair
application or a sanction case, read from its small form and run by the credit service on the item of the URL.

Who may take a step is the permission of the existing page that takes it (web/permissions.py stays the one table);
whether the item allows it now is its aggregate's own `next_steps`; the service decides the rest and refuses."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.objection import APPEAL_BODIES, GROUNDS
from domain.withdrawal import OUTCOMES
from web import forms
from web.form_documents import with_documents
from web.labels import N_
from web.permissions import allowed
from web.principal import current_principal
from web.views.recording import _corrections as corrections  # NT-PCI-32: the same corrected values
from web.views.recording import _positive as positive  # NT-PCI-35: which publicity objection

Command = Callable[[Any, Actor, UUID], object]

# step → the endpoint whose permission covers it
RECORD_STEPS = {"object": "office.objection_file", "repair": "office.repair_apply", "push": "office.sanctions",
                "submit": "recording.submission", "revoke": "casework.revoke",
                "penalty_change": "recording.penalty_change"}
OBJECTION_STEPS = {"refer": "office.objection_file", "verify": "recording.objections",
                   "decide": "recording.objections", "correct": "recording.objections", "appeal": "casework.objections"}
REPAIR_STEPS = {step: "recording.repairs" for step in ("review", "opinion", "publicity_objection", "verify_objection",
                                                       "approve", "refuse")}
SANCTION_STEPS = {**{step: "department.step" for step in ("acknowledge", "apply", "decline", "feed_back",
                                                          "confirm_lift")},
                  "push_lift": "office.sanctions", "withdraw": "office.sanctions"}


def offered(steps: Iterable[str], table: Mapping[str, str]) -> list[str]:
    """The allowed steps the logged-in role may take (by the permission of the page that takes each)."""
    role = current_principal().role
    return [s for s in steps if s in table and allowed(table[s], role)]


def _repair_application(credit: Any, actor: Actor, record_id: UUID) -> object:
    """NT-PCI-34, JY-23: the application with the commitment and the public service done."""
    commitment = forms.document("commitment", "NT-PCI-34", with_text=True) \
        if forms.optional_text("commitment_number") else None
    service = [line.strip() for line in forms.text("public_service", "JY-23", required=False).splitlines()
               if line.strip()]
    return credit.apply_for_repair(actor, record_id=record_id, applied_on=forms.required_day("applied_on", "NT-PCI-34"),
                                   corrected_on=forms.day("corrected_on", "NT-PCI-34", required=False),
                                   commitment=commitment, public_service=service)


RECORD_COMMANDS: dict[str, Command] = {
    "object": lambda credit, actor, i: with_documents(lambda documents: credit.file_objection(
        actor, record_id=i, grounds=forms.choice("grounds", GROUNDS, "NT-PCI-31"),
        statement=forms.text("statement", "NT-PCI-31"), filed_on=forms.required_day("filed_on", "NT-PCI-31"),
        documents=documents)),
    "repair": _repair_application,
    "push": lambda credit, actor, i: credit.push_sanction(
        actor, source_id=i, measure_id=forms.text("measure_id", "HA-4.2"),
        pushed_on=forms.required_day("pushed_on", "JY-21")),
    "submit": lambda credit, actor, i: credit.submit_records(
        actor, record_ids=[i], submitted_on=forms.required_day("submitted_on", "LYG-4")),
    "revoke": lambda credit, actor, i: credit.revoke_erroneous(
        actor, target_id=i, reason=forms.text("reason", "JY-24"), revoked_on=forms.required_day("revoked_on", "JY-24"),
        apology=forms.document("apology", "JY-24", with_text=True) if forms.optional_text("apology_number") else None),
    "penalty_change": lambda credit, actor, i: credit.register_penalty_change(
        actor, record_id=i, outcome=forms.choice("outcome", OUTCOMES, "NAT-APL-48"),
        decision=forms.document("decision", "NAT-APL-48"), changed_on=forms.required_day("changed_on", "NAT-APL-48")),
}

OBJECTION_COMMANDS: dict[str, Command] = {
    "refer": lambda credit, actor, i: credit.refer_objection(
        actor, objection_id=i, referred_on=forms.required_day("referred_on", "NT-PCI-32")),
    "verify": lambda credit, actor, i: credit.verify_objection(
        actor, objection_id=i, correct=forms.yes_no("correct", "NT-PCI-32"),
        findings=forms.text("findings", "NT-PCI-32"), verified_on=forms.required_day("verified_on", "NT-PCI-32")),
    "decide": lambda credit, actor, i: credit.decide_objection(
        actor, objection_id=i, upheld=forms.yes_no("upheld", "NT-PCI-32"), reasons=forms.text("reasons", "NT-PCI-32"),
        decided_on=forms.required_day("decided_on", "NT-PCI-32")),
    "correct": lambda credit, actor, i: credit.apply_correction(
        actor, objection_id=i, changes=corrections(), applied_on=forms.required_day("applied_on", "NT-PCI-32")),
    "appeal": lambda credit, actor, i: credit.appeal_objection(
        actor, objection_id=i, body=forms.choice("body", APPEAL_BODIES, "NT-PCI-33"),
        appealed_on=forms.required_day("appealed_on", "NT-PCI-33"), statement=forms.text("statement", "NT-PCI-33")),
}


def _decide_repair(approved: bool) -> Command:
    """NT-PCI-35: approve (after the publicity) or refuse, with reasons; LYG-16 decision document where given."""
    return lambda credit, actor, i: credit.decide_repair(
        actor, repair_id=i, approved=approved, reasons=forms.text("reasons", "NT-PCI-35"),
        decided_on=forms.required_day("decided_on", "NT-PCI-35"),
        decision=forms.document("decision", "LYG-16") if forms.optional_text("decision_number") else None)


REPAIR_COMMANDS: dict[str, Command] = {
    "review": lambda credit, actor, i: credit.review_repair(
        actor, repair_id=i, approved=forms.yes_no("review_approved", "CS-2.7"),
        opinion=forms.text("review_opinion", "CS-2.7"), reviewed_on=forms.required_day("reviewed_on", "CS-2.7")),
    "opinion": lambda credit, actor, i: credit.give_repair_opinion(
        actor, repair_id=i, favourable=forms.yes_no("favourable", "NT-PCI-35"),
        opinion=forms.document("opinion", "NT-PCI-35", with_text=True),
        given_on=forms.required_day("given_on", "NT-PCI-35")),
    "publicity_objection": lambda credit, actor, i: credit.object_in_repair_publicity(
        actor, repair_id=i, statement=forms.text("statement", "NT-PCI-35"),
        filed_on=forms.required_day("filed_on", "NT-PCI-35")),
    "verify_objection": lambda credit, actor, i: credit.verify_repair_objection(
        actor, repair_id=i, number=positive("number", "NT-PCI-35"),
        founded=forms.yes_no("founded", "NT-PCI-35"), opinion=forms.text("verification", "NT-PCI-35"),
        verified_on=forms.required_day("verified_on", "NT-PCI-35")),
    "approve": _decide_repair(True),
    "refuse": _decide_repair(False),
}

SANCTION_COMMANDS: dict[str, Command] = {
    "acknowledge": lambda credit, actor, i: credit.acknowledge_sanction(
        actor, sanction_id=i, acknowledged_on=forms.required_day("acknowledged_on", "JY-21")),
    "apply": lambda credit, actor, i: credit.apply_sanction(actor, sanction_id=i, case={
        "number": forms.text("case_number", "CS-2.6"), "date": forms.required_day("case_date", "CS-2.6"),
        "description": forms.text("case_description", "CS-2.6")}),
    "decline": lambda credit, actor, i: credit.decline_sanction(
        actor, sanction_id=i, reason=forms.text("decline_reason", "JY-21"),
        declined_on=forms.required_day("declined_on", "JY-21")),
    "feed_back": lambda credit, actor, i: credit.feed_back_sanction(
        actor, sanction_id=i, report=forms.text("report", "CS-2.6"),
        fed_back_on=forms.required_day("fed_back_on", "CS-2.6")),
    "confirm_lift": lambda credit, actor, i: credit.confirm_lift(
        actor, sanction_id=i, confirmed_on=forms.required_day("confirmed_on", "CS-2.7")),
    "push_lift": lambda credit, actor, i: credit.push_lift(
        actor, sanction_id=i, reason=forms.text("reason", "JY-17"),
        pushed_on=forms.required_day("lift_pushed_on", "JY-17")),
    "withdraw": lambda credit, actor, i: credit.withdraw_sanction(
        actor, sanction_id=i, reason=forms.text("withdraw_reason", "JY-17"),
        withdrawn_on=forms.required_day("withdrawn_on", "JY-17")),
}

# The title of each step's form (and of the message once stored), in the page's language.
STEP_TITLES: dict[str, str] = {
    "object": N_("File an objection"), "repair": N_("Apply for repair"), "push": N_("Push a measure"),
    "submit": N_("Submit to the credit office"), "revoke": N_("Revoke as erroneous"),
    "penalty_change": N_("Register a change of the penalty"), "refer": N_("Refer to the information provider"),
    "verify": N_("Verify (information provider)"), "decide": N_("Decide the objection"),
    "correct": N_("Apply the correction"), "appeal": N_("Appeal against the result"),
    "review": N_("Review the application"), "opinion": N_("Give the written opinion"),
    "publicity_objection": N_("Register an objection during the publicity"),
    "verify_objection": N_("Verify an objection during the publicity"), "approve": N_("Approve the repair"),
    "refuse": N_("Refuse the repair"), "acknowledge": N_("Acknowledge the push"),
    "apply": N_("Apply in a business case"), "decline": N_("Decline with the reason"),
    "feed_back": N_("Feed back to the credit office"), "confirm_lift": N_("Confirm the lift"),
    "push_lift": N_("Push the lift"), "withdraw": N_("Withdraw the push"),
}
