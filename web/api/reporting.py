"""The API's reporting and upkeep: monthly list reports (NT-PCI-17), upward pushes (JY-22), the daily expiry
sweep (NT-PCI-30)."""

from __future__ import annotations

import re
from typing import Any

from web.api.commands import OFFICE, PROFILES, RECORDERS, _cmd, _d, command
from web.api.errors import ApiError
from web.api.serialize import plain
from web.api.spec import DATE, ENUM, STRING, STRINGS, UUIDS, Endpoint, Field
from web.context import services
from web.principal import current_principal

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ID_LIST = {"type": "array", "items": {"type": "string", "format": "uuid"}}
TEXT = {"type": "string"}


def report_list_entries(args: dict[str, Any]) -> dict[str, str]:
    """The unit's monthly report of the red/black entries it confirmed in `period` (NT-PCI-17)."""
    found = MONTH.match(args["period"])
    if found is None or int(found.group(1)) < 1:
        raise ApiError(422, f"period must be a month YYYY-MM, got {args['period'][:20]!r}", "period", "NT-PCI-17")
    return command("report_list_entries")(args)


def reports_due(args: dict[str, Any]) -> list[Any]:
    """Monthly reports past their deadline and not submitted (NT-PCI-17)."""
    return plain(services().credit.reports_due())  # type: ignore[no-any-return]


def upward_pushes_pending(args: dict[str, Any]) -> list[Any]:
    """Confirmed serious entries not yet pushed to every upper-level system (JY-22)."""
    return plain(services().credit.upward_pushes_pending())  # type: ignore[no-any-return]


def sweep(args: dict[str, Any]) -> dict[str, Any]:
    """Record the expiry of everything whose validity ended and push the lifts (NT-PCI-30, JY-20)."""
    expired = services().credit.sweep(current_principal().actor(), **args)
    return {"expired": [str(i) for i in expired]}


REPORT_DUE = {"type": "object", "required": ["profile_id", "unit", "period", "list_entry_ids", "due", "days_late",
                                             "rule_id"],
              "properties": {"profile_id": TEXT, "unit": TEXT, "period": TEXT, "list_entry_ids": ID_LIST,
                             "due": {"type": "string", "format": "date"}, "deadline": {"type": "object"},
                             "days_late": {"type": "integer"}, "rule_id": TEXT}}
PENDING = {"type": "object", "required": ["list_entry_id", "subject_id", "missing"],
           "properties": {"list_entry_id": {"type": "string", "format": "uuid"},
                          "subject_id": {"type": "string", "format": "uuid"},
                          "missing": {"type": "array", "items": TEXT},
                          "confirmed_on": {"type": "string", "format": "date", "nullable": True}}}

REPORTING: tuple[Endpoint, ...] = (
    Endpoint("report_list_entries", "POST", "/list-reports",
             "Report every red/black entry the unit confirmed in a month; an empty list is the zero report "
             "(NT-PCI-17)", RECORDERS, report_list_entries, "reporting",
             body=(Field("profile_id", ENUM, "NT-PCI-17", choices=PROFILES),
                   Field("period", STRING, "NT-PCI-17", description="the month reported, YYYY-MM", max_length=7),
                   Field("list_entry_ids", UUIDS, "NT-PCI-17", description="every entry of the month (may be empty)"),
                   _d("reported_on", "NT-PCI-17")),
             response={"type": "object", "required": ["id"], "additionalProperties": False,
                       "properties": {"id": {"type": "string", "format": "uuid"}}}),
    Endpoint("reports_due", "GET", "/list-reports/due", "Monthly list reports past their deadline (NT-PCI-17)",
             OFFICE, reports_due, "reporting", response={"type": "array", "items": REPORT_DUE}),
    _cmd("push_upward", "/list-entries/{list_entry_id}/upward-push",
         "Push a confirmed serious entry to the provincial and prefecture systems (JY-22)", OFFICE, "reporting",
         (_d("pushed_on", "JY-22"),
          Field("systems", STRINGS, "JY-22", False, "which upper-level systems (default: all the profile names)"))),
    Endpoint("upward_pushes_pending", "GET", "/upward-pushes/pending",
             "Confirmed serious entries not yet pushed to every upper-level system (JY-22)", OFFICE,
             upward_pushes_pending, "reporting", response={"type": "array", "items": PENDING}),
    Endpoint("sweep", "POST", "/sweep", "Record expiries whose validity ended and push the lifts; idempotent, "
             "run daily (NT-PCI-30, LYG-18)", OFFICE, sweep, "reporting",
             body=(Field("today", DATE, "NT-PCI-30", False, "the business date swept (default: today)"),),
             response={"type": "object", "required": ["expired"], "additionalProperties": False,
                       "properties": {"expired": ID_LIST}}),
)
