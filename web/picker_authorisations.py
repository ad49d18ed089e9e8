"""The authorisation picker's choices: a subject's running query authorisations (NT-PCI-22, HA-5.3), found by
scanning the log's grant events (authorisations are not indexed by subject), labelled by requester and purpose."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from flask_babel import gettext as _

from domain.authorisation import QueryAuthorisation
from domain.unit_of_work import UnitOfWork
from web.context import services

TOPIC = f"{QueryAuthorisation.__module__}:{QueryAuthorisation.__qualname__}.Granted"
PAGE = 500


def _granted_for(subject_id: UUID) -> list[UUID]:
    """Ids of every authorisation ever granted by the subject (signatures verified on read)."""
    ledger, found, start = services().ledger, [], 1
    while True:
        batch = ledger.recorder.select_notifications(start, PAGE, topics=[TOPIC])
        for notification in batch:
            event = ledger.mapper.to_domain_event(notification)
            if event.subject_id == subject_id:
                found.append(event.originator_id)
        if len(batch) < PAGE:
            return found
        start = batch[-1].id + 1


def authorisations(subject_id: UUID, today: date) -> list[dict[str, str]]:
    """The subject's authorisations not withdrawn and not past their last day, newest first."""
    read = UnitOfWork(services().ledger, None)  # type: ignore[arg-type]  # read-only: never committed
    running = [a for a in (read.get(i, QueryAuthorisation, "authorisation_id") for i in _granted_for(subject_id))
               if a.withdrawn_on is None and a.valid_until >= today]
    return [{"id": str(a.id), "label": f"{a.requester} · {a.purpose} · {a.granted_on} – {a.valid_until}"
                                       f" · {_(a.method)}"}
            for a in sorted(running, key=lambda a: a.granted_on, reverse=True)]
