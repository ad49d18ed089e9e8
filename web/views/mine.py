"""The subject's own pages: own records and status, objections and repairs, and who read the record."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import NotFound
from domain.list_entry import ListEntry
from domain.objection import GROUNDS
from domain.record import DishonestyRecord
from web import forms
from web.access_log_view import reads_page
from web.context import services
from web.form_documents import ROWS, with_documents
from web.online_objections import file_online
from web.principal import current_principal
from web.subject_view import subject_view
from web.views.common import done, form_page
from web.worklists import current_views, page_number

KINDS = ("record", "list_entry")

bp = Blueprint("mine", __name__, url_prefix="/mine")


@bp.get("/")
def home() -> ResponseReturnValue:
    """The subject's own record, archive included (reading one's own data is not registered)."""
    subject_id = current_principal().subject_id
    return render_template("mine/home.html", own=True, **subject_view(subject_id))  # type: ignore[arg-type]


@bp.get("/access-log")
def access_log() -> ResponseReturnValue:
    """Who read this subject's record: unit, user, when, purpose, basis (HA-5.2, JY-24)."""
    subject_id = current_principal().subject_id
    with current_views() as conn:
        page = reads_page(conn, subject_id, page_number())  # type: ignore[arg-type]
    return render_template("mine/access_log.html", reads=page.items, page=page)


def _own_item(kind: str, item_id: UUID) -> DishonestyRecord | ListEntry:
    """One of the logged-in subject's own records or list entries; anyone else's answers like a missing one."""
    missing = NotFound("DishonestyRecord" if kind == "record" else "ListEntry", str(item_id), "item_id")
    if kind not in KINDS:
        raise missing
    credit = services().credit
    try:
        item = credit.record(item_id) if kind == "record" else credit.list_entry(item_id)
    except NotFound:
        raise missing from None
    if item.subject_id != current_principal().subject_id:
        raise missing
    return item


@bp.route("/objections/<kind>/<uuid:item_id>", methods=["GET", "POST"])
def objection(kind: str, item_id: UUID) -> ResponseReturnValue:
    """Object online to one's own record or list entry (NT-PCI-31): grounds, statement and up to three supporting
    documents; received today."""
    item = _own_item(kind, item_id)
    credit = services().credit

    def run() -> ResponseReturnValue:
        objection_id = with_documents(lambda documents: file_online(
            credit, item, grounds=forms.choice("grounds", GROUNDS, "NT-PCI-31"),
            statement=forms.text("statement", "NT-PCI-31"), documents=documents, today=credit.today()))
        done(_("Objection filed:"), objection_id)
        return redirect(url_for("mine.home"))

    return form_page("mine/objection.html", run, kind=kind, item=item, grounds=GROUNDS, today=credit.today(),
                     row_count=ROWS)
