"""Issue 15.9 in the UI: the admin page lists each profile version with its period and publishes a later one."""

from __future__ import annotations

from casework_support import refused_at
from flask import Flask
from web_helpers import event_count, flashed_id, login, post

from web.context import services


def test_issue_15_9_admin_lists_versions_with_periods_and_publishes_nt_v2(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    page = client.get("/admin/profiles").get_data(as_text=True)  # zh by default
    v2 = page[page.index('id="profile-NT-v2"'):][:600]
    assert "2026-04-01" in v2 and "现行有效" in v2 and 'class="unpublished"' in v2
    assert "2026-03-31" in page[page.index('id="profile-NT"'):][:600]
    before = event_count(app)
    refused_at(post(client, "/admin/profiles", {"profile_id": "NT", "version": "9"}), "version", "NT-PCI-36")
    assert event_count(app) == before
    flashed_id(client, post(client, "/admin/profiles", {"profile_id": "NT", "version": "2"}))
    assert event_count(app) == before + 1
    with app.app_context():
        assert services().credit.published_profile("NT", 2).profile().repair.rule_id == "NAT-2025-36"
    client.get("/lang/en")
    page = client.get("/admin/profiles").get_data(as_text=True)
    assert "In force from" in page and 'class="published"' in page[page.index('id="profile-NT-v2"'):][:600]
