"""The API of government integrity (政务诚信, NT-GOV): subjects, files, records, consequences, award check."""

from __future__ import annotations

from typing import Any

from domain.government_case import CONSEQUENCES, OUTCOMES
from domain.policy_model import LEVELS
from web.api.commands import OFFICE, PROFILES, RECORDERS, _cmd, _code, _d, _id, _s
from web.api.reads import PURPOSE_FIELDS, register_read
from web.api.serialize import AGGREGATE_SCHEMA, aggregate, list_of, plain
from web.api.spec import DATE, ENUM, INTEGER, OBJECT, STRING, STRINGS, UUID_, Endpoint, Field, doc_fields
from web.context import services
from web.principal import current_principal
from web.roles import STAFF_READERS
from web.scope import check_subject

STAFF = frozenset(STAFF_READERS)
TAG = "government"
SUBJECT_PATH = (Field("subject_id", UUID_, "NT-GOV-2.2a"),)
RECORD_PATH = (Field("record_id", UUID_, "NT-GOV-2.4a"),)
SOURCE_KINDS = ("court_judgment", "administrative_penalty", "disciplinary_sanction", "accountability_decision")
CONSEQUENCE_NAMES = tuple(dict.fromkeys(c for names in CONSEQUENCES.values() for c in names))
PROFILE = Field("profile_id", ENUM, "NT-GOV-2.2a", choices=PROFILES)


def _source_document(rule: str) -> Field:
    """The judgment, penalty, sanction or decision: number, date, issuer (NT-GOV-2.2b)."""
    return Field("document", OBJECT, rule, parts=(*doc_fields(rule), Field("issuer", STRING, rule)))


def government_file(args: dict[str, Any]) -> dict[str, Any]:
    """A government body's or civil servant's file (the read is registered first, HA-5.2)."""
    credit, subject_id = services().credit, args["subject_id"]
    credit.subject(subject_id)  # 404 before anything is registered
    check_subject(subject_id)  # out of the unit's scope: 404 too
    file = credit.government_file(subject_id)
    register_read(subject_id, "api: government credit file", args)
    today = credit.today()
    cases = [{**aggregate(c), "rectification_overdue": c.rectification_overdue(today),
              "restricts_awards": c.restricts_awards(today)} for c in file["cases"]]
    return {"subject": aggregate(file["subject"]), "masked": file["subject"].masked(),
            "entries": [aggregate(e) for e in file["entries"]], "records": [aggregate(r) for r in file["records"]],
            "fault_tolerance": [aggregate(f) for f in file["fault_tolerance"]], "cases": cases}


def government_case(args: dict[str, Any]) -> dict[str, Any]:
    """The consequences of one government dishonesty record (the read is registered, HA-5.2)."""
    credit = services().credit
    case = credit.government_case(args["record_id"])
    check_subject(case.subject_id)
    register_read(case.subject_id, f"api: government case {case.id}", args)
    day = credit.today()
    return {**aggregate(case), "rectification_overdue": case.rectification_overdue(day),
            "restricts_awards": case.restricts_awards(day)}


def award_eligibility(args: dict[str, Any]) -> dict[str, Any]:
    """NT-GOV-2.4a/b: may the subject receive an award or honour on `day`? Registered as a read (HA-5.2)."""
    credit = services().credit
    credit.subject(args["subject_id"])
    check_subject(args["subject_id"])
    answer = credit.may_receive_award(current_principal().actor(), subject_id=args["subject_id"],
                                      day=args.get("day") or credit.today(), purpose=args.get("purpose") or "",
                                      basis=args.get("basis") or "", channel="api")
    return {"subject_id": str(answer.subject_id), "day": plain(answer.day), "allowed": answer.allowed,
            "barring_record_ids": [str(i) for i in answer.barring_record_ids]}


def overdue_rectifications(args: dict[str, Any]) -> list[Any]:
    """NT-GOV-2.4a: rectifications past their deadline, nothing completed by the day."""
    credit = services().credit
    day = args.get("day") or credit.today()
    return [{"record_id": str(c.record_id), "subject_id": str(c.subject_id),
             "deadline": plain(c.rectification["deadline"]) if c.rectification else None}
            for c in credit.overdue_rectifications(day)]


def government_records_report(args: dict[str, Any]) -> dict[str, Any]:
    """One month's upward report of government dishonesty records (NT-GOV-2.3)."""
    return aggregate(services().credit.government_records_report(args["profile_id"], args["period"]))


