"""Helpers shared by the UI views: running a form's command, profiles of a unit, flash messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue

from domain.errors import NotFound, RuleViolation
from web.context import services
from web.form_errors import collected
from web.principal import current_principal


def form_page(template: str, run: Callable[[], ResponseReturnValue], **context: Any) -> ResponseReturnValue:
    """GET shows the form; POST runs the command. A refusal re-shows the form with every bad field marked (16.3)."""
    if request.method != "POST":
        return render_template(template, form={}, error=None, **context)
    try:
        return collected(run)
    except (RuleViolation, NotFound) as exc:
        error, status = as_refusal(exc)
        return render_template(template, form=request.form, error=error, **context), status


def as_refusal(exc: RuleViolation | NotFound) -> tuple[RuleViolation, int]:
    """A refused command as the violation to show at its field and the HTTP status (422, or 404 if missing)."""
    if isinstance(exc, NotFound):
        return RuleViolation("-", exc.field, str(exc)), 404
    return exc, 422


def done(message: str, ident: object = None) -> None:
    """Tell the user a command was stored (the message is translated by the caller)."""
    flash(f"{message} {ident}" if ident is not None else message, "ok")


def profiles_for_unit(unit: str | None) -> list[str]:
    """Profile ids whose units include `unit` or whose id is the unit's prefix (e.g. nt-tax-bureau → NT)."""
    found = []
    for pid, profile in sorted(services().profiles.items()):
        if unit and (unit in profile.units or unit.split("-", 1)[0].upper() == pid):
            found.append(pid)
    return found


def default_profile() -> str:
    """The profile the current user most likely works under."""
    found = profiles_for_unit(current_principal().unit)
    return found[0] if found else sorted(services().profiles)[0]
