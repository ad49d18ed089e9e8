"""The notes of a ledger verification (ledger/audit.py, ledger/account_audit.py) in the page's language.

The ledger writes its notes in English for the CLI and the log; the audit page shows the known ones translated
(with their numbers) and any other note as the ledger wrote it.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext as _

from ledger.account_audit import NO_REGISTRY

_FROM_POSITION = re.compile(r"^actor users are checked from position (\d+) \(the account registry started at "
                            r"position (\d+)\)$")
_NO_PIN = re.compile(r"^no pinned root key: trusting the genesis root key ([0-9a-f]+)…$")


def verify_note(note: str) -> str:
    """One verification note as the auditor reads it."""
    if note == NO_REGISTRY:
        return _("This ledger has no account registry (initialised before it existed, or without `ledger init`): who "
                 "acted is not checked.")
    found = _FROM_POSITION.match(note)
    if found:
        return _("The users who acted are checked from position %(first)s (the account registry started at "
                 "position %(start)s).", first=found.group(1), start=found.group(2))
    found = _NO_PIN.match(note)
    if found:
        return _("No pinned root key: the genesis root key %(key)s… is trusted.", key=found.group(1))
    return note


def init(app: Flask) -> None:
    """Make the translation available to the templates."""
    app.jinja_env.globals["verify_note"] = verify_note
