"""The consequence steps of a government dishonesty record, read from the step forms of the file page (NT-GOV-2.4a:
explanation, rectification order and completion, criticism, the principal's accountability; NT-GOV-2.5b:
self-correction). Each step reads its own fields and calls its own command."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from flask import request
from flask_babel import gettext as _

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.service import CreditService
from web import forms
from web.context import services
from web.names import unit_name

Step = Callable[[CreditService, Actor, UUID], object]


def _explain(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    return credit.give_explanation(actor, record_id=record_id, text=forms.text("text", "NT-GOV-2.4a"),
                                   explained_on=forms.required_day("explained_on", "NT-GOV-2.4a"))


def _order(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    return credit.order_rectification(actor, record_id=record_id,
                                      ordered_on=forms.required_day("ordered_on", "NT-GOV-2.4a"),
                                      deadline=forms.required_day("deadline", "NT-GOV-2.4a"),
                                      requirements=forms.text("requirements", "NT-GOV-2.4a"))


def _complete(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    return credit.complete_rectification(actor, record_id=record_id,
                                         completed_on=forms.required_day("completed_on", "NT-GOV-2.4a"),
                                         document=forms.document("document", "NT-GOV-2.4a"))


def _criticise(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    return credit.publish_criticism(actor, record_id=record_id,
                                    notice=forms.document("notice", "NT-GOV-2.4a", with_text=True),
                                    published_on=forms.required_day("published_on", "NT-GOV-2.4a"))


def _accountable(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    """NT-GOV-2.4a: a record against the body's principal responsible person, chosen among its civil servants."""
    return credit.hold_principal_accountable(
        actor, record_id=record_id, person_id=forms.ident("person_id", "NT-GOV-2.4a"),
        source_kind=forms.text("source_kind", "NT-GOV-2.2b"),
        document={**forms.document("document", "NT-GOV-2.2b"), "issuer": forms.text("document_issuer", "NT-GOV-2.2b")},
        tier=forms.text("tier", "NT-PCI-15"),
        determination_date=forms.required_day("determination_date", "NT-GOV-2.2b"),
        summary=forms.optional_text("summary") or "")


def _self_correct(credit: CreditService, actor: Actor, record_id: UUID) -> object:
    """NT-GOV-2.5b: loss recovered, effect removed or harm prevented; lighter (the ticked consequences) or none."""
    return credit.record_self_correction(
        actor, record_id=record_id, ground=forms.text("ground", "NT-GOV-2.5b"),
        outcome=forms.text("outcome", "NT-GOV-2.5b"), reason=forms.text("reason", "NT-GOV-2.5b"),
        document=forms.document("document", "NT-GOV-2.5b"),
        decided_on=forms.required_day("decided_on", "NT-GOV-2.5b"),
        lifted=[v for v in request.form.getlist("lifted") if v.strip()])


STEPS: dict[str, Step] = {"explain": _explain, "order": _order, "complete": _complete, "criticise": _criticise,
                          "accountable": _accountable, "self_correct": _self_correct}


def run_step(credit: CreditService, actor: Actor) -> UUID:
    """Take the step the form names on the record it carries; the record id is returned."""
    step = forms.choice("step", tuple(STEPS), "NT-GOV-2.4a")
    record_id = forms.ident("record_id", "NT-GOV-2.4a")
    STEPS[step](credit, actor, record_id)
    return record_id


def form_field(exc: RuleViolation, subject_id: UUID) -> RuleViolation:
    """The refusal naming the form's field (the domain's `document.number` is the form's `document_number`); a
    fault-tolerance refusal cites the determination by its document, date, unit and reason (NT-GOV-2.2c)."""
    field = exc.field.replace(".", "_")
    if exc.rule_id == "NT-GOV-2.2c" and field == "document_number":
        person = (request.form.get("person_id") or "").strip()
        kept = services().credit.fault_tolerance_for(UUID(person) if person else subject_id,
                                                     request.form.get("document_number") or "")
        if kept is not None:
            return RuleViolation(exc.rule_id, field, _(
                "Not recorded: fault-tolerance determination %(number)s of %(date)s by %(unit)s keeps this case "
                "out (%(reason)s).", number=kept.document["number"], date=kept.document["date"],
                unit=unit_name(kept.determining_unit), reason=kept.reason))
    return exc if field == exc.field else RuleViolation(exc.rule_id, field, exc.message)
