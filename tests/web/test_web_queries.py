"""Authorised and government shared queries through the real form (NT-PCI-19/22, HA-5.3): the purpose must match a
running authorisation, a non-government unit is refused, each answered query is registered (HA-5.2)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from casework_support import refused_at
from flask import Flask
from web_helpers import event_count, login, post
from workflow_steps import office_records_and_lists

from domain.actor import Actor
from web.context import services

TAX = Actor("nt-tax-bureau", "recorder")


def _authorised(app: Flask, subject_id: str) -> str:
    """The subject authorises the tax bureau for one purpose until the end of June (NT-PCI-22, HA-5.3)."""
    with app.app_context():
        return str(services().credit.grant_query_authorisation(
            TAX, subject_id=UUID(subject_id), requester="nt-tax-bureau", method="written", purpose="纳税信用评价",
            granted_on=date(2025, 6, 1), valid_until=date(2025, 6, 30),
            evidence={"number": "授权书 002", "date": date(2025, 6, 1)}))


def test_ha_5_3_nt_pci_22_the_authorised_query_form_answers_only_for_the_authorised_purpose(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=75)
    authorisation_id = _authorised(app, subject_id)
    login(client, "recorder")
    assert 'id="query-form"' in client.get("/recording/queries").get_data(as_text=True)
    form = {"step": "authorised", "subject_id": subject_id, "authorisation_id": authorisation_id}
    before = event_count(app)
    refused_at(post(client, "/recording/queries", {**form, "purpose": "其他用途"}), "purpose", "HA-5.3")
    assert event_count(app) == before
    answered = post(client, "/recording/queries", {**form, "purpose": "纳税信用评价"})
    page = answered.get_data(as_text=True)
    assert answered.status_code == 200 and record_id in page[page.index('id="found-records"'):]
    assert event_count(app) > before  # the read is registered (HA-5.2)


def test_nt_pci_19_the_shared_query_form_serves_government_units_and_refuses_a_bank(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=76)
    form = {"step": "shared", "subject_id": subject_id, "purpose": "税务稽查", "basis": "稽查通知〔2025〕2号"}
    login(client, "dept")  # nt-financial-institutions: reference information only, no government unit
    before = event_count(app)
    refused_at(post(client, "/recording/queries", form), "actor", "NT-PCI-19")
    refused_at(post(client, "/recording/queries", {**form, "step": "other"}), "step", "NT-PCI-22")
    assert event_count(app) == before
    login(client, "recorder")
    page = post(client, "/recording/queries", form).get_data(as_text=True)
    assert record_id in page[page.index('id="found-records"'):]
