"""Auditors, courts and discipline bodies (read-only): time travel, replay of a joint-sanction loop,
the proof behind an answer, verification of the whole ledger. Every subject read is registered (HA-5.2)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from uuid import UUID

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from domain.clock import CHINA_TIME
from domain.errors import RuleViolation
from domain.subject import Subject
from ledger.audit import verify_ledger
from ledger.errors import OutOfRangeError
from ledger.transparency import latest_checkpoint
from projections.base import ProjectionError
from projections.timetravel import status
from web.access import needs_purpose, register_read, stated_purpose
from web.context import services
from web.history import steps_of
from web.proofs import checked_inclusion
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
    """A subject as the ledger held it at the end of a day (transaction time), in force on a date (valid time)."""
    try:
        subject_id, as_of, valid_at = _arg_id("subject_id", "NT-PCI-36"), _arg_date("as_of", "NT-PCI-36"), \
            _arg_date("valid_at", "NT-PCI-30")
    except RuleViolation as exc:
        return render_template("audit/timetravel.html", answer=None, error=exc, args=request.args), 422
    if subject_id is None:
        return render_template("audit/timetravel.html", answer=None, error=None, args=request.args)
    services().credit.subject(subject_id)
    redirect_ = needs_purpose(subject_id)
    if redirect_ is not None:
        return redirect_
    moment = datetime.combine(as_of, time.max, CHINA_TIME) if as_of else None
    try:
        answer = status(services().ledger, subject_id, valid_at=valid_at, as_of=moment)
    except ProjectionError as exc:
        error = RuleViolation("NT-PCI-36", "as_of", str(exc))
        return render_template("audit/timetravel.html", answer=None, error=error, args=request.args), 422
    register_read(subject_id, f"time travel: as of {as_of or 'now'}, valid at {valid_at or '-'}")
    return render_template("audit/timetravel.html", answer=answer, error=None, args=request.args)


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
    return render_template("audit/replay.html", steps=steps_of(ledger, item_id), error=None, item=item,
                           kind=type(item).__name__, args=request.args)


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
