"""The API's commands: one declaration each, handed to the credit service, signed by the caller's unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.documents import MAX_SUPPORTING
from domain.objection import APPEAL_BODIES, GROUNDS
from domain.policy import load_all
from domain.subject import LINK_ROLES
from web.api.spec import (BOOLEAN, DATE, ENUM, ID_RESPONSE, INTEGER, OBJECT, OBJECTS, STRING, STRINGS, UUID_, UUIDS,
                          Endpoint, Field, doc_fields)
from web.context import services
from web.principal import current_principal
from web.roles import CREDIT_OFFICE, DEPARTMENT, RECORDING_UNIT

RECORDERS = frozenset({RECORDING_UNIT, CREDIT_OFFICE})
OFFICE = frozenset({CREDIT_OFFICE})
DEPARTMENTS = frozenset({DEPARTMENT})
PROFILES = tuple(sorted(load_all()))


def command(method: str) -> Callable[[dict[str, Any]], dict[str, str]]:
    """A handler calling `CreditService.<method>(actor, **fields)`; the answer is the item's id."""
    def run(args: dict[str, Any]) -> dict[str, str]:
        return {"id": str(getattr(services().credit, method)(current_principal().actor(), **args))}
    run.__name__ = method
    return run


def _id(name: str, rule: str) -> Field:
    return Field(name, UUID_, rule)


def _cmd(name: str, path: str, summary: str, roles: frozenset[str], tag: str, body: tuple[Field, ...],
         method: str | None = None) -> Endpoint:
    path_fields = tuple(_id(p, body[0].rule if body else "HA-5.2") for p in _path_names(path))
    return Endpoint(name, "POST", path, summary, roles, command(method or name), tag, path_fields=path_fields,
                    body=body, response=ID_RESPONSE)


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _s(name: str, rule: str, required: bool = True, description: str = "") -> Field:
    return Field(name, STRING, rule, required, description)


def _code(name: str, rule: str, required: bool = True) -> Field:
    """A code of a policy profile (behaviour, tier, list, field, measure): short, as its read-model column."""
    return Field(name, STRING, rule, required, max_length=32)


def _d(name: str, rule: str, required: bool = True) -> Field:
    return Field(name, DATE, rule, required)


SUBJECTS = (
    _cmd("register_person", "/subjects/persons", "Register a natural person (NT-PCI-15, LYG-5)", RECORDERS,
         "subjects", (_s("name", "LYG-5"), _s("id_number", "NT-PCI-15"), _s("address", "LYG-5", False),
                      _s("telephone", "LYG-5", False), Field("full_civil_capacity", BOOLEAN, "NT-PCI-2", False))),
    _cmd("register_organisation", "/subjects/organisations", "Register an organisation (NT-PCI-18, NT-PCI-2)",
         RECORDERS, "subjects",
         (_s("name", "NT-PCI-10"), _s("uscc", "NT-PCI-18"),
          Field("legal_form", ENUM, "NT-PCI-2", False, choices=("legal_person", "unincorporated")),
          _s("address", "LYG-5", False), _s("telephone", "LYG-5", False))),
    _cmd("record_information", "/subjects/{subject_id}/information",
         "Record basic, positive or other information of the profile's catalog (NT-PCI-9..13)", RECORDERS, "subjects",
         (Field("profile_id", ENUM, "NT-PCI-9", choices=PROFILES), _code("category", "NT-PCI-9"),
          Field("document", OBJECT, "NT-PCI-9", parts=doc_fields("NT-PCI-9")), _s("disclosure", "NT-PCI-19"),
          _s("summary", "NT-PCI-9"))),
    _cmd("link_responsible_person", "/subjects/{organisation_id}/responsible-persons",
         "Link a legal representative, principal, directly responsible person or senior manager "
         "(NT-PCI-10/29, CS-2.1)", RECORDERS, "subjects", (_id("person_id", "NT-PCI-29"),
                                                           Field("role", ENUM, "NT-PCI-10", choices=LINK_ROLES))),
)

