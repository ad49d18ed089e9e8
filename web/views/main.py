"""The landing page (what each role can do) and the language switch."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from web.i18n import LANGUAGES
from web.principal import current_principal

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """The start page of the current role."""
    return render_template("index.html", principal=current_principal())


@bp.get("/lang/<code>")
def language(code: str) -> ResponseReturnValue:
    """Switch the interface language and go back (only to a page of this site)."""
    if code in LANGUAGES:
        session["lang"] = code
    target = request.args.get("next", "")
    parts = urlparse(target)
    safe = target if target.startswith("/") and not target.startswith("//") and not parts.netloc else None
    return redirect(safe or url_for("main.index"))
