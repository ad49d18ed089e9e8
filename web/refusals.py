"""Refusals in the page's language: the field's label and the rule's title from the catalogs (issue 16.3).

The domain explains a refusal in English for the API and the log; a person reads the field as the form labels
it and the rule by its id and title, in Chinese or English. The domain's own words are added in English only;
a message the web layer already translated is shown as it is.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import gettext as _

from web.field_labels import field_label
from web.i18n import current_language
from web.labels import N_
from web.rule_titles import rule_title


def field_name(field: str | None) -> str:
    """The field's label in the page's language, or its code when the catalogs name no such field."""
    label = field_label(field)
    return _(label) if label else (field or "")


def rule_words(rule_id: str | None) -> str:
    """'NT-PCI-32（…title…）' in the page's language; the bare id when no title is known."""
    title = rule_title(rule_id)
    if not rule_id or rule_id == "-":
        return ""
    return _("%(rule)s (%(title)s)", rule=rule_id, title=_(title)) if title else rule_id


def _translated(message: str) -> bool:
    """Whether the web layer already gave this message in the page's language (Chinese text in a Chinese page)."""
    return current_language() == "en" or any("\u4e00" <= ch <= "\u9fff" for ch in message)


def refusal_text(error: Any) -> str:
    """The whole refusal: field label, rule and (in English, or when already translated) the detail."""
    field, rule = getattr(error, "field", None), rule_words(getattr(error, "rule_id", None))
    message = str(getattr(error, "message", "") or "")
    if field and rule:
        text = _("%(field)s does not meet rule %(rule)s.", field=field_name(field), rule=rule)
    elif rule:
        text = _("Rule %(rule)s is not met.", rule=rule)
    elif field:
        text = _("%(field)s was refused.", field=field_name(field))
    else:
        text = ""
    detail = message if message and _translated(message) else ""
    return " ".join(part for part in (text, detail) if part) or _("The request was refused.")


def field_error_text(error: Any) -> str:
    """The note under the field at fault: the rule it breaks and (in English, or translated) the detail."""
    rule = rule_words(getattr(error, "rule_id", None))
    message = str(getattr(error, "message", "") or "")
    detail = message if message and _translated(message) else ""
    head = _("Does not meet rule %(rule)s.", rule=rule) if rule else ""
    return " ".join(part for part in (head, detail) if part)


def refusals_of(error: Any) -> list[Any]:
    """Every refusal of a submit: the fields of a `FieldErrors` (issue 16.3), the one error, or none."""
    if not error:
        return []
    return list(getattr(error, "errors", None) or [error])


def field_error(error: Any, field: str) -> Any | None:
    """The refusal of one field of a submit, None when that field was good."""
    return next((one for one in refusals_of(error) if getattr(one, "field", None) == field), None)


STATUS_TITLES = {400: N_("Bad request"), 403: N_("Not allowed"), 404: N_("Not found"), 405: N_("Not allowed"),
                 409: N_("Conflict"), 413: N_("Request too large"), 422: N_("Refused"), 429: N_("Too many requests"),
                 500: N_("Internal error")}


def status_title(status: int) -> str:
    """The error page's heading for an HTTP status, in the page's language."""
    title = STATUS_TITLES.get(status)
    return _(title) if title else ""


def init(app: Flask) -> None:
    """Make the presenters available to every template."""
    app.jinja_env.globals.update(refusal_text=refusal_text, field_error_text=field_error_text, field_name=field_name,
                                 status_title=status_title, refusals_of=refusals_of, field_error=field_error)