RECORDS = (
    _cmd("record_dishonesty", "/records", "Record a dishonesty determination with its legal basis (HA-2.2)",
         RECORDERS, "records",
         (Field("profile_id", ENUM, "JY-16", choices=PROFILES), _id("subject_id", "NT-PCI-2"),
          _code("behaviour_code", "NT-PCI-15"), _code("tier", "NT-PCI-15"),
          Field("basis", OBJECT, "HA-2.2", parts=doc_fields("HA-2.2", kind=True)), _d("act_date", "HA-2.2"),
          _d("determination_date", "HA-2.2"), _s("disclosure", "NT-PCI-19", False), _s("summary", "HA-2.2", False),
          Field("leniency", OBJECT, "HA-4.2", False, "grounds (minor, force_majeure, unintentional, minor_act) and "
                "how they were weighed", parts=(Field("grounds", STRINGS, "HA-4.2"), _s("statement", "HA-4.2"))))),
    _cmd("register_reminder", "/records/{record_id}/reminders", "Register a written credit reminder (LYG-8)",
         RECORDERS, "records", (_d("on", "LYG-8"), _s("method", "LYG-8"), _s("content", "LYG-8"))),
    _cmd("register_interview", "/records/{record_id}/interviews", "Register an integrity interview (LYG-8)",
         RECORDERS, "records", (_d("on", "LYG-8"), _s("method", "LYG-8"), _s("content", "LYG-8"),
                                Field("attended", BOOLEAN, "LYG-8"))),
    _cmd("register_terms_not_carried_out", "/records/{record_id}/unfulfilled-interviews",
         "Register that the terms of an attended integrity interview were not carried out (LYG-9 (1))",
         RECORDERS, "records", (_d("interview_on", "LYG-9"), _d("noted_on", "LYG-9"), _s("content", "LYG-9"))),
)

LISTS = (
    _cmd("draft_list_entry", "/list-entries", "Draft a red/black list entry (JY-6, JY-6.1 cross-check)", RECORDERS,
         "lists", (Field("profile_id", ENUM, "JY-16", choices=PROFILES), _id("subject_id", "JY-6"),
                   _code("list_code", "JY-6"), _code("list_field", "JY-6", False),
                   Field("record_ids", UUIDS, "JY-6", False), _d("drafted_on", "JY-6"), _s("reason", "JY-6"))),
    _cmd("give_prior_notice", "/list-entries/{list_entry_id}/prior-notice", "Give prior notice (JY-6.2, HA-4.1)",
         RECORDERS, "lists", (_d("notice_on", "JY-6.2"), _s("content", "JY-6.2"))),
    _cmd("publicise_list_entry", "/list-entries/{list_entry_id}/publicity", "Publicise a draft (JY-6.1/6.2)",
         RECORDERS, "lists", (_s("channel", "JY-6.1"), _d("start", "JY-6.1"),
                              Field("end", DATE, "JY-6.1", False, "the notice's last day, where the profile sets "
                                                                  "no publicity period (JY-6.1)"))),
    _cmd("confirm_list_entry", "/list-entries/{list_entry_id}/confirmation",
         "Confirm with the decision document (JY-5, JY-6.2)", RECORDERS, "lists",
         (_d("confirmed_on", "JY-6.2"), Field("decision", OBJECT, "JY-6.2", False, parts=doc_fields("JY-6.2")))),
    _cmd("exit_list_entry", "/list-entries/{list_entry_id}/exit", "Exit an entry with a reason (JY-17)",
         RECORDERS, "lists", (_s("reason", "JY-17"), _d("exited_on", "JY-17"))),
    _cmd("announce_exit", "/list-entries/{list_entry_id}/exit-announcement",
         "Announce the exit on the original channel (JY-17)", RECORDERS, "lists",
         (_s("channel", "JY-17"), _d("announced_on", "JY-17"))),
)

# NT-PCI-31: the documents an objection rests on (证明材料), each named as a court reads it.
SUPPORTING_DOCUMENTS = Field(
    "documents", OBJECTS, "NT-PCI-31", False, "the documents the objection rests on (证明材料, e.g. the court's "
    "revocation decision, a payment receipt): title, number, date (not in the future nor after filed_on), issuer",
    parts=(_s("title", "NT-PCI-31"), *doc_fields("NT-PCI-31"), _s("issuer", "NT-PCI-31")), max_items=MAX_SUPPORTING)

