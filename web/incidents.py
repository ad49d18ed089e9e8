"""Unexpected errors become incidents: an id for the person, the traceback for the operator, nothing personal.

The log line carries the exception's type and the code locations only: a database error's message can quote
the parameters of its statement (names, ID numbers), which must never reach a log (NT-PCI-14).
"""

from __future__ import annotations

import logging
import traceback
import uuid

from flask import request

log = logging.getLogger("credit_ledger.incidents")


def new_incident(exc: BaseException) -> str:
    """Log an unexpected error under a fresh incident id and return the id."""
    incident = uuid.uuid4().hex[:12]
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("incident %s: %s on %s %s\n%s", incident, type(exc).__qualname__, request.method, request.path, frames)
    return incident
