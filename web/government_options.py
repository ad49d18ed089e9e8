"""The choices the government-integrity forms offer, named in the page's language (NT-GOV-2.2a/b, 2.4a, 2.5b):
file categories of a subject's kind, polarities, civil servants by employing body, self-correction grounds."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_babel import gettext as _
from sqlalchemy import select

from domain.government_case import OUTCOMES
from domain.government_policy import POLARITIES, government_rules
from domain.subject import CIVIL_SERVANT, Subject
from projections.asof import catch_up
from projections.db import subjects
from projections.timetravel import resolve_position
from web.context import services

PROFILE = "NT"  # the only profile with a government-integrity text (the Nantong seed's first text)


def coded(codes: Any) -> list[tuple[str, str]]:
    """(code, name in the page's language) for codes the catalogs name."""
    return [(code, _(code)) for code in codes]


def categories_of(kind: str) -> list[tuple[str, str]]:
    """NT-GOV-2.2a/d: the file categories of a government body or of a civil servant."""
    table = services().profiles[PROFILE].to_content().get("government", {}).get("file_categories", {})
    return coded(code for code, entry in table.items() if entry["subject_kind"] == kind)


def servants(body_id: UUID | None = None) -> list[Subject]:
    """The registered civil servants (of `body_id` when given), by name: chosen, never typed."""
    svc = services()
    catch_up(svc.ledger, svc.engine, ("subjects",), resolve_position(svc.ledger, None, None))
    with svc.engine.connect() as conn:
        ids = conn.execute(select(subjects.c.subject_id).where(subjects.c.kind == CIVIL_SERVANT)
                           .order_by(subjects.c.name, subjects.c.subject_id)).scalars().all()
    found = [svc.credit.subject(UUID(i)) for i in ids]
    return [s for s in found if body_id is None or (s.government or {}).get("employer_id") == str(body_id)]


def servant_label(servant: Subject, bodies: dict[str, str]) -> str:
    """'name · post · employing body' for a select (staff pages only; never in a URL or a log line)."""
    gov = servant.government or {}
    return " · ".join(p for p in (servant.name, gov.get("post") or "", bodies.get(gov.get("employer_id") or "", ""))
                      if p)


def file_page_options(subject: Subject) -> dict[str, Any]:
    """Everything the forms of a government file page offer for `subject`."""
    profile = services().profiles[PROFILE]
    rules = government_rules(profile)
    principals = servants(subject.id) if subject.kind != CIVIL_SERVANT else []
    return {"categories": categories_of(subject.kind), "polarities": coded(POLARITIES),
            "principals": [(str(s.id), servant_label(s, {})) for s in principals],
            "principal_names": {str(s.id): s.name for s in principals},
            "source_kinds": coded(rules.table.get("source_kinds", {})), "tiers": coded(profile.tiers),
            "grounds": coded(rules.self_correction_grounds), "outcomes": coded(OUTCOMES)}
