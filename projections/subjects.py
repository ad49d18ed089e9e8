"""Subject profiles, with the masked name and identifier the public sees (HA-3.2)."""

from __future__ import annotations

from typing import Any

from domain.identifiers import CreditCode, ResidentId, mask_name
from projections.base import Logged, Projection, sid
from projections.batch import Batch
from projections.db import subjects


def masked(kind: str, name: str, id_number: str | None, uscc: str | None) -> tuple[str, str]:
    """HA-3.2: a person's (and a civil servant's, NT-GOV-2.3) name and resident ID are masked; an organisation
    or government body shows its name."""
    if kind in ("person", "civil_servant"):
        return mask_name(name), ResidentId.parse(id_number or "").masked()
    return name, CreditCode.parse(uscc or "").masked()


def on_registered(rows: Batch, e: Any, at: Logged) -> None:
    """A person or organisation was registered (NT-PCI-2, NT-PCI-15, NT-PCI-18)."""
    masked_name, masked_id = masked(e.kind, e.name, e.id_number, e.uscc)
    rows.insert(subjects, dict(
        subject_id=sid(e.originator_id), kind=e.kind, name=e.name, id_number=e.id_number, uscc=e.uscc,
        masked_name=masked_name, masked_id=masked_id, recorded_position=at.position,
    ))


PROJECTION = Projection("subjects", (subjects,), {"Subject.Registered": on_registered})