OBJECTIONS = (
    _cmd("file_objection", "/objections", "File an objection against a record (NT-PCI-31, NT-PCI-32)", RECORDERS,
         "objections", (_id("record_id", "NT-PCI-31"), Field("grounds", ENUM, "NT-PCI-31", choices=GROUNDS),
                        _s("statement", "NT-PCI-31"), _d("filed_on", "NT-PCI-31"), SUPPORTING_DOCUMENTS)),
    _cmd("file_list_entry_objection", "/list-entries/{list_entry_id}/objections",
         "Object to a list entry during publicity or after prior notice (JY-6.1/6.2, HA-4.1, NT-PCI-31)",
         RECORDERS, "objections", (Field("grounds", ENUM, "NT-PCI-31", choices=GROUNDS),
                                   _s("statement", "NT-PCI-31"), _d("filed_on", "NT-PCI-31"), SUPPORTING_DOCUMENTS)),
    _cmd("refer_objection", "/objections/{objection_id}/referral",
         "Refer an objection to the information provider (NT-PCI-32)", RECORDERS, "objections",
         (_d("referred_on", "NT-PCI-32"),)),
    _cmd("verify_objection", "/objections/{objection_id}/verification",
         "The provider verifies a referred objection and feeds back (NT-PCI-32: 5 working days)", RECORDERS,
         "objections", (Field("correct", BOOLEAN, "NT-PCI-32", description="whether the information was correct"),
                        _s("findings", "NT-PCI-32"), _d("verified_on", "NT-PCI-32"))),
    _cmd("decide_objection", "/objections/{objection_id}/decision", "Decide an objection (NT-PCI-4, LYG-15)",
         RECORDERS, "objections", (Field("upheld", BOOLEAN, "NT-PCI-32"), _s("reasons", "NT-PCI-32"),
                                   _d("decided_on", "NT-PCI-32"))),
    _cmd("appeal_objection", "/objections/{objection_id}/appeals", "Appeal against the result (NT-PCI-33)",
         RECORDERS, "objections", (Field("body", ENUM, "NT-PCI-33", choices=APPEAL_BODIES),
                                   _s("statement", "NT-PCI-33"), _d("appealed_on", "NT-PCI-33"))),
)

REPAIRS = (
    _cmd("apply_for_repair", "/repairs", "Register a repair application (NT-PCI-34, JY-23)", RECORDERS, "repairs",
         (_id("record_id", "NT-PCI-34"), _d("applied_on", "NT-PCI-34"), _d("corrected_on", "NT-PCI-34", False),
          Field("commitment", OBJECT, "NT-PCI-34", False, parts=doc_fields("NT-PCI-34", text=True)),
          Field("public_service", STRINGS, "JY-23", False))),
    _cmd("review_repair", "/repairs/{repair_id}/review",
         "The reviewing unit (CS: the enforcement bureaus) reviews before the office adjusts (CS-2.7)", RECORDERS,
         "repairs", (Field("approved", BOOLEAN, "CS-2.7"), _s("opinion", "CS-2.7"), _d("reviewed_on", "CS-2.7"))),
    _cmd("give_repair_opinion", "/repairs/{repair_id}/opinion", "The provider's written opinion (NT-PCI-35)",
         RECORDERS, "repairs", (Field("favourable", BOOLEAN, "NT-PCI-35"),
                                Field("opinion", OBJECT, "NT-PCI-35", parts=doc_fields("NT-PCI-35", text=True)),
                                _d("given_on", "NT-PCI-35"))),
    _cmd("object_in_repair_publicity", "/repairs/{repair_id}/publicity-objections",
         "Register an objection raised during the repair publicity (NT-PCI-35)", RECORDERS, "repairs",
         (_s("statement", "NT-PCI-35"), _d("filed_on", "NT-PCI-35"))),
    _cmd("verify_repair_objection", "/repairs/{repair_id}/publicity-objections/verification",
         "The provider verifies a publicity objection, number 1 first (NT-PCI-35)", RECORDERS, "repairs",
         (Field("number", INTEGER, "NT-PCI-35"), Field("founded", BOOLEAN, "NT-PCI-35"),
          _s("opinion", "NT-PCI-35"), _d("verified_on", "NT-PCI-35"))),
    _cmd("decide_repair", "/repairs/{repair_id}/decision", "Decide a repair application (NT-PCI-35, HA-5.1)",
         RECORDERS, "repairs", (Field("approved", BOOLEAN, "NT-PCI-35"), _s("reasons", "NT-PCI-35"),
                                _d("decided_on", "NT-PCI-35"),
                                Field("decision", OBJECT, "LYG-16", False, "the repair decision document sent to the "
                                      "credit office (LYG-16)", parts=doc_fields("LYG-16")))),
)

