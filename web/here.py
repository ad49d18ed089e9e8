"""The current page as a `next=` target, without anything personal (issue 17.8: no personal data in URLs)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

# Query keys that could carry a personal number or name; lookups are POSTed, this is the second line of defence.
PERSONAL_KEYS = frozenset({"q", "id_number", "uscc", "name", "telephone", "lookup"})


def here() -> str:
    """The request's path and its non-personal query parameters (page, dates, positions, item ids)."""
    kept = [(k, v) for k, values in request.args.lists() if k not in PERSONAL_KEYS for v in values]
    return f"{request.path}?{urlencode(kept)}" if kept else request.path
