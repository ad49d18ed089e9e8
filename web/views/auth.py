"""Log in and out (sessions; passwords checked against argon2 hashes)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import RuleViolation
from web.context import services
from web.principal import log_in, log_out

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; a wrong name or password is one message, whichever was wrong."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", form={}, error=None, next_url=next_url)
    user = services().accounts.authenticate(request.form.get("username", "").strip(), request.form.get("password", ""))
    if user is None:
        error = RuleViolation("HA-5.2", "password", _("Unknown user or wrong password."))
        return render_template("login.html", form=request.form, error=error, next_url=next_url), 422
    log_in(user)
    return redirect(_safe_next(next_url))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session."""
    log_out()
    return redirect(url_for("main.index"))
