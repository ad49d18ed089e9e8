"""The public query: what is publicly disclosed and in force, masked (NT-PCI-19, NT-PCI-30, HA-3.2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from domain.effective import item_in_force, item_published
from domain.errors import RuleViolation
from projections.public import public_list_query
from web.context import services
from web.security import csrf

bp = Blueprint("public", __name__, url_prefix="/public")
PUBLIC_LISTS = ("black", "red")  # key-attention lists are shared between departments, not published


def _disclosed(subject_id: Any) -> dict[str, Any]:
    """A subject's public, in-force records and list entries; nothing personal beyond the masked name and id."""
    credit = services().credit
    today = credit.today()  # NT-PCI-30, JY-20: in force on the business day, swept or not
    records = [r for r in credit.records_of(subject_id) if item_published(r, today)]
    entries = [e for e in credit.list_entries_of(subject_id)
               if e.list_code in PUBLIC_LISTS and item_in_force(e, today)]
    return {"records": records, "entries": entries}


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # a read: the number comes by POST only to keep it out of URLs, logs and history
def query() -> ResponseReturnValue:
    """Look up a subject by resident ID number or unified social credit code (sent by POST, never in the URL)."""
    q = request.form.get("q", "").strip() if request.method == "POST" else ""
    if not q:
        return render_template("public/query.html", q="", error=None, found=None, masked=None, result=None)
    try:
        subject = services().credit.find_subject(q)
    except RuleViolation as exc:
        error = RuleViolation(exc.rule_id, "q", exc.message)
        return render_template("public/query.html", q=q, error=error, found=None, masked=None, result=None), 422
    if subject is None:
        return render_template("public/query.html", q=q, error=None, found=False, masked=None, result=None)
    return render_template("public/query.html", q=q, error=None, found=True, masked=subject.masked(),
                           result=_disclosed(subject.id))


@bp.get("/lists")
def lists() -> ResponseReturnValue:
    """The red and black lists in force, masked (from the read models, brought up to date first)."""
    svc = services()
    svc.follower().run_once()
    with svc.engine.connect() as conn:
        rows = {code: [dict(r) for r in conn.execute(public_list_query(code, svc.credit.today())).mappings()]
                for code in PUBLIC_LISTS}
    return render_template("public/lists.html", rows=rows)
