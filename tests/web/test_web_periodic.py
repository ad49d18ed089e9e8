"""The credit office's periodic screens and the admin's: expiry sweep (NT-PCI-30), monthly list reports
(NT-PCI-17), upward push (JY-22), publishing a profile version (JY-16) and signing a checkpoint."""

from __future__ import annotations

import random
import re
from datetime import date

from casework_support import add_account, basis, login_as, refused_at, run, uuid_of
from flask import Flask
from web_helpers import event_count, flashed_id, login, new_person_id, post
from workflow_steps import office_records_and_lists

from domain.identifiers import synthetic_credit_code
from domain.policy import PolicyProfile
from ledger.transparency import latest_checkpoint
from web import worklists
from web.context import services

TAX_PENALTY = basis(date(2024, 3, 1), "通税罚〔2024〕9号", "国家税务总局南通市税务局")


def test_sweep_button_expires_what_ended_and_lists_it_once_NT_PCI_30(any_app: Flask) -> None:
    person = run(any_app, "register_person", "nt-tax-bureau", name="周某", id_number=new_person_id(903))
    ended = run(any_app, "record_dishonesty", "nt-tax-bureau", profile_id="NT", subject_id=person,
                behaviour_code="NT-PCI-12.9", tier="general", basis=TAX_PENALTY, act_date=date(2024, 2, 20),
                determination_date=date(2024, 3, 1))  # general: one year, ended 2025-03-01
    client = any_app.test_client()
    login(client, "office")
    assert 'id="sweep-submit"' in client.get("/office/reports/sweep").get_data(as_text=True)
    page = post(client, "/office/reports/sweep", {}).get_data(as_text=True)
    assert re.search(r'id="expired-count">(\d+)<', page).group(1) == "1"  # type: ignore[union-attr]
    assert str(ended) in page[page.index('id="expired"'):]
    with any_app.app_context():
        assert services().credit.record(ended).status == "expired"
    before = event_count(any_app)
    again = post(client, "/office/reports/sweep", {}).get_data(as_text=True)
    assert 'id="nothing-expired"' in again and event_count(any_app) == before  # idempotent
    login(client, "recorder")
    assert client.get("/office/reports/sweep").status_code == 403


def _april_entry(app: Flask, seed: int = 904) -> str:
    """A black-list entry of nt-credit-office confirmed in April 2025: reported within May (下月内), now late."""
    office = "nt-credit-office"
    person = run(app, "register_person", office, name="吴某", id_number=new_person_id(seed))
    record = run(app, "record_dishonesty", office, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                 tier="serious", basis=basis(date(2025, 4, 2), "通税罚〔2025〕5号", "国家税务总局南通市税务局"),
                 act_date=date(2025, 3, 1), determination_date=date(2025, 4, 2))
    entry = run(app, "draft_list_entry", office, profile_id="NT", subject_id=person, list_code="black",
                list_field=None, record_ids=[record], drafted_on=date(2025, 4, 5), reason="严重失信")
    run(app, "confirm_list_entry", office, list_entry_id=entry, confirmed_on=date(2025, 4, 8),
        decision={"number": "通信用认〔2025〕1号", "date": date(2025, 4, 8)})
    return str(entry)


def test_monthly_list_report_shows_what_is_late_and_refuses_an_incomplete_report_NT_PCI_17(app: Flask) -> None:
    entry = _april_entry(app)
    client = app.test_client()
    login(client, "office")
    page = client.get("/office/reports/lists").get_data(as_text=True)
    due = page[page.index('id="reports-due"'):]
    assert entry in due and "2025-04" in due and "2025-05-31" in due and "南通市经信委（市信用办）" in due
    form = {"profile_id": "NT", "period": "2025-04", "list_entry_ids": "", "reported_on": "2025-06-16"}
    before = event_count(app)
    refused_at(post(client, "/office/reports/lists", form), "list_entry_ids", "NT-PCI-17")  # 应报尽报
    refused_at(post(client, "/office/reports/lists", {**form, "list_entry_ids": "x"}), "list_entry_ids", "NT-PCI-17")
    refused_at(post(client, "/office/reports/lists", {**form, "reported_on": "16/6"}), "reported_on", "NT-PCI-17")
    assert event_count(app) == before
    report_id = flashed_id(client, post(client, "/office/reports/lists", {**form, "list_entry_ids": entry}))
    with app.app_context():
        report = services().credit.list_report("NT", "nt-credit-office", "2025-04")
        assert str(report.id) == report_id and [str(i) for i in report.entry_ids] == [entry]
    assert 'id="no-reports-due"' in client.get("/office/reports/lists").get_data(as_text=True)
    refused_at(post(client, "/office/reports/lists", {**form, "list_entry_ids": entry}), "period", "NT-PCI-17")


