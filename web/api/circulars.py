"""The API of the quarterly circular (NT-JRP-Q): the credit office issues it; staff reproduce it."""

from __future__ import annotations

from typing import Any

from web.api.commands import OFFICE, PROFILES, _d
from web.api.queries import STAFF
from web.api.serialize import plain
from web.api.spec import ENUM, ID_RESPONSE, STRING, Endpoint, Field
from web.circulars import produce_circular, reproduce_circular
from web.context import services
from web.principal import current_principal

PROFILE = Field("profile_id", ENUM, "NT-JRP-Q", choices=PROFILES)
PERIOD = Field("period", STRING, "NT-JRP-Q", description="a quarter, YYYY-Qn", max_length=7)


def issue(args: dict[str, Any]) -> dict[str, str]:
    """Compute the quarter's contents at the last log position and issue the signed circular."""
    svc = services()
    return {"id": str(produce_circular(svc.ledger, svc.engine, svc.credit, current_principal().actor(), **args))}


def reproduce(args: dict[str, Any]) -> dict[str, Any]:
    """The issued circular with its contents recomputed at its log position (`matches`)."""
    svc = services()
    answer = reproduce_circular(svc.ledger, svc.engine, svc.credit, args["profile_id"], args["period"])
    return plain(answer)  # type: ignore[no-any-return]


REPRODUCTION = {"type": "object", "required": ["id", "period", "log_position", "content_hash", "recomputed_hash",
                                               "matches", "contents"],
                "properties": {"matches": {"type": "boolean"}, "log_position": {"type": "integer"},
                               "contents": {"type": "object"}}}
CIRCULARS: tuple[Endpoint, ...] = (
    Endpoint("issue_circular", "POST", "/circulars", "Issue the quarterly circular on lists, reports and sanctions "
             "(NT-JRP-Q, NT-JRP-4)", OFFICE, issue, "reporting", body=(PROFILE, PERIOD, _d("issued_on", "NT-JRP-Q")),
             response=ID_RESPONSE),
    Endpoint("reproduce_circular", "GET", "/circulars/{profile_id}/{period}", "An issued circular, recomputed at "
             "its log position and compared (NT-JRP-Q)", STAFF, reproduce, "reporting",
             path_fields=(PROFILE, PERIOD), response=REPRODUCTION),
)