def push_due_lifts(args: dict[str, Any]) -> dict[str, list[str]]:
    """The credit office ends every case whose basis left force (JY-17, CS-2.7)."""
    return {"ids": [str(i) for i in services().credit.push_due_lifts(current_principal().actor(), **args)]}


SANCTIONS = (
    _cmd("push_sanction", "/sanctions", "Push a listed measure to its department (HA-4.2, JY-21)", OFFICE,
         "sanctions", (_id("source_id", "JY-21"), _code("measure_id", "HA-4.2"), _d("pushed_on", "JY-21"))),
    _cmd("push_lift", "/sanctions/{sanction_id}/lift", "Push the lift of a measure (JY-17, CS-2.7)", OFFICE,
         "sanctions", (_s("reason", "JY-17"), _d("pushed_on", "JY-17"))),
    _cmd("acknowledge_sanction", "/sanctions/{sanction_id}/acknowledgement", "Acknowledge a push (JY-21)",
         DEPARTMENTS, "inbox", (_d("acknowledged_on", "JY-21"),)),
    _cmd("apply_sanction", "/sanctions/{sanction_id}/application",
         "Record the application in a business case (CS-2.6)", DEPARTMENTS, "inbox",
         (Field("case", OBJECT, "CS-2.6", parts=(_s("number", "CS-2.6"), _d("date", "CS-2.6"),
                                                 _s("description", "CS-2.6"))),)),
    _cmd("feed_back_sanction", "/sanctions/{sanction_id}/feedback", "Feed the cases back (JY-21, CS-2.6)",
         DEPARTMENTS, "inbox", (_s("report", "CS-2.6"), _d("fed_back_on", "CS-2.6"))),
    _cmd("confirm_lift", "/sanctions/{sanction_id}/lift-confirmation", "Confirm a lift (JY-17, CS-2.7)",
         DEPARTMENTS, "inbox", (_d("confirmed_on", "CS-2.7"),)),
    _cmd("decline_sanction", "/sanctions/{sanction_id}/declination",
         "Decide not to apply, with the reason; closes the case (JY-21)", DEPARTMENTS, "inbox",
         (_s("reason", "JY-21"), _d("declined_on", "JY-21"))),
    _cmd("withdraw_sanction", "/sanctions/{sanction_id}/withdrawal",
         "Withdraw a push never applied once its basis ended: no lift (JY-17)", OFFICE, "sanctions",
         (_s("reason", "JY-17"), _d("withdrawn_on", "JY-17"))),
    Endpoint("push_due_lifts", "POST", "/sanctions/due-lifts", "Lift every applied measure whose basis ended and "
             "withdraw the pushes never applied (JY-17, CS-2.7)", OFFICE, push_due_lifts, "sanctions",
             body=(_s("reason", "JY-17"), _d("pushed_on", "JY-17")),
             response={"type": "object", "required": ["ids"],
                       "properties": {"ids": {"type": "array", "items": {"type": "string", "format": "uuid"}}}}),
)

COMMANDS: tuple[Endpoint, ...] = (*SUBJECTS, *RECORDS, *LISTS, *OBJECTIONS, *REPAIRS, *SANCTIONS)
