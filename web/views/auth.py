"""Log in and out (sessions; passwords checked against argon2 hashes)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import RuleViolation
from web.context import services
from web.navigation import home_of
from web.principal import log_in, log_out
from web.sessions import TableSessionInterface, credential_epoch
from web.throttle import login_throttle

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; a wrong name or password is one message, whichever was wrong."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("login.html", form={}, error=None, next_url=next_url)
    username, address = request.form.get("username", "").strip(), request.remote_addr or "-"
    attempt = login_throttle().attempt(username, address)
    if attempt.throttled is not None:
        error = RuleViolation("HA-5.2", "username", _("Too many failed logins: try again in %(minutes)d minutes.",
                                                      minutes=attempt.throttled.minutes))
        return render_template("login.html", form=request.form, error=error, next_url=next_url), 429
    accounts = services().accounts
    user = accounts.authenticate(username, request.form.get("password", ""))
    if user is None:
        error = RuleViolation("HA-5.2", "password", _("Unknown user or wrong password."))
        return render_template("login.html", form=request.form, error=error, next_url=next_url), 422
    login_throttle().succeeded(username, address, attempt)
    log_in(user, credential_epoch(accounts.book(), user.username))
    if isinstance(current_app.session_interface, TableSessionInterface):
        current_app.session_interface.purge_expired()  # keeps the table to the sessions that still hold
    return redirect(_safe_next(next_url) if next_url else url_for(home_of(user.role)))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session."""
    log_out()
    return redirect(url_for("main.index"))
