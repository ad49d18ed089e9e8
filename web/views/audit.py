"""Auditors, courts and discipline bodies (read-only): time travel, replay of a joint-sanction loop,
the proof behind an answer, verification of the whole ledger. Every subject read is registered (HA-5.2)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from domain.clock import CHINA_TIME
from domain.errors import RuleViolation
from domain.subject import Subject
from ledger.audit import verify_ledger
from ledger.errors import OutOfRangeError
from ledger.transparency import latest_checkpoint
from projections.base import ProjectionError
from projections.timetravel import resolve_position, status
from web.access import needs_purpose, register_read, stated_purpose
from web.chart_periods import item_label, status_periods
from web.charts import periods_svg
from web.context import services
from web.history import steps_of
from web.proofs import checked_inclusion
from web.timeline import timeline
from web.views.bundle import download

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _arg_date(name: str, rule: str) -> Any:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise RuleViolation(rule, name, f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _arg_id(name: str, rule: str) -> UUID | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise RuleViolation(rule, name, f"{name} {value!r} is not an id") from None


def _arg_int(name: str, rule: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise RuleViolation(rule, name, f"{name} {value!r} is not a log position (0, 1, 2, …)")
    return int(value)


@bp.get("/")
def home() -> ResponseReturnValue:
    """The log's size and latest signed checkpoint, and the audit tools."""
    ledger = services().ledger
    return render_template("audit/home.html", size=ledger.log.tree_size(), checkpoint=latest_checkpoint(ledger),
                           report=None)


@bp.get("/timetravel")
def timetravel() -> ResponseReturnValue:
    """A subject as the ledger held it at a log position (transaction time), in force on a date (valid time).

    A day's end (or now) is first turned into the log position it stands for and the page is answered at that
    position, carried in the URL (issue 16.4): the answer can be cited, and registering this read (a new event
    after it) does not move it."""
    try:
        subject_id, as_of, valid_at = _arg_id("subject_id", "NT-PCI-36"), _arg_date("as_of", "NT-PCI-36"), \
            _arg_date("valid_at", "NT-PCI-30")
        position = _arg_int("position", "NT-PCI-36")
    except RuleViolation as exc:
        return render_template("audit/timetravel.html", answer=None, error=exc, args=request.args), 422
    if subject_id is None:
        return render_template("audit/timetravel.html", answer=None, error=None, args=request.args)
    services().credit.check_subject(subject_id)
    redirect_ = needs_purpose(subject_id)
    if redirect_ is not None:
        return redirect_
    ledger = services().ledger
    try:
        if position is None:
            moment = datetime.combine(as_of, time.max, CHINA_TIME) if as_of else None
            pinned = resolve_position(ledger, None, moment)
            return redirect(url_for("audit.timetravel", subject_id=subject_id, position=pinned,
                                    valid_at=valid_at.isoformat() if valid_at else None,
                                    as_of=as_of.isoformat() if as_of else None))
        answer = status(ledger, subject_id, as_of_position=position, valid_at=valid_at)
    except ProjectionError as exc:
        error = RuleViolation("NT-PCI-36", "position" if position is not None else "as_of", str(exc))
        return render_template("audit/timetravel.html", answer=None, error=error, args=request.args), 422
    register_read(subject_id, f"time travel: at log position {position}, valid at {valid_at or '-'}")
    today = services().credit.today()
    chart = periods_svg(status_periods(answer.items), today, as_of=as_of, valid_at=valid_at)
    return render_template("audit/timetravel.html", answer=answer, error=None, args=request.args, chart=chart,
                           labels={i.id: item_label(i) for i in answer.items})


def _subject_of(aggregate: Any) -> UUID | None:
    return aggregate.id if isinstance(aggregate, Subject) else getattr(aggregate, "subject_id", None)


@bp.get("/replay")
def replay() -> ResponseReturnValue:
    """Replay an aggregate's signed history: each step's signer key, unit, user and time (e.g. a sanction loop)."""
    try:
        item_id = _arg_id("id", "JY-21")
    except RuleViolation as exc:
        return render_template("audit/replay.html", steps=None, error=exc, item=None, args=request.args), 422
    if item_id is None:
        return render_template("audit/replay.html", steps=None, error=None, item=None, args=request.args)
    ledger = services().ledger
    try:
        item = ledger.get(item_id)
    except KeyError:
        error = RuleViolation("JY-21", "id", f"nothing is recorded under {item_id}")
        return render_template("audit/replay.html", steps=None, error=error, item=None, args=request.args), 404
    subject_id = _subject_of(item)
    if subject_id is not None:
        redirect_ = needs_purpose(subject_id)
        if redirect_ is not None:
            return redirect_
        register_read(subject_id, f"replay of {type(item).__name__} {item_id}")
    kind = type(item).__name__
    return render_template("audit/replay.html", steps=timeline(kind, steps_of(ledger, item_id)), error=None,
                           item=item, kind=kind, args=request.args)


@bp.get("/proof")
def proof() -> ResponseReturnValue:
    """The inclusion proof of a log position in a signed checkpoint, checked against the pinned root key."""
    try:
        position, size = _arg_int("position", "NT-PCI-37"), _arg_int("tree_size", "NT-PCI-37")
    except RuleViolation as exc:
        return render_template("audit/proof.html", checked=None, error=exc, args=request.args), 422
    if position is None:
        return render_template("audit/proof.html", checked=None, error=None, args=request.args)
    try:
        checked = checked_inclusion(services().ledger, position, size)
    except OutOfRangeError as exc:
        error = RuleViolation("NT-PCI-37", "tree_size" if size is not None else "position", str(exc))
        return render_template("audit/proof.html", checked=None, error=error, args=request.args), 422
    return render_template("audit/proof.html", checked=checked, error=None, args=request.args)


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    """Verify every signature, leaf, node, checkpoint and the key history now (NT-PCI-37)."""
    ledger = services().ledger
    report = verify_ledger(ledger, workers=1)
    return render_template("audit/home.html", size=ledger.log.tree_size(), checkpoint=latest_checkpoint(ledger),
                           report=report)


@bp.route("/bundle/<uuid:subject_id>", methods=["GET", "POST"])
def bundle(subject_id: UUID) -> ResponseReturnValue:
    """The court bundle of a subject as of a day, valid at given dates, with the stated purpose (HA-5.2, issue 6)."""
    services().credit.subject(subject_id)
    redirect_ = needs_purpose(subject_id)
    if redirect_ is not None:
        return redirect_
    if request.method == "POST":
        return download(subject_id)
    args = request.args
    return render_template("audit/bundle.html", subject_id=subject_id, stated=stated_purpose(subject_id),
                           form=args, valid_at=args.getlist("valid_at"), error=None)
