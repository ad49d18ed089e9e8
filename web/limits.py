"""Limits on what a request may send: body size (413) and JSON nesting depth (400), both configurable.

A 10 MB body or `[` × 100000 must be refused before it is parsed, not answered with a 500 (issue 17.1).
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_JSON_DEPTH = 32
_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPEN, _CLOSE = frozenset(b"[{"), frozenset(b"]}")


class JsonTooDeep(ValueError):
    """A JSON text nested deeper than the configured limit (a ValueError, so Flask treats it as bad JSON)."""


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SystemExit(f"{name} must be a positive whole number (got {raw!r})")
    return int(raw)


def max_body_bytes() -> int:
    """The largest request body accepted (`LEDGER_MAX_BODY_BYTES`, default 1 MiB)."""
    return _setting("LEDGER_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)


def max_json_depth() -> int:
    """The deepest JSON nesting accepted (`LEDGER_MAX_JSON_DEPTH`, default 32)."""
    return _setting("LEDGER_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, by one pass without recursion."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSE:
            depth -= 1
    return deepest


def check_json_depth(text: str | bytes, limit: int) -> None:
    """Refuse a JSON text nested deeper than `limit`."""
    if json_depth(text) > limit:
        raise JsonTooDeep(f"JSON nested deeper than {limit} levels")


class DepthLimitedJSON(DefaultJSONProvider):
    """Flask's JSON provider, refusing too deep a text before the recursive parser sees it."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON after checking its depth."""
        check_json_depth(s, self._app.config["MAX_JSON_DEPTH"])
        return super().loads(s, **kwargs)


def install(app: Flask) -> None:
    """Set the body size limit (Flask answers 413 over it) and the depth-checking JSON provider."""
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = max_body_bytes()
    app.config.setdefault("MAX_JSON_DEPTH", max_json_depth())
    app.json = DepthLimitedJSON(app)
