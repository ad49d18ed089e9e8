"""ONE declaration per API endpoint: its fields (validation AND OpenAPI schema), roles, handler and response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 4000
MAX_ITEMS = 100
MAX_INT = 2**31 - 1
# Kinds of field: how a value is parsed (web.api.validate) and described (web.api.openapi).
STRING, DATE, UUID_, BOOLEAN, INTEGER, ENUM, UUIDS, STRINGS, OBJECT, MOMENT, DATES, OBJECTS = (
    "string", "date", "uuid", "boolean", "integer", "enum", "uuids", "strings", "object", "moment", "dates", "objects")


@dataclass(frozen=True)
class Field:
    """One input value: where it comes from, its kind, the rule it serves (cited when it is refused)."""

    name: str
    kind: str
    rule: str
    required: bool = True
    description: str = ""
    choices: tuple[str, ...] = ()
    parts: tuple[Field, ...] = ()  # the fields of an OBJECT, or of each item of OBJECTS
    max_length: int = MAX_TEXT  # codes stored in read-model columns are short
    max_items: int = MAX_ITEMS  # of a list

    def schema(self) -> dict[str, Any]:
        """The JSON schema of the value (OpenAPI 3.0)."""
        return _SCHEMAS[self.kind](self)


def _string(f: Field) -> dict[str, Any]:
    return {"type": "string", "minLength": 1 if f.required else 0, "maxLength": f.max_length}


def _object(f: Field) -> dict[str, Any]:
    return object_schema(f.parts)


_SCHEMAS: dict[str, Callable[[Field], dict[str, Any]]] = {
    STRING: _string,
    DATE: lambda f: {"type": "string", "format": "date"},
    MOMENT: lambda f: {"type": "string", "description": "YYYY-MM-DD (end of that day, UTC+8) or an ISO date-time "
                                                        "with offset"},
    UUID_: lambda f: {"type": "string", "format": "uuid"},
    BOOLEAN: lambda f: {"type": "boolean"},
    INTEGER: lambda f: {"type": "integer", "minimum": 0, "maximum": MAX_INT},
    ENUM: lambda f: {"type": "string", "enum": list(f.choices)},
    UUIDS: lambda f: {"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "string", "format": "uuid"}},
    DATES: lambda f: {"type": "array", "maxItems": MAX_ITEMS, "items": {"type": "string", "format": "date"}},
    STRINGS: lambda f: {"type": "array", "maxItems": MAX_ITEMS,
                        "items": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT}},
    OBJECT: _object,
    OBJECTS: lambda f: {"type": "array", "maxItems": f.max_items, "items": object_schema(f.parts)},
}


def object_schema(parts: tuple[Field, ...]) -> dict[str, Any]:
    """The JSON schema of an object made of `parts` (unknown properties are refused)."""
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": {p.name: {**p.schema(), **({"description": p.description}
                                                                       if p.description else {})} for p in parts}}
    required = [p.name for p in parts if p.required]
    if required:
        schema["required"] = required
    return schema


@dataclass(frozen=True)
class Endpoint:
    """An API operation: method and path (OpenAPI style, `{name}` for path fields), roles, inputs, handler."""

    name: str
    method: str
    path: str
    summary: str
    roles: frozenset[str]
    handler: Callable[[dict[str, Any]], Any]
    tag: str
    path_fields: tuple[Field, ...] = ()
    query: tuple[Field, ...] = ()
    body: tuple[Field, ...] | None = None  # None: no request body
    response: dict[str, Any] = field(default_factory=lambda: {"type": "object"})
    registers_read: bool = False  # a non-public read, registered in the access log (HA-5.2)
    media_type: str = "application/json"  # of the 200 answer (a handler answering another type returns a Response)
    lookup: bool = False  # a read sent as POST so that a personal number never appears in a URL (no CSRF: it changes nothing)

    @property
    def flask_rule(self) -> str:
        """The Flask URL rule (path fields as plain strings: their ids are validated by the spec)."""
        return self.path.replace("{", "<").replace("}", ">")


def doc_fields(rule: str, *, kind: bool = False, text: bool = False) -> tuple[Field, ...]:
    """The fields of a numbered, dated document (with type and issuer for a legal basis, or its text)."""
    found = [Field("number", STRING, rule), Field("date", DATE, rule)]
    if kind:
        found = [Field("type", STRING, rule, description="HA-2.2 document type, e.g. administrative_penalty"),
                 *found, Field("issuer", STRING, rule)]
    if text:
        found.append(Field("text", STRING, rule))
    return tuple(found)


ID_RESPONSE: dict[str, Any] = {"type": "object", "required": ["id"], "additionalProperties": False,
                               "properties": {"id": {"type": "string", "format": "uuid",
                                                     "description": "the new or changed item's id"}}}
