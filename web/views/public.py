"""The public query: what is publicly disclosed and in force, masked (NT-PCI-19, NT-PCI-30, HA-3.2)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from domain.effective import item_in_force, item_published
from domain.errors import RuleViolation
from domain.identifiers import MASK
from projections.public import public_list_page, subjects_shown_as
from web.context import services
from web.security import csrf
from web import worklists
from web.worklists import page_number

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


def _page(status: int = 200, **values: Any) -> ResponseReturnValue:
    """The query page with its form values, refusal and answers (each found subject masked)."""
    page = {"q": "", "error": None, "found": None, "answers": [], **values}
    page["by_name"] = {"name": page.pop("name", ""), "partial": page.pop("partial", "")}
    return render_template("public/query.html", **page), status


def masked_from_partial(partial: str) -> str:
    """The masked identifier a public list shows, from its visible characters: a resident ID's first 3 and last 4
    (7 characters), a credit code's first 8 and last 4 (12); the asterisks between may be typed or left out."""
    visible = "".join(ch for ch in partial.upper() if ch.isalnum())
    if len(visible) == 7:
        return visible[:3] + MASK * 11 + visible[3:]
    if len(visible) == 12:
        return visible[:8] + MASK * 6 + visible[8:]
    raise RuleViolation("HA-3.2", "partial", "give the characters a public list shows: the first 3 and last 4 of an "
                                             "ID number, or the first 8 and last 4 of a credit code")


def _answers_by_name(name: str, partial: str) -> list[dict[str, Any]]:
    """Every subject with this name and these visible characters that has something public in force."""
    svc = services()
    masked_id = masked_from_partial(partial)
    svc.follower().run_once()
    with svc.engine.connect() as conn:
        ids = subjects_shown_as(conn, name, masked_id)
    answers = []
    for subject_id in map(UUID, ids):
        result = _disclosed(subject_id)
        if result["records"] or result["entries"]:  # nobody learns that a subject without public items exists
            answers.append({"masked": svc.credit.subject(subject_id).masked(), "result": result})
    return answers


@bp.route("/", methods=["GET", "POST"])
@csrf.exempt  # a read: the number comes by POST only to keep it out of URLs, logs and history
def query() -> ResponseReturnValue:
    """Look up a subject by resident ID number or credit code, or by name with the characters a public list shows
    of the number (HA-3.2); sent by POST, never in the URL."""
    form = request.form if request.method == "POST" else {}
    q, name, partial = (form.get(k, "").strip() for k in ("q", "name", "partial"))
    values = {"q": q, "name": name, "partial": partial}
    try:
        if q:
            subject = services().credit.find_subject(q)
            answers = [] if subject is None else [{"masked": subject.masked(), "result": _disclosed(subject.id)}]
        elif name or partial:
            if not name:
                raise RuleViolation("HA-3.2", "name", "a search by the visible characters needs the full name too")
            answers = _answers_by_name(name, partial)
        else:
            return _page(**values)
    except RuleViolation as exc:
        field = exc.field if exc.field in ("name", "partial") else "q"
        return _page(422, error=RuleViolation(exc.rule_id, field, exc.message), **values)
    return _page(found=bool(answers), answers=answers, **values)


@bp.get("/lists")
def lists() -> ResponseReturnValue:
    """The red and black lists in force, masked, a page of each (`black_page`, `red_page`; from the read models,
    brought up to date first)."""
    svc = services()
    svc.follower().run_once()
    with svc.engine.connect() as conn:
        pages = {code: public_list_page(conn, code, svc.credit.today(), page_number(f"{code}_page"),
                                       size=worklists.PAGE_SIZE)  # read when called: a test may change it
                 for code in PUBLIC_LISTS}
    return render_template("public/lists.html", rows={code: page.items for code, page in pages.items()},
                           pages=pages)
