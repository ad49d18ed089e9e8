"""The forms a subject's page links to with the subject chosen (issue 16.1): the picker is prefilled from the
subject's id in the URL (an id, never personal data); only the forms the current role may open."""

from __future__ import annotations

from uuid import UUID

from flask import url_for
from flask_babel import gettext as _

from web.labels import N_
from web.permissions import allowed
from web.principal import current_principal

ACTIONS = (
    ("recording.record", N_("Record dishonesty")),
    ("recording.information", N_("Record positive or other information")),
    ("office.lists", N_("Draft a list entry")),
    ("office.sanctions", N_("Push a measure")),
    ("casework.escalate", N_("Escalation")),
    ("recording.contact", N_("Register a reminder or interview")),
    ("office.objection_file", N_("File an objection")),
    ("office.repair_apply", N_("Register a repair application")),
    ("recording.authorisation", N_("Register a query authorisation")),
    ("recording.query", N_("Query a subject")),
    ("casework.points", N_("Dishonesty points")),
    ("audit.timetravel", N_("Time travel")),  # NT-PCI-36: the auditor's as-of view of this subject
)


def subject_actions(subject_id: UUID) -> list[tuple[str, str]]:
    """(url, label) of each form the current role may open, with this subject chosen in its picker."""
    role = current_principal().role
    return [(url_for(endpoint, subject_id=subject_id), _(label)) for endpoint, label in ACTIONS
            if allowed(endpoint, role)]
