"""The API's later rulings on records and entries: correction after an upheld objection (NT-PCI-32), escalation
(LYG-9, LYG-12), revocation of erroneous records and listings (JY-24), Changshu dishonesty points (CS-2.2)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from domain.policy import load_all
from web.api.commands import PROFILES, RECORDERS, _cmd, _code, _d, _id, _s
from web.api.reads import PURPOSE_FIELDS, register_read
from web.api.schemas import POINTS_SCHEMA
from web.api.serialize import aggregate
from web.api.spec import DATE, ENUM, INTEGER, OBJECT, UUID_, Endpoint, Field, doc_fields
from web.context import services
from web.roles import STAFF_READERS


# CS-2.2: the profile keeping a points scheme is the API's default; the domain names no default profile.
POINTS_PROFILE = next(p.id for p in load_all().values() if p.points_grades)


def _with_points_profile(endpoint: Endpoint) -> Endpoint:
    """The endpoint with `profile_id` defaulting to the points profile (CS-2.2)."""
    run: Callable[[dict[str, Any]], Any] = endpoint.handler

    def handler(args: dict[str, Any]) -> Any:
        return run({"profile_id": POINTS_PROFILE, **args})
    handler.__name__ = run.__name__
    return dataclasses.replace(endpoint, handler=handler)


def _basis(rule: str) -> Field:
    return Field("basis", OBJECT, rule, parts=doc_fields(rule, kind=True))


def _changes() -> Field:
    """What an upheld objection corrects: record fields (NT-PCI-32), or how a list entry is withdrawn (JY-24)."""
    rule = "NT-PCI-32"
    parts = (_code("behaviour_code", rule, False), _code("tier", rule, False),
             Field("basis", OBJECT, rule, False, parts=doc_fields(rule, kind=True)),
             Field("act_date", DATE, rule, False), Field("determination_date", DATE, rule, False),
             _s("disclosure", rule, False), _s("summary", rule, False),
             _s("reason", rule, False, "list entries: why the entry is withdrawn"),
             Field("apology", OBJECT, "JY-24", False, "confirmed black-list entries: the written apology",
                   parts=doc_fields("JY-24", text=True)),
             _s("benefits_recovered", "JY-24", False, "confirmed red-list entries: how the benefits were recovered"))
    return Field("changes", OBJECT, rule, parts=parts,
                 description="record: the corrected fields; list entry: reason (+ apology or benefits_recovered)")


def points_account(args: dict[str, Any]) -> dict[str, Any]:
    """A subject's dishonesty points account (CS-2.2); the read is registered first (HA-5.2)."""
    credit, subject_id = services().credit, args["subject_id"]
    credit.check_subject(subject_id)
    account = credit.points_account(subject_id, args.get("profile_id", POINTS_PROFILE))
    register_read(subject_id, f"api: points account {account.id}", args)
    return aggregate(account)


RULINGS: tuple[Endpoint, ...] = (
    _cmd("apply_correction", "/objections/{objection_id}/correction",
         "Correct the record after an upheld objection, or withdraw the list entry (NT-PCI-32, JY-6.2, JY-24)",
         RECORDERS, "objections", (_changes(), _d("applied_on", "NT-PCI-32"))),
    _cmd("escalate", "/records/{record_id}/escalation",
         "Escalate a record to a more serious tier, by its determining unit (LYG-9, LYG-12, JY-5)", RECORDERS,
         "records", (_code("behaviour_code", "LYG-9"), _d("determination_date", "LYG-9"), _basis("HA-2.2"),
                     _s("reason", "LYG-9"))),
    _cmd("revoke_erroneous", "/revocations",
         "Revoke an erroneous record or listing: a written apology (black lists, records) or the benefits "
         "recovered (red lists) (JY-24)", RECORDERS, "records",
         (_id("target_id", "JY-24"), _s("reason", "JY-24"), _d("revoked_on", "JY-24"),
          Field("apology", OBJECT, "JY-24", False, "the written apology (records and black-list entries)",
                parts=doc_fields("JY-24", text=True)),
          _s("benefits_recovered", "JY-24", False, "red-list entries: how the benefits were recovered"))),
    _with_points_profile(_cmd("add_points", "/points",
         "Add dishonesty points, by the enforcement bureaus; a sanctioning grade records a determination (CS-2.2)",
         RECORDERS, "points",
         (_id("subject_id", "CS-2.2"), Field("points", INTEGER, "CS-2.2"), _s("reason", "CS-2.2"),
          _d("act_date", "CS-2.2"), _basis("CS-2.2"),
          Field("profile_id", ENUM, "CS-2.2", False, "the points scheme (default CS)", choices=PROFILES),
          _code("behaviour_code", "CS-2.2", False)))),
    _with_points_profile(_cmd("grade_points", "/points/grades",
         "Grade a subject, by the urban-management office, when the profile holds no point ranges (CS-2.2)",
         RECORDERS, "points",
         (_id("subject_id", "CS-2.2"), _code("grade", "CS-2.2"), _d("graded_on", "CS-2.2"), _basis("CS-2.2"),
          Field("profile_id", ENUM, "CS-2.2", False, "the points scheme (default CS)", choices=PROFILES),
          _code("behaviour_code", "CS-2.2", False)))),
    Endpoint("points_account", "GET", "/subjects/{subject_id}/points",
             "A subject's dishonesty points and grade (CS-2.2; read registered, HA-5.2)", frozenset(STAFF_READERS),
             points_account, "points", path_fields=(Field("subject_id", UUID_, "CS-2.2"),),
             query=(Field("profile_id", ENUM, "CS-2.2", False, "the points scheme (default CS)", choices=PROFILES),
                    *PURPOSE_FIELDS),
             response=POINTS_SCHEMA, registers_read=True),
)
