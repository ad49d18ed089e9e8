"""The API's queries: subjects and their items, the dashboard, the public view (masked), the inbox feed."""

from __future__ import annotations

from typing import Any

from domain.effective import item_in_force, item_published, item_status
from domain.errors import RuleViolation
from projections.public import public_list_query
from web.api.errors import ApiError
from web.api.feed import FEED_SCHEMA, inbox_feed
from web.api.reads import PURPOSE_FIELDS, register_read
from web.api.schemas import LIST_ENTRY_SCHEMA, RECORD_SCHEMA, SANCTION_SCHEMA
from web.api.serialize import AGGREGATE_SCHEMA, aggregate, list_of, plain
from web.api.spec import INTEGER, STRING, UUID_, Endpoint, Field
from web.context import services
from web.principal import current_principal
from web.scope import check_item, check_subject, visible_cases
from web.roles import CREDIT_OFFICE, DEPARTMENT, PUBLIC, ROLES, STAFF_READERS, SUBJECT

STAFF = frozenset(STAFF_READERS)
EVERYONE = frozenset(ROLES)
PUBLIC_LISTS = ("black", "red")
LOOKUP = Field("q", STRING, "NT-PCI-15", description="resident ID number or unified social credit code")
SUBJECT_PATH = (Field("subject_id", UUID_, "NT-PCI-2"),)
MASKED = {"type": "object", "properties": {"name": {"type": "string"}, "id": {"type": "string"}}}


def _lookup(q: str) -> Any:
    try:
        return services().credit.find_subject(q)
    except RuleViolation as exc:
        raise RuleViolation(exc.rule_id, "q", exc.message) from None


def find(args: dict[str, Any]) -> dict[str, Any]:
    """The subject registered under a number: id, kind and masked name (nothing else)."""
    subject = _lookup(args["q"])
    if subject is None:
        raise ApiError(404, "no subject is registered under this number", "q", "NT-PCI-15")
    return {"id": str(subject.id), "kind": subject.kind, "masked": subject.masked()}


def subject_file(args: dict[str, Any]) -> dict[str, Any]:
    """Everything about a subject, archive included (the read is registered first, HA-5.2)."""
    credit, subject_id = services().credit, args["subject_id"]
    subject = credit.subject(subject_id)
    check_subject(subject_id)  # out of the unit's scope: 404, nothing registered
    register_read(subject_id, "api: subject file", args)
    kinds = {"records": credit.records_of, "list_entries": credit.list_entries_of,
             "objections": credit.objections_of, "repairs": credit.repairs_of, "sanctions": credit.sanctions_of}
    kinds["sanctions"] = lambda sid: visible_cases(current_principal(), credit.sanctions_of(sid))
    found = {name: [aggregate(i) for i in query(subject_id)] for name, query in kinds.items()}
    items = [i for name in ("objections", "repairs", "sanctions") for i in kinds[name](subject_id)]
    overdue = {str(i.id): plain(i.overdue(credit.today())) for i in items if i.overdue(credit.today())}
    # NT-PCI-30, JY-20: each record's and list entry's status on the business day (`expired`, swept or not)
    status_on = {str(i.id): item_status(i, credit.today()) for name in ("records", "list_entries")
                 for i in kinds[name](subject_id)}
    return {"subject": aggregate(subject), "masked": subject.masked(), **found, "overdue": overdue,
            "status_on": status_on}


def item_reader(kind: str, method: str) -> Any:
    """A handler answering one item (record, list entry, …), registering the read of its subject."""
    def run(args: dict[str, Any]) -> dict[str, Any]:
        item = getattr(services().credit, method)(args[f"{kind}_id"])
        check_item(kind, item)  # out of the unit's scope: 404, nothing registered
        register_read(item.subject_id, f"api: {kind} {item.id}", args)
        return aggregate(item)
    run.__name__ = method
    return run


