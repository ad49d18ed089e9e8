"""The subject's own pages: own records and status, objections and repairs, and who read the record."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from web.access_log_view import reads_of
from web.context import services
from web.principal import current_principal
from web.subject_view import subject_view

bp = Blueprint("mine", __name__, url_prefix="/mine")


@bp.get("/")
def home() -> ResponseReturnValue:
    """The subject's own record, archive included (reading one's own data is not registered)."""
    subject_id = current_principal().subject_id
    return render_template("mine/home.html", **subject_view(subject_id))  # type: ignore[arg-type]


@bp.get("/access-log")
def access_log() -> ResponseReturnValue:
    """Who read this subject's record: unit, user, when, purpose, basis (HA-5.2, JY-24)."""
    subject_id = current_principal().subject_id
    return render_template("mine/access_log.html", reads=reads_of(services().ledger, subject_id))  # type: ignore[arg-type]