def test_monthly_list_report_page_shows_a_page_of_the_due_entries_NT_PCI_17(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    entries = {_april_entry(app, seed) for seed in (905, 906)}
    monkeypatch.setattr(worklists, "PAGE_SIZE", 1)
    client = app.test_client()
    login(client, "office")
    pages = [client.get(f"/office/reports/lists?page={n}").get_data(as_text=True) for n in (1, 2)]
    offered = [set(re.findall(r'name="list_entry_ids" value="([^"]+)"', p)) for p in pages]
    assert len(offered[0]) == len(offered[1]) == 1 and offered[0] | offered[1] == entries  # one per page, both
    for page in pages:
        due = page[page.index('id="reports-due"'):page.index("</table>", page.index('id="reports-due"'))]
        assert "2 项: 吴* · 黑名单" in due and "吴某" not in page  # the month's count; labels masked (HA-3.2)
    assert 'id="reports-due-pager"' in pages[0] and 'href="/office/reports/lists?page=2" rel="next"' in pages[0]


def _jy_black_entry(app: Flask) -> str:
    """A confirmed JY black-list entry (JY-22 pushes it to the province and Wuxi)."""
    market, office = "jy-market-supervision", "jy-credit-office"
    company = run(app, "register_organisation", market, name="江阴某化工有限公司",
                  uscc=synthetic_credit_code(random.Random(9)))
    record = run(app, "record_dishonesty", market, profile_id="JY", subject_id=company, behaviour_code="JY-4.1",
                 tier="serious", basis=basis(date(2025, 5, 20), "澄市监罚〔2025〕3号"), act_date=date(2025, 4, 2),
                 determination_date=date(2025, 5, 20))
    entry = run(app, "draft_list_entry", market, profile_id="JY", subject_id=company, list_code="black",
                list_field="health_life", record_ids=[record], drafted_on=date(2025, 5, 21), reason="严重危害健康")
    run(app, "publicise_list_entry", office, list_entry_id=entry, channel="信用江阴网站", start=date(2025, 5, 22))
    run(app, "give_prior_notice", market, list_entry_id=entry, notice_on=date(2025, 5, 27), content="事前告知书")
    run(app, "confirm_list_entry", office, list_entry_id=entry, confirmed_on=date(2025, 6, 3),
        decision={"number": "澄信认〔2025〕4号", "date": date(2025, 6, 3)})
    return str(entry)


def test_upward_push_of_serious_entries_by_the_credit_office_JY_22(any_app: Flask) -> None:
    entry = _jy_black_entry(any_app)
    add_account(any_app, "jy-office", "credit_office", "jy-credit-office")
    client = any_app.test_client()
    login(client, "office")  # the Nantong office is not JY's credit office
    form = {"list_entry_id": entry, "pushed_on": "2025-06-04", "systems": ""}
    before = event_count(any_app)
    refused_at(post(client, "/office/reports/upward", form), "actor", "JY-22")
    login_as(client, "jy-office")
    page = client.get("/office/reports/upward").get_data(as_text=True)
    assert entry in page[page.index('id="upward-pending"'):] and "wuxi-city" in page
    refused_at(post(client, "/office/reports/upward", {**form, "systems": "beijing"}), "systems", "JY-22")
    refused_at(post(client, "/office/reports/upward", {**form, "pushed_on": ""}), "pushed_on", "JY-22")
    assert event_count(any_app) == before
    assert flashed_id(client, post(client, "/office/reports/upward", form)) == entry
    with any_app.app_context():
        assert services().credit.list_entry(uuid_of(entry)).pushed_to() == {"jiangsu-province", "wuxi-city"}
    assert 'id="no-upward-pending"' in client.get("/office/reports/upward").get_data(as_text=True)


def test_admin_publishes_a_new_profile_version_once_JY_16(app: Flask) -> None:
    content = app.extensions["credit_ledger"].profiles["CS"].to_content()
    content["version"] = 2  # a new version deployed with the service
    newer = PolicyProfile.from_content(content)
    with app.app_context():
        services().profiles["CS"] = newer
        services().credit.profiles["CS"] = newer
    client = app.test_client()
    login(client, "admin")
    page = client.get("/admin/profiles").get_data(as_text=True)
    assert 'class="unpublished"' in page[page.index('id="profile-CS"'):][:600]
    before = event_count(app)
    refused_at(post(client, "/admin/profiles", {"profile_id": "XX"}), "profile_id", "JY-16")
    assert event_count(app) == before
    flashed_id(client, post(client, "/admin/profiles", {"profile_id": "CS"}))
    assert event_count(app) == before + 1
    with app.app_context():
        assert services().credit.published_profile("CS", 2).id
    page = client.get("/admin/profiles").get_data(as_text=True)
    assert 'class="published"' in page[page.index('id="profile-CS"'):][:600]
    flashed_id(client, post(client, "/admin/profiles", {"profile_id": "CS"}))
    assert event_count(app) == before + 1  # the same content again is a no-op (NT-PCI-36)


def test_admin_signs_a_checkpoint_of_the_whole_log(app: Flask) -> None:
    client = app.test_client()
    office_records_and_lists(client, seed=31)
    login(client, "admin")
    response = post(client, "/admin/checkpoint", {})
    assert response.status_code == 302
    page = client.get("/admin/checkpoint").get_data(as_text=True)
    with app.app_context():
        signed = latest_checkpoint(services().ledger)
        assert signed is not None and signed.checkpoint.size == services().ledger.log.tree_size()
    assert f'id="checkpoint-size">{signed.checkpoint.size}<' in page and signed.to_text().splitlines()[0] in page
    login(client, "office")
    assert client.get("/admin/checkpoint").status_code == 403
