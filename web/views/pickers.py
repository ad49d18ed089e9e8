"""The pickers' searches (issue 16.1: no ids typed or pasted): subjects by name, masked or full identifier, and a
chosen subject's open items. Both are POSTs with a JSON body, so a number never appears in a URL or a log line."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from domain.errors import NotFound, RuleViolation
from web.picker_items import KINDS, item_choices, item_label, labelled, subject_of_item
from web.picker_search import picker_subject, search_subjects, subject_shown
from web.refusals import refusal_text
from web.subject_actions import subject_actions

bp = Blueprint("pickers", __name__, url_prefix="/pickers")


@bp.record_once
def _template_globals(state: BlueprintSetupState) -> None:
    """The pickers' macros show a prefilled subject masked and known items by label; a subject page links to
    the forms with the subject chosen (web/templates/pickers.html, subjects/show.html)."""
    state.app.jinja_env.globals.update(picker_subject=picker_subject, item_label=item_label, labelled=labelled,
                                     subject_actions=subject_actions)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _refused(error: RuleViolation, status: int, **extra: Any) -> ResponseReturnValue:
    """A refusal as JSON: the field, the rule and the text in the page's language (never a 500)."""
    return jsonify(error=refusal_text(error), field=error.field, rule_id=error.rule_id, **extra), status


def _uuid(value: object, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise RuleViolation("HA-5.2", field, f"{field} is not an id") from None


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "no-store"  # answers name subjects (masked): never kept by a cache
    return response


@bp.post("/subjects")
def subjects() -> ResponseReturnValue:
    """Subjects matching `q` (part of a name, a masked identifier, a full ID number or credit code): masked."""
    try:
        found = search_subjects(str(_body().get("q") or ""))
    except RuleViolation as exc:
        return _refused(exc, 422)
    return _no_store(jsonify(subjects=found))


@bp.post("/items")
def items() -> ResponseReturnValue:
    """A subject's open items of one kind, by `subject_id` or by an already chosen item (`item_id`)."""
    body = _body()
    kind = str(body.get("kind") or "")
    try:
        if kind not in KINDS:
            raise RuleViolation("HA-5.2", "kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
        if body.get("subject_id"):
            subject_id: UUID | None = _uuid(body["subject_id"], "subject_id")
        else:
            subject_id = subject_of_item(kind, _uuid(body.get("item_id"), "item_id"))
        if subject_id is None:
            raise NotFound("Item", str(body.get("item_id")), "item_id")
        shown = subject_shown(subject_id)
        if shown is None:
            raise NotFound("Subject", str(subject_id), "subject_id")
        return _no_store(jsonify(subject=shown, items=item_choices(subject_id, kind)))
    except NotFound as exc:
        return _refused(RuleViolation("HA-5.2", exc.field, str(exc)), 404)
    except RuleViolation as exc:
        if exc.rule_id == "HA-5.2" and exc.field == "purpose":  # no purpose stated yet for this subject
            next_url = str(body.get("next") or "")
            if not next_url.startswith("/") or next_url.startswith("//"):
                next_url = "/"
            purpose_url = url_for("subjects.purpose", subject_id=subject_id, next=next_url)
            return _refused(exc, 409, purpose_url=purpose_url)
        return _refused(exc, 422)
