"""Response schemas of the aggregates the API answers: records, list entries, sanction cases, points accounts.
Every listed property is required and typed (the domain may add attributes: extra properties are allowed)."""

from __future__ import annotations

from typing import Any

from web.api.serialize import AGGREGATE_SCHEMA

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": "string", "nullable": True}
DAY = {"type": "string", "format": "date"}
NULLABLE_DAY = {"type": "string", "format": "date", "nullable": True}
ID = {"type": "string", "format": "uuid"}
NULLABLE_ID = {"type": "string", "format": "uuid", "nullable": True}
OBJECT = {"type": "object"}
NULLABLE_OBJECT = {"type": "object", "nullable": True}
OBJECTS = {"type": "array", "items": OBJECT}
TEXTS = {"type": "array", "items": TEXT}
DOCUMENT = {"type": "object", "required": ["number", "date"], "properties": {"number": TEXT, "date": DAY}}
BASIS = {"type": "object", "required": ["type", "number", "date", "issuer"],
         "properties": {"type": TEXT, "number": TEXT, "date": DAY, "issuer": TEXT}}


def aggregate_schema(kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    """The schema of one kind of aggregate: the common part and `properties`, all required."""
    common = AGGREGATE_SCHEMA["properties"]
    return {"type": "object", "required": ["id", "kind", "version", "created_on", "modified_on", *properties],
            "properties": {**common, "kind": {"type": "string", "enum": [kind]}, **properties}}


RECORD_SCHEMA = aggregate_schema("DishonestyRecord", {
    "subject_id": ID, "policy_id": TEXT, "behaviour_code": TEXT, "tier": TEXT, "basis": BASIS,
    "determining_unit": TEXT, "act_date": DAY, "determination_date": DAY, "disclosure": TEXT,
    "valid_until": NULLABLE_DAY, "summary": TEXT, "origin_record_id": NULLABLE_ID, "role": NULLABLE_TEXT,
    "status": TEXT, "flags": TEXTS, "contacts": OBJECTS, "corrections": OBJECTS, "closed_on": NULLABLE_DAY,
    "closing": OBJECT})
LIST_ENTRY_SCHEMA = aggregate_schema("ListEntry", {
    "subject_id": ID, "policy_id": TEXT, "list_code": TEXT, "list_field": NULLABLE_TEXT,
    "record_ids": {"type": "array", "items": ID}, "determining_unit": TEXT, "drafted_on": DAY, "reason": TEXT,
    "status": TEXT, "notice": NULLABLE_OBJECT, "publicity": NULLABLE_OBJECT,
    "decision": {"type": "object", "nullable": True, "required": ["confirmed_on"],
                 "properties": {"confirmed_on": DAY, "document": {**DOCUMENT, "nullable": True}}},
    "valid_until": NULLABLE_DAY, "exit_announcement": NULLABLE_OBJECT, "upward_pushes": OBJECTS, "flags": TEXTS,
    "closing": OBJECT})
SANCTION_SCHEMA = aggregate_schema("SanctionCase", {
    "subject_id": ID, "policy_id": TEXT, "source_id": ID, "source_kind": TEXT, "target": TEXT, "measure_id": TEXT,
    "measure_name": TEXT, "legal_basis": TEXT, "department": TEXT, "pushed_on": DAY,
    "response_deadline": NULLABLE_OBJECT, "acknowledged_on": NULLABLE_DAY, "cases": OBJECTS, "feedback": OBJECTS,
    "feedback_deadline": NULLABLE_OBJECT, "lift": NULLABLE_OBJECT, "origin_case_id": NULLABLE_ID, "status": TEXT})
POINTS_SCHEMA = aggregate_schema("PointsAccount", {
    "subject_id": ID, "profile_id": TEXT, "total": {"type": "integer"}, "grade": NULLABLE_TEXT,
    "entries": OBJECTS})
