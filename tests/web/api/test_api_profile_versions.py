"""Issue 15.9 through the API: the versions of a profile over time, the one in force on a day, publishing a later
version (NT v2 from 2026-04-01, NAT-2025-36)."""

from __future__ import annotations

from api_support import Api, error_of, event_total
from flask import Flask


def test_issue_15_9_profile_versions_in_force_on_a_day(app: Flask) -> None:
    anonymous = app.test_client()
    before = anonymous.get("/api/v1/profiles/NT/versions?on=2026-03-31").get_json()
    after = anonymous.get("/api/v1/profiles/NT/versions?on=2026-04-01").get_json()
    assert (before["in_force"], after["in_force"]) == (1, 2)
    rows = [(v["version"], v["effective_date"], v["until"], v["published"]) for v in after["versions"]]
    assert rows == [(1, "2018-06-26", "2026-03-31", True), (2, "2026-04-01", None, False)]
    today = anonymous.get("/api/v1/profiles/NT/versions").get_json()
    assert today["on"] == "2025-06-16" and today["in_force"] == 1  # the app's business day
    bad = anonymous.get("/api/v1/profiles/NT/versions?on=2026-13-01")
    assert (bad.status_code, error_of(bad)["field"]) == (422, "on")
    unknown = anonymous.get("/api/v1/profiles/XX/versions")
    assert unknown.status_code == 422 and error_of(unknown)["field"] == "profile_id"


def test_issue_15_9_publishing_a_later_version_nt_pci_36(app: Flask) -> None:
    admin = Api(app, "admin")
    count = event_total(app)
    missing = admin.post("/profiles", {"profile_id": "NT", "version": 9})
    assert missing.status_code == 404 and event_total(app) == count
    published = admin.ok("/profiles", {"profile_id": "NT", "version": 2})["id"]
    assert admin.ok("/profiles", {"profile_id": "NT", "version": 2})["id"] == published  # NT-PCI-36: a no-op
    rows = app.test_client().get("/api/v1/profiles/NT/versions").get_json()["versions"]
    assert [v["published"] for v in rows] == [True, True]
    assert "/api/v1/profiles/{profile_id}/versions" in app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