def inbox(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's department feed (pushed measures and lifts), newer than `since`."""
    return inbox_feed(current_principal().unit or "", args.get("since", 0), args.get("limit", 100))


def overdue(args: dict[str, Any]) -> list[Any]:
    """Open steps past their deadline (NT-PCI-32, JY-21)."""
    return plain(services().credit.overdue())  # type: ignore[no-any-return]


def lifts_due(args: dict[str, Any]) -> list[Any]:
    """Cases whose basis left force, for the credit office to lift or withdraw (JY-17, CS-2.7)."""
    return plain(services().credit.lifts_due(office=current_principal().unit))  # type: ignore[no-any-return]


def public_query(args: dict[str, Any]) -> dict[str, Any]:
    """What is publicly disclosed and in force about a subject, masked (NT-PCI-19, NT-PCI-30, HA-3.2)."""
    credit = services().credit
    subject = _lookup(args["q"])
    if subject is None:
        return {"found": False, "masked": None, "records": [], "list_entries": []}
    today = credit.today()  # NT-PCI-30, JY-20: in force on the business day, swept or not
    # NT-PCI-32: an item under objection stays published, with the flag the HTML page shows
    records = [{"behaviour_code": r.behaviour_code, "tier": r.tier, "valid_until": plain(r.valid_until),
                "determination_date": plain(r.determination_date), "under_objection": bool(r.flags)}
               for r in credit.records_of(subject.id) if item_published(r, today)]
    entries = [{"list_code": e.list_code, "status": e.status, "valid_until": plain(getattr(e, "valid_until", None)),
                "under_objection": bool(e.flags)}
               for e in credit.list_entries_of(subject.id) if e.list_code in PUBLIC_LISTS and item_in_force(e, today)]
    return {"found": True, "masked": subject.masked(), "records": records, "list_entries": entries}


def public_lists(args: dict[str, Any]) -> dict[str, Any]:
    """The red and black lists in force, masked (read models brought up to date first)."""
    svc = services()
    svc.follower().run_once()
    with svc.engine.connect() as conn:
        return {code: [plain(dict(r)) for r in conn.execute(public_list_query(code, svc.credit.today())).mappings()]
                for code in PUBLIC_LISTS}


def me(args: dict[str, Any]) -> dict[str, Any]:
    """Who the API sees: user, role, unit (its key signs commands), own subject id, token or session."""
    p = current_principal()
    return {"username": p.username, "role": p.role, "unit": p.unit,
            "subject_id": str(p.subject_id) if p.subject_id else None, "via_token": p.via_token}


def _item(name: str, path: str, kind: str, rule: str, schema: dict[str, Any] = AGGREGATE_SCHEMA) -> Endpoint:
    return Endpoint(f"get_{kind}", "GET", path, f"One {name} with its full state (read registered, HA-5.2)",
                    STAFF, item_reader(kind, kind), f"{name}s", path_fields=(Field(f"{kind}_id", UUID_, rule),),
                    query=PURPOSE_FIELDS, response=schema, registers_read=True)


NULLABLE_TEXT = {"type": "string", "nullable": True}
# NT-PCI-32: every public item says whether an objection to it is pending (flagged, still published and used).
PUBLIC_ITEM = {"type": "object", "required": ["under_objection"],
               "properties": {"under_objection": {"type": "boolean",
                                                  "description": "an objection is pending (NT-PCI-32)"}}}
QUERIES: tuple[Endpoint, ...] = (
    Endpoint("me", "GET", "/me", "The caller as the API sees it", EVERYONE - {PUBLIC}, me, "session",
             response={"type": "object", "required": ["role"],
                       "properties": {"username": {"type": "string"}, "role": {"type": "string"},
                                      "unit": NULLABLE_TEXT, "subject_id": NULLABLE_TEXT,
                                      "via_token": {"type": "boolean"}}}),
    Endpoint("find_subject", "POST", "/subjects/lookup", "Find a subject by ID number or credit code (masked "
             "answer; POST so the number stays out of URLs and logs)", STAFF, find, "subjects", body=(LOOKUP,),
             lookup=True,
             response={"type": "object", "required": ["id", "kind", "masked"],
                       "properties": {"id": {"type": "string", "format": "uuid"}, "kind": {"type": "string"},
                                      "masked": MASKED}}),
    Endpoint("subject_file", "GET", "/subjects/{subject_id}",
             "A subject with records, list entries, objections, repairs, sanctions (read registered, HA-5.2); "
             "a subject may read its own", STAFF | {SUBJECT}, subject_file, "subjects", path_fields=SUBJECT_PATH,
             query=PURPOSE_FIELDS, registers_read=True,
             response={"type": "object", "required": ["subject", "records", "list_entries", "objections",
                                                      "repairs", "sanctions"],
                       "properties": {"subject": AGGREGATE_SCHEMA, "masked": MASKED,
                                      "records": list_of(RECORD_SCHEMA), "list_entries": list_of(LIST_ENTRY_SCHEMA),
                                      "sanctions": list_of(SANCTION_SCHEMA),
                                      **{k: list_of(AGGREGATE_SCHEMA) for k in ("objections", "repairs")},
                                      "overdue": {"type": "object"}, "status_on": {"type": "object"}}}),
    _item("record", "/records/{record_id}", "record", "NT-PCI-2", RECORD_SCHEMA),
    _item("list entry", "/list-entries/{list_entry_id}", "list_entry", "JY-6", LIST_ENTRY_SCHEMA),
    _item("objection", "/objections/{objection_id}", "objection", "NT-PCI-32"),
    _item("repair", "/repairs/{repair_id}", "repair", "NT-PCI-35"),
    _item("sanction", "/sanctions/{sanction_id}", "sanction", "JY-21", SANCTION_SCHEMA),
    Endpoint("inbox", "GET", "/inbox", "The caller's department feed: pushed measures and lifts (JY-21, JY-17); "
             "poll with `since` = the previous answer's `next`", frozenset({DEPARTMENT}), inbox, "inbox",
             query=(Field("since", INTEGER, "JY-21", False, "cursor: answer only items after it (default 0)"),
                    Field("limit", INTEGER, "JY-21", False, "at most this many items (default 100)")),
             response=FEED_SCHEMA),
    Endpoint("overdue", "GET", "/overdue", "Open steps past their deadline (NT-PCI-32, JY-21)",
             frozenset({CREDIT_OFFICE}), overdue, "dashboard", response=list_of({"type": "object"})),
    Endpoint("lifts_due", "GET", "/sanctions/due-lifts", "Cases whose basis left force: lift or withdraw "
             "(JY-17, CS-2.7)", frozenset({CREDIT_OFFICE}), lifts_due,
             "sanctions", response=list_of({"type": "object"})),
    Endpoint("public_query", "POST", "/public/subjects/lookup", "Public query: disclosed, in force, masked "
             "(HA-3.2; POST so the number stays out of URLs and logs)", EVERYONE, public_query, "public",
             body=(LOOKUP,), lookup=True,
             response={"type": "object", "required": ["found", "records", "list_entries"],
                       "properties": {"found": {"type": "boolean"}, "masked": {**MASKED, "nullable": True},
                                      "records": list_of(PUBLIC_ITEM), "list_entries": list_of(PUBLIC_ITEM)}}),
    Endpoint("public_lists", "GET", "/public/lists", "The red and black lists in force, masked (HA-3.2)",
             EVERYONE, public_lists, "public",
             response={"type": "object", "properties": {c: list_of({"type": "object"}) for c in PUBLIC_LISTS}}),
)
