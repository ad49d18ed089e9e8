"""The API of the profile versions over time (issue 15.9): which rules were in force on a day (public data)."""

from __future__ import annotations

from typing import Any

from domain.profile_aggregate import PublishedProfile
from web.api.commands import PROFILES
from web.api.queries import EVERYONE
from web.api.spec import DATE, ENUM, Endpoint, Field
from web.context import services

TEXT = {"type": "string"}
DAY = {"type": "string", "format": "date"}
VERSION = {"type": "object", "required": ["version", "label", "effective_date", "until", "content_hash", "published"],
           "properties": {"version": {"type": "integer"}, "label": TEXT, "effective_date": DAY,
                          "until": {**DAY, "nullable": True}, "content_hash": TEXT, "published": {"type": "boolean"}}}


def profile_versions(args: dict[str, Any]) -> dict[str, Any]:
    """Every version of the profile with its period, and the one in force on `on` (default: today)."""
    svc = services()
    versions = svc.credit.versions_of(args["profile_id"])
    day = args.get("on") or svc.credit.today()
    rows = [{"version": p.version, "label": p.label, "effective_date": start.isoformat(),
             "until": end.isoformat() if end else None, "content_hash": p.content_hash(),
             "published": svc.ledger.exists(PublishedProfile.id_for(p))} for p, start, end in versions.periods()]
    return {"profile_id": versions.id, "on": day.isoformat(), "in_force": versions.on(day).version, "versions": rows}


PROFILE_ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("profile_versions", "GET", "/profiles/{profile_id}/versions",
             "The versions of a policy profile over time and the one in force on a day: validity follows the "
             "version at determination, procedure the version on the day of the act (issue 15.9)",
             EVERYONE, profile_versions, "public",
             path_fields=(Field("profile_id", ENUM, "JY-16", choices=PROFILES),),
             query=(Field("on", DATE, "JY-16", False, "the day (default: today)"),),
             response={"type": "object", "required": ["profile_id", "on", "in_force", "versions"],
                       "properties": {"profile_id": TEXT, "on": DAY, "in_force": {"type": "integer"},
                                      "versions": {"type": "array", "items": VERSION}}}),
)
