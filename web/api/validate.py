"""Checking a request against its endpoint's declaration BEFORE the service is called (nothing stored on refusal)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from flask import request
from werkzeug.exceptions import BadRequest

from domain.clock import CHINA_TIME
from web.api.errors import ApiError, all_refused
from web.api.spec import (BOOLEAN, DATE, DATES, ENUM, INTEGER, MAX_INT, MAX_TEXT, MOMENT, OBJECT, OBJECTS, STRING,
                          STRINGS, UUID_, UUIDS, Endpoint, Field)
from web.limits import JsonTooDeep

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bad(f: Field, where: str, message: str) -> ApiError:
    return ApiError(422, f"{where}: {message}", where, f.rule)


def _text(f: Field, value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _bad(f, where, "must be a string")
    limit = f.max_length if f.kind == STRING else MAX_TEXT
    if "\x00" in value or len(value) > limit:
        raise _bad(f, where, f"must be text of at most {limit} characters without NUL")
    if f.required and not value.strip():
        raise _bad(f, where, "must not be blank")
    return value.strip()


def _day(f: Field, value: Any, where: str) -> date:
    if not isinstance(value, str) or not DAY.match(value):
        raise _bad(f, where, "must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _bad(f, where, f"{value!r} is not a calendar date") from None


def _moment(f: Field, value: Any, where: str) -> datetime:
    if isinstance(value, str) and DAY.match(value):
        return datetime.combine(_day(f, value, where), time.max, CHINA_TIME)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _bad(f, where, "must be YYYY-MM-DD or an ISO date-time with a UTC offset")
    return moment


def _uuid(f: Field, value: Any, where: str) -> UUID:
    if isinstance(value, str) and len(value) <= 64:
        try:
            return UUID(value)
        except ValueError:
            pass
    raise _bad(f, where, f"{str(value)[:60]!r} is not an id (UUID)")


def _integer(f: Field, value: Any, where: str) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
        raise _bad(f, where, f"must be a whole number 0..{MAX_INT}")
    return value


def _list(f: Field, value: Any, where: str, item: Any) -> list[Any]:
    if not isinstance(value, list) or len(value) > f.max_items:
        raise _bad(f, where, f"must be a list of at most {f.max_items} items")
    return [item(f, v, f"{where}[{i}]") for i, v in enumerate(value)]


def _objects(f: Field, value: Any, where: str) -> list[dict[str, Any]]:
    """A list of objects of the field's parts; every item's every bad part is named (`documents[1].date`)."""
    items = _list(f, value, where, lambda _f, v, w: (w, v))
    found: list[dict[str, Any]] = []
    errors: list[ApiError] = []
    for at, one in items:
        try:
            found.append(parse_object(f.parts, one, at))
        except ApiError as exc:
            errors.append(exc)
    _refuse_all(errors)
    return found


def _choice(f: Field, value: Any, where: str) -> str:
    if value not in f.choices:
        raise _bad(f, where, f"{str(value)[:60]!r} is not one of {', '.join(f.choices)}")
    return value  # type: ignore[no-any-return]


def _boolean(f: Field, value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(f, where, "must be true or false")
    return value


def parse(f: Field, value: Any, where: str) -> Any:
    """One value of the kind its field declares, or ApiError(422) naming the field and its rule."""
    if f.kind == STRING:
        return _text(f, value, where)
    if f.kind == UUIDS:
        return _list(f, value, where, _uuid)
    if f.kind == STRINGS:
        return _list(f, value, where, _text)
    if f.kind == DATES:
        return _list(f, value, where, _day)
    if f.kind == OBJECT:
        return parse_object(f.parts, value, where)
    if f.kind == OBJECTS:
        return _objects(f, value, where)
    parser = {DATE: _day, MOMENT: _moment, UUID_: _uuid, INTEGER: _integer, ENUM: _choice, BOOLEAN: _boolean}
    return parser[f.kind](f, value, where)


def parse_object(parts: tuple[Field, ...], value: Any, prefix: str = "") -> dict[str, Any]:
    """An object of declared fields: required ones present, no unknown ones, each value parsed."""
    if not isinstance(value, Mapping):
        raise ApiError(422 if prefix else 400, f"{prefix or 'the request body'} must be a JSON object",
                       prefix or "body", parts[0].rule if parts else None)
    names = {p.name for p in parts}
    errors = [ApiError(422, f"unknown field {str(key)[:60]!r}", f"{prefix}.{key}" if prefix else str(key),
                       parts[0].rule if parts else None) for key in value if key not in names]
    found: dict[str, Any] = {}
    for p in parts:
        where = f"{prefix}.{p.name}" if prefix else p.name
        try:
            if value.get(p.name) is None:
                if p.required:
                    raise _bad(p, where, "is required")
                continue
            found[p.name] = parse(p, value[p.name], where)
        except ApiError as exc:  # every field is checked: the refusal names them all (issue 16.3)
            errors.append(exc)
    _refuse_all(errors)
    return found


def _refuse_all(errors: list[ApiError]) -> None:
    """Raise one refusal naming every field at fault, if any."""
    refused = all_refused(errors)
    if refused is not None:
        raise refused


def _query_value(f: Field) -> Any:
    """One query parameter parsed, or None when absent (ApiError if it is required)."""
    if f.kind == DATES:  # a repeated query parameter: ?valid_at=2025-01-01&valid_at=2025-06-01
        raw: Any = [v for v in request.args.getlist(f.name) if v != ""] or None
    else:
        raw = request.args.get(f.name) or None
    if raw is None:
        if f.required:
            raise _bad(f, f.name, "is required")
        return None
    return parse(f, raw, f.name)


def _query(spec: Endpoint) -> dict[str, Any]:
    args: dict[str, Any] = {}
    errors: list[ApiError] = []
    for f in spec.query:
        try:
            value = _query_value(f)
        except ApiError as exc:
            errors.append(exc)
            continue
        if value is not None:
            args[f.name] = value
    _refuse_all(errors)
    return args


def _too_deep(exc: BaseException | None) -> JsonTooDeep | None:
    """The depth refusal behind a JSON decoding failure, if that was its cause."""
    while exc is not None and not isinstance(exc, JsonTooDeep):
        exc = exc.__cause__ or exc.__context__
    return exc


def _body(spec: Endpoint) -> dict[str, Any]:
    if spec.body is None:
        return {}
    if not any(f.required for f in spec.body) and not request.get_data():
        return {}  # every field optional: no body at all means none of them
    try:
        data = request.get_json(silent=False) if request.is_json else None
    except BadRequest as exc:
        too_deep = _too_deep(exc)
        if too_deep is not None:
            raise ApiError(400, str(too_deep), "body", None) from None
        data = None
    if data is None:
        raise ApiError(400, "the request body must be JSON (Content-Type: application/json)", "body", None)
    return parse_object(spec.body, data)


def request_args(spec: Endpoint, path_values: Mapping[str, str]) -> dict[str, Any]:
    """Every input of the request (path, query, body), parsed as the endpoint declares it; one refusal names
    every bad field of all three (issue 16.3)."""
    args: dict[str, Any] = {}
    errors: list[ApiError] = []
    for f in spec.path_fields:
        try:
            args[f.name] = parse(f, path_values.get(f.name), f.name)
        except ApiError as exc:
            errors.append(exc)
    for part in (_query, _body):
        try:
            args.update(part(spec))
        except ApiError as exc:
            errors.append(exc)
    _refuse_all(errors)
    return args
