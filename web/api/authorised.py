"""The API's authorised queries (NT-PCI-22, HA-5.3) and government sharing (NT-PCI-19/20), each read registered;
the LYG-4 submission of records to the credit office."""

from __future__ import annotations

from typing import Any

from web.api.commands import RECORDERS, _cmd, _d, _s
from web.api.serialize import AGGREGATE_SCHEMA, aggregate, list_of
from web.api.spec import OBJECT, UUID_, UUIDS, Endpoint, Field, doc_fields
from web.context import services
from web.principal import current_principal
from web.roles import STAFF_READERS

SUBJECT_PATH = (Field("subject_id", UUID_, "NT-PCI-22"),)
ITEMS = {"type": "object", "properties": {"records": list_of(AGGREGATE_SCHEMA),
                                          "information": list_of(AGGREGATE_SCHEMA)}}


def _items(found: dict[str, list[Any]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [aggregate(item) for item in items] for name, items in found.items()}


def submit_records(args: dict[str, Any]) -> dict[str, Any]:
    """The petition department submits records to the credit office (LYG-4); the submitted ids."""
    return {"ids": [str(i) for i in services().credit.submit_records(current_principal().actor(), **args)]}


def authorised_query(args: dict[str, Any]) -> dict[str, Any]:
    """Public and authorised-query items under a running authorisation (NT-PCI-22, HA-5.3)."""
    return _items(services().credit.authorised_query(current_principal().actor(), **args))


def government_shared_query(args: dict[str, Any]) -> dict[str, Any]:
    """Public and government-shared items for a government unit's duties (NT-PCI-19/20)."""
    return _items(services().credit.government_shared_query(current_principal().actor(), **args))


AUTHORISED: tuple[Endpoint, ...] = (
    Endpoint("submit_records", "POST", "/records/submissions",
             "The petition department collects and submits records to the credit office (LYG-4)", RECORDERS,
             submit_records, "records", body=(Field("record_ids", UUIDS, "LYG-4"), _d("submitted_on", "LYG-4")),
             response={"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string"}}}}),
    _cmd("grant_query_authorisation", "/subjects/{subject_id}/query-authorisations",
         "Register the subject's authorisation of a requester for one purpose until a stated day (NT-PCI-22, "
         "HA-5.3)", RECORDERS, "subjects",
         (_s("requester", "NT-PCI-22"), _s("method", "NT-PCI-22", description="written, sms or online"),
          _s("purpose", "HA-5.3"), _d("granted_on", "NT-PCI-22"), _d("valid_until", "HA-5.3"),
          Field("evidence", OBJECT, "NT-PCI-22", description="the authorisation document or online verification: "
                "number and date", parts=doc_fields("NT-PCI-22")))),
    Endpoint("authorised_query", "POST", "/subjects/{subject_id}/authorised-query",
             "Public and authorised-query items under a running authorisation (NT-PCI-22, HA-5.3; read registered)",
             frozenset(STAFF_READERS), authorised_query, "subjects", path_fields=SUBJECT_PATH,
             body=(_s("purpose", "HA-5.3"), Field("authorisation_id", UUID_, "NT-PCI-22")), response=ITEMS),
    Endpoint("government_shared_query", "POST", "/subjects/{subject_id}/shared-query",
             "Public and government-shared items for a government unit (NT-PCI-19; read registered)",
             frozenset(STAFF_READERS), government_shared_query, "subjects", path_fields=SUBJECT_PATH,
             body=(_s("purpose", "HA-5.2"), _s("basis", "HA-5.2")), response=ITEMS),
)