AWARD_SCHEMA = {"type": "object", "required": ["subject_id", "day", "allowed", "barring_record_ids"],
                "properties": {"subject_id": {"type": "string", "format": "uuid"},
                               "day": {"type": "string", "format": "date"}, "allowed": {"type": "boolean"},
                               "barring_record_ids": {"type": "array",
                                                      "items": {"type": "string", "format": "uuid"}}}}
FILE_SCHEMA = {"type": "object", "required": ["subject", "entries", "records", "fault_tolerance", "cases"],
               "properties": {"subject": AGGREGATE_SCHEMA, "entries": list_of(AGGREGATE_SCHEMA),
                              "records": list_of(AGGREGATE_SCHEMA), "fault_tolerance": list_of(AGGREGATE_SCHEMA),
                              "cases": list_of(AGGREGATE_SCHEMA)}}
OVERDUE_SCHEMA = list_of({"type": "object", "required": ["record_id", "subject_id", "deadline"],
                          "properties": {"record_id": {"type": "string", "format": "uuid"},
                                         "subject_id": {"type": "string", "format": "uuid"},
                                         "deadline": {"type": "string", "format": "date"}}})

GOVERNMENT: tuple[Endpoint, ...] = (
    _cmd("register_government_body", "/government/bodies",
         "Register a government or department by its type-11 credit code (NT-GOV-2.2a)", RECORDERS, TAG,
         (PROFILE, _s("name", "NT-GOV-2.2a"), _s("uscc", "NT-PCI-18"),
          Field("level", ENUM, "NT-GOV-2.2a", choices=LEVELS), Field("superior_id", UUID_, "NT-GOV-2.2a", False),
          _s("unit", "NT-GOV-2.2a", False))),
    _cmd("register_civil_servant", "/government/civil-servants",
         "Register a civil servant: a person (same ID rules and privacy) with employing body and post (NT-GOV-2.2a)",
         RECORDERS, TAG,
         (PROFILE, _s("name", "LYG-5"), _s("id_number", "NT-PCI-15"), _id("employer_id", "NT-GOV-2.2a"),
          _s("post", "NT-GOV-2.2a"), _s("address", "LYG-5", False), _s("telephone", "LYG-5", False))),
    _cmd("record_file_entry", "/government/subjects/{subject_id}/file-entries",
         "Record a government-affairs credit file entry, positive ones included (NT-GOV-2.2a/d)", RECORDERS, TAG,
         (PROFILE, _code("category", "NT-GOV-2.2a"),
          Field("polarity", ENUM, "NT-GOV-2.2a", choices=("positive", "negative", "neutral")),
          Field("document", OBJECT, "NT-GOV-2.2a", parts=doc_fields("NT-GOV-2.2a")), _s("summary", "NT-GOV-2.2a"),
          Field("year", INTEGER, "NT-GOV-2.2a", False), _s("result", "NT-GOV-2.2a", False))),
    _cmd("determine_fault_tolerance", "/government/subjects/{subject_id}/fault-tolerance",
         "Keep a fault-tolerance determination (容错); the case is then not recorded (NT-GOV-2.2c)", RECORDERS, TAG,
         (PROFILE, _s("case_number", "NT-GOV-2.2c"),
          Field("document", OBJECT, "NT-GOV-2.2c", parts=doc_fields("NT-GOV-2.2c")), _s("reason", "NT-GOV-2.2c"))),
    _cmd("record_government_dishonesty", "/government/records",
         "Record a government dishonesty record with its source kind and document (NT-GOV-2.2b)", RECORDERS, TAG,
         (PROFILE, _id("subject_id", "NT-GOV-2.2b"), Field("source_kind", ENUM, "NT-GOV-2.2b", choices=SOURCE_KINDS),
          _source_document("NT-GOV-2.2b"), _code("behaviour_code", "NT-PCI-8"), _code("tier", "NT-PCI-15"),
          _d("act_date", "HA-2.2"), _d("determination_date", "HA-2.2"), _s("summary", "NT-PCI-14", False),
          _s("disclosure", "NT-PCI-19", False))),
    _cmd("give_explanation", "/government/records/{record_id}/explanation",
         "The body's written explanation of the cause (NT-GOV-2.4a)", RECORDERS, TAG,
         (_s("text", "NT-GOV-2.4a"), _d("explained_on", "NT-GOV-2.4a"))),
    _cmd("order_rectification", "/government/records/{record_id}/rectification-order",
         "Order rectification within the deadline stated here: the seed sets none (NT-GOV-2.4a)", RECORDERS, TAG,
         (_d("ordered_on", "NT-GOV-2.4a"), _d("deadline", "NT-GOV-2.4a"), _s("requirements", "NT-GOV-2.4a"))),
    _cmd("complete_rectification", "/government/records/{record_id}/rectification",
         "Register the rectification done, late or on time (NT-GOV-2.4a)", RECORDERS, TAG,
         (_d("completed_on", "NT-GOV-2.4a"),
          Field("document", OBJECT, "NT-GOV-2.4a", parts=doc_fields("NT-GOV-2.4a")))),
    _cmd("publish_criticism", "/government/records/{record_id}/criticism",
         "Publish the public criticism notice (通报批评, NT-GOV-2.4a)", RECORDERS, TAG,
         (Field("notice", OBJECT, "NT-GOV-2.4a", parts=doc_fields("NT-GOV-2.4a", text=True)),
          _d("published_on", "NT-GOV-2.4a"))),
    _cmd("hold_principal_accountable", "/government/records/{record_id}/principal-accountability",
         "Hold the body's principal responsible person accountable: a record against that civil servant "
         "(NT-GOV-2.4a)", RECORDERS, TAG,
         (_id("person_id", "NT-GOV-2.4a"), Field("source_kind", ENUM, "NT-GOV-2.2b", choices=SOURCE_KINDS),
          _source_document("NT-GOV-2.2b"), _code("tier", "NT-PCI-15"), _d("determination_date", "HA-2.2"),
          _s("summary", "NT-PCI-14", False))),
    _cmd("record_self_correction", "/government/records/{record_id}/self-correction",
         "Lighter or no sanctions after self-correction, with reason and document (NT-GOV-2.5b)", RECORDERS, TAG,
         (Field("ground", ENUM, "NT-GOV-2.5b", choices=("loss_recovered", "effect_removed", "harm_prevented")),
          Field("outcome", ENUM, "NT-GOV-2.5b", choices=OUTCOMES),
          Field("lifted", STRINGS, "NT-GOV-2.5b", False,
                description=f"for a lighter outcome: the consequences lifted ({', '.join(CONSEQUENCE_NAMES)})"),
          _s("reason", "NT-GOV-2.5b"), Field("document", OBJECT, "NT-GOV-2.5b", parts=doc_fields("NT-GOV-2.5b")),
          _d("decided_on", "NT-GOV-2.5b"))),
    Endpoint("government_file", "GET", "/government/subjects/{subject_id}/file",
             "A government body's or civil servant's credit file (read registered, HA-5.2; NT-GOV-2.2a)", STAFF,
             government_file, TAG, path_fields=SUBJECT_PATH, query=PURPOSE_FIELDS, response=FILE_SCHEMA,
             registers_read=True),
    Endpoint("government_case", "GET", "/government/records/{record_id}/case",
             "The consequences of a government dishonesty record (read registered, HA-5.2; NT-GOV-2.4a/b)", STAFF,
             government_case, TAG, path_fields=RECORD_PATH, query=PURPOSE_FIELDS, response=AGGREGATE_SCHEMA,
             registers_read=True),
    Endpoint("award_eligibility", "GET", "/government/subjects/{subject_id}/award-eligibility",
             "may_receive_award(subject, day) for award and promotion systems (NT-GOV-2.4a/b; read registered, "
             "HA-5.2)", STAFF, award_eligibility, TAG, path_fields=SUBJECT_PATH,
             query=(Field("day", DATE, "NT-GOV-2.4b", False), *PURPOSE_FIELDS), response=AWARD_SCHEMA,
             registers_read=True),
    _cmd("report_government_records", "/government/reports",
         "Report every government dishonesty record of a month to the higher platforms (NT-GOV-2.3)", OFFICE, TAG,
         (PROFILE, _s("period", "NT-GOV-2.3", description="YYYY-MM"), _d("reported_on", "NT-GOV-2.3"))),
    Endpoint("government_records_report", "GET", "/government/reports/{profile_id}/{period}",
             "One month's upward report of government dishonesty records (NT-GOV-2.3)", STAFF,
             government_records_report, TAG,
             path_fields=(Field("profile_id", ENUM, "NT-GOV-2.3", choices=PROFILES),
                          Field("period", STRING, "NT-GOV-2.3", max_length=7)), response=AGGREGATE_SCHEMA),
    Endpoint("overdue_rectifications", "GET", "/government/overdue-rectifications",
             "Rectifications past their deadline (NT-GOV-2.4a)", STAFF, overdue_rectifications, TAG,
             query=(Field("day", DATE, "NT-GOV-2.4a", False),), response=OVERDUE_SCHEMA),
)
