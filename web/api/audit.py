"""The API's audit reads: time travel, replay of a joint-sanction loop, proofs, checkpoints, verification,
and the access log of a subject."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.subject import Subject
from ledger.audit import verify_ledger
from ledger.transparency import latest_checkpoint
from ledger.witnessing import cosigned_note, cosigners
from projections.timetravel import status
from web.access_log_view import reads_of
from web.api.errors import ApiError
from web.api.reads import PURPOSE_FIELDS, register_read
from web.api.serialize import plain
from web.api.spec import DATE, INTEGER, MOMENT, UUID_, Endpoint, Field
from web.context import services
from web.history import steps_of
from web.proofs import checked_inclusion
from web.roles import AUDITOR, SUBJECT
from web.worklists import current_views

AUDITORS = frozenset({AUDITOR})
SUBJECT_PATH = (Field("subject_id", UUID_, "NT-PCI-2"),)
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}


def timetravel(args: dict[str, Any]) -> dict[str, Any]:
    """A subject as the ledger held it as of a moment or log position, in force on `valid_at` (NT-PCI-36)."""
    if "as_of" in args and "position" in args:
        raise ApiError(422, "give as_of or position, not both", "position", "NT-PCI-36")
    subject_id = args["subject_id"]
    services().credit.check_subject(subject_id)  # 404 before anything is registered
    register_read(subject_id, f"api: time travel as of {args.get('as_of') or args.get('position') or 'now'}, "
                              f"valid at {args.get('valid_at') or '-'}", args)
    answer = status(services().ledger, subject_id, as_of_position=args.get("position"),
                    valid_at=args.get("valid_at"), as_of=args.get("as_of"))
    return answer.to_json()


def _subject_of(item: Any) -> UUID | None:
    return item.id if isinstance(item, Subject) else getattr(item, "subject_id", None)


def replay(args: dict[str, Any]) -> dict[str, Any]:
    """Every signed step of an aggregate (e.g. a sanction loop): position, signer key, unit, user, time."""
    ledger = services().ledger
    try:
        item = ledger.get(args["item_id"])
    except KeyError:
        raise ApiError(404, f"nothing is recorded under {args['item_id']}", "item_id", "JY-21") from None
    subject_id = _subject_of(item)
    if subject_id is not None:
        register_read(subject_id, f"api: replay of {type(item).__name__} {item.id}", args)
    steps = [{"version": s.version, "position": s.position, "event": s.name, "timestamp": plain(s.timestamp),
              "unit": s.unit, "user": s.user, "key_id": s.key_id, "details": plain(s.details)}
             for s in steps_of(ledger, item.id)]
    return {"id": str(item.id), "kind": type(item).__name__, "steps": steps}


def inclusion(args: dict[str, Any]) -> dict[str, Any]:
    """The inclusion proof of a log position in a stored signed checkpoint, checked here (NT-PCI-37)."""
    checked = checked_inclusion(services().ledger, args["position"], args.get("tree_size"))
    return {**checked.answer.to_json(), "checkpoint_signed": checked.checkpoint_signed,
            "included": checked.included, "problem": checked.problem}


def checkpoint(args: dict[str, Any]) -> dict[str, Any]:
    """The newest stored signed checkpoint (with its witnesses' cosignatures) and the log's current size."""
    ledger = services().ledger
    latest = latest_checkpoint(ledger)
    if latest is None:
        raise ApiError(404, "no checkpoint is stored yet (run `ledger checkpoint`)", "checkpoint", "NT-PCI-37")
    size = latest.checkpoint.size
    return {"tree_size": ledger.log.tree_size(), "checkpoint_size": size,
            "checkpoint": cosigned_note(ledger, size), "cosigners": cosigners(ledger, size)}


def verification(args: dict[str, Any]) -> dict[str, Any]:
    """Verify every signature, leaf, node, checkpoint and the key history now (NT-PCI-37)."""
    report = verify_ledger(services().ledger, workers=1)
    return {"intact": not report.problems, "tree_size": report.tree_size, "signatures": report.signatures,
            "checkpoints": report.checkpoints, "keys": report.keys, "notes": list(report.notes),
            "problems": [plain(vars(p)) for p in report.problems]}


def access_log(args: dict[str, Any]) -> dict[str, Any]:
    """Who read the subject's record: unit, user, when, purpose, basis, channel (HA-5.2, JY-24)."""
    subject_id = args["subject_id"]
    services().credit.check_subject(subject_id)
    register_read(subject_id, "api: access log", args)
    with current_views() as conn:  # HA-5.2: the read just registered is in the answer
        reads = reads_of(conn, subject_id)
    return {"subject_id": str(subject_id), "reads": [plain(vars(r)) for r in reads]}


STEP = {"type": "object", "required": ["version", "event", "timestamp", "key_id"],
        "properties": {"version": {"type": "integer"}, "position": {"type": "integer", "nullable": True},
                       "event": TEXT, "timestamp": TEXT, "unit": NULLABLE_TEXT, "user": NULLABLE_TEXT,
                       "key_id": TEXT, "details": {"type": "object"}}}
AUDIT: tuple[Endpoint, ...] = (
    Endpoint("timetravel", "GET", "/subjects/{subject_id}/status",
             "Time travel: the subject as of a moment or log position, in force on a date (NT-PCI-36)", AUDITORS,
             timetravel, "audit", path_fields=SUBJECT_PATH, registers_read=True,
             query=(Field("as_of", MOMENT, "NT-PCI-36", False, "transaction time (default: now)"),
                    Field("position", INTEGER, "NT-PCI-36", False, "transaction time as a log position"),
                    Field("valid_at", DATE, "NT-PCI-30", False, "valid time: what was in force on this date"),
                    *PURPOSE_FIELDS),
             response={"type": "object", "required": ["subject_id", "log_position", "items"],
                       "properties": {"subject_id": TEXT, "log_position": {"type": "integer"},
                                      "valid_at": NULLABLE_TEXT, "checkpoint": NULLABLE_TEXT,
                                      "checkpoint_size": {"type": "integer", "nullable": True},
                                      "checkpoint_cosigners": {"type": "array", "items": TEXT},
                                      "items": {"type": "array", "items": {"type": "object"}}}}),
    Endpoint("replay", "GET", "/replay/{item_id}", "Replay the signed history of an item, e.g. a sanction loop "
             "(JY-21)", AUDITORS, replay, "audit", path_fields=(Field("item_id", UUID_, "JY-21"),),
             query=PURPOSE_FIELDS, registers_read=True,
             response={"type": "object", "required": ["id", "kind", "steps"],
                       "properties": {"id": TEXT, "kind": TEXT, "steps": {"type": "array", "items": STEP}}}),
    Endpoint("inclusion_proof", "GET", "/proofs/inclusion", "Inclusion proof of a log position in a signed "
             "checkpoint, checked against the pinned root key (NT-PCI-37)", AUDITORS, inclusion, "audit",
             query=(Field("position", INTEGER, "NT-PCI-37"),
                    Field("tree_size", INTEGER, "NT-PCI-37", False, "a stored checkpoint's size (default: latest)")),
             response={"type": "object", "required": ["position", "tree_size", "leaf_hash", "proof", "checkpoint",
                                                      "checkpoint_signed", "included"],
                       "properties": {"position": {"type": "integer"}, "tree_size": {"type": "integer"},
                                      "leaf_hash": TEXT, "proof": {"type": "array", "items": TEXT},
                                      "checkpoint": TEXT, "cosigners": {"type": "array", "items": TEXT},
                                      "checkpoint_signed": {"type": "boolean"},
                                      "included": {"type": "boolean"}, "problem": NULLABLE_TEXT}}),
    Endpoint("checkpoint", "GET", "/checkpoints/latest", "The newest signed checkpoint (C2SP signed note)",
             AUDITORS, checkpoint, "audit",
             response={"type": "object", "required": ["tree_size", "checkpoint_size", "checkpoint"],
                       "properties": {"tree_size": {"type": "integer"}, "checkpoint_size": {"type": "integer"},
                                      "checkpoint": TEXT, "cosigners": {"type": "array", "items": TEXT}}}),
    Endpoint("verification", "POST", "/verification", "Verify the whole ledger now (NT-PCI-37)", AUDITORS,
             verification, "audit",
             response={"type": "object", "required": ["intact", "tree_size", "problems"],
                       "properties": {"intact": {"type": "boolean"}, "tree_size": {"type": "integer"},
                                      "signatures": {"type": "integer"}, "checkpoints": {"type": "integer"},
                                      "keys": {"type": "integer"}, "notes": {"type": "array", "items": TEXT},
                                      "problems": {"type": "array", "items": {"type": "object"}}}}),
    Endpoint("access_log", "GET", "/subjects/{subject_id}/access-log", "Who read a subject's record (HA-5.2, "
             "JY-24): the subject itself, or auditors stating purpose and basis", AUDITORS | {SUBJECT},
             access_log, "audit", path_fields=SUBJECT_PATH, query=PURPOSE_FIELDS, registers_read=True,
             response={"type": "object", "required": ["subject_id", "reads"],
                       "properties": {"subject_id": TEXT, "reads": {"type": "array", "items": {
                           "type": "object", "required": ["when", "unit", "user", "purpose", "basis", "channel"],
                           "properties": {k: TEXT for k in ("when", "unit", "user", "purpose", "basis", "channel",
                                                            "what")}}}}}),
)
