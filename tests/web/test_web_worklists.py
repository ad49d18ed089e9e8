"""Issue 16: work lists and the access log come from the projections, paged and filtered by unit in SQL, and a
clerk sees their own write on the next page (real Flask requests, SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import flashed_id, login, new_person_id, post, valid_id
from workflow_steps import RECORD, office_records_and_lists, push

import web.access_log_view as access_log_view
import web.worklists as worklists
from projections.worklists import open_page
from web.context import services
from web.picker_items import item_label
from web.view_labels import entry_labels, record_labels
from web.worklists import current_views

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _ids_in(html: str, table_id: str) -> list[str]:
    """The ids shown in one table of a page, in order, each once."""
    start = html.index(f'id="{table_id}"')
    return list(dict.fromkeys(UUID_TEXT.findall(html[start:html.index("</table>", start)])))


def _recorded(client: FlaskClient, seed: int) -> str:
    """As the logged-in unit: register a person and record dishonesty (HA-2.2); the record's id."""
    subject_id = flashed_id(client, post(client, "/recording/subjects/new", {
        "kind": "person", "name": "赵六", "id_number": new_person_id(seed), "address": "南通市"}))
    return flashed_id(client, post(client, "/recording/records/new", {**RECORD, "subject_id": subject_id}))


def test_office_list_page_two_shows_other_entries_and_the_count_jy_6(any_app: Flask,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    client = any_app.test_client()
    entries = {office_records_and_lists(client, seed)[2] for seed in (41, 42, 43)}
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    first, second = (client.get(f"/office/lists?page={n}").get_data(as_text=True) for n in (1, 2))
    shown = [_ids_in(first, "open-entries"), _ids_in(second, "open-entries")]
    entry_ids = [[i for i in ids if i in entries] for ids in shown]
    assert len(entry_ids[0]) == 2 and len(entry_ids[1]) == 1  # 3 open entries, 2 per page
    assert set(entry_ids[0]).isdisjoint(entry_ids[1]) and set(entry_ids[0]) | set(entry_ids[1]) == entries
    assert "第 1 / 2 页，共 3 项未结" in first and "第 2 / 2 页，共 3 项未结" in second
    assert 'href="/office/lists?page=2" rel="next"' in first and 'href="/office/lists?page=1" rel="prev"' in second


def test_recording_desk_lists_only_its_units_records_paged_and_at_once_nt_pci_15(
        any_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = any_app.test_client()
    _, office_record, _ = office_records_and_lists(client, 44)  # determined by the credit office
    login(client, "recorder")
    own = [_recorded(client, 45), _recorded(client, 46)]  # determined by the tax bureau
    desk = client.get("/recording/").get_data(as_text=True)  # read-your-writes: no wait, no explicit catch-up
    assert all(record in desk for record in own) and office_record not in desk
    monkeypatch.setattr(worklists, "PAGE_SIZE", 1)
    pages = [client.get(f"/recording/?page={n}").get_data(as_text=True) for n in (1, 2)]
    shown = [[r for r in own if r in page] for page in pages]
    assert len(shown[0]) == len(shown[1]) == 1 and shown[0] != shown[1]  # page 2 shows the other record
    assert 'id="records-pager"' in pages[0] and "共 2 项未结" in pages[0]


def test_department_inbox_shows_a_push_at_once_masked_jy_21_ha_3_2(any_app: Flask) -> None:
    client = any_app.test_client()
    _, record_id, _ = office_records_and_lists(client, 47)
    case_id = push(client, record_id)
    assert case_id in client.get("/office/sanctions").get_data(as_text=True)  # the office's own write, at once
    login(client, "dept")
    inbox = client.get("/department/inbox").get_data(as_text=True)
    assert f'id="case-{case_id}"' in inbox  # the department sees it on its next page
    assert "李*" in inbox and "李四" not in inbox  # HA-3.2: masked in the inbox
    login(client, "recorder")  # another unit's inbox does not list it: a recording unit has no inbox
    assert client.get("/department/inbox").status_code in (403, 404)


def test_a_subjects_access_log_is_paged_newest_first_ha_5_2(any_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    with any_app.app_context():  # the subject account's person, registered when the ledger was built
        subject_id = services().credit.find_subject(valid_id()).id  # type: ignore[union-attr]
    client = any_app.test_client()
    login(client, "auditor")
    for purpose in ("第一次复核", "第二次复核"):
        post(client, f"/subjects/{subject_id}/purpose", {"purpose": purpose, "basis": "督查〔2025〕3号"})
        assert client.get(f"/subjects/{subject_id}").status_code == 200
    monkeypatch.setattr(access_log_view, "PAGE", 1)
    login(client, "subject")
    pages = [client.get(f"/mine/access-log?page={n}").get_data(as_text=True) for n in (1, 2)]
    assert "第二次复核" in pages[0] and "第一次复核" not in pages[0]  # newest first
    assert "第一次复核" in pages[1] and "第二次复核" not in pages[1]
    assert 'href="/mine/access-log?page=2" rel="next"' in pages[0]
    assert "第 1 / 2 页，共 2 项" in pages[0] and "未结" not in pages[0]  # reads counted in all, not as open work


def test_public_lists_are_paged_each_list_on_its_own_jy_20_ha_3_2(any_app: Flask,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    client = any_app.test_client()
    for seed in (61, 62, 63):
        office_records_and_lists(client, seed)  # three confirmed black-list entries
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    anonymous = any_app.test_client()
    first, second = (anonymous.get(f"/public/lists?black_page={n}").get_data(as_text=True) for n in (1, 2))

    def black_rows(html: str) -> list[str]:
        black = html[html.index("<h2>"):html.index("<h2>", html.index("<h2>") + 1)]
        return re.findall(r"<tr><td>(.*?)</tr>", black)
    assert len(black_rows(first)) == 2 and len(black_rows(second)) == 1  # 3 entries in force, 2 per page
    assert set(black_rows(first)).isdisjoint(black_rows(second))
    assert 'id="black-pager"' in first and "第 1 / 2 页，共 3 项" in first and "未结" not in first  # published, not open
    assert 'href="/public/lists?black_page=2" rel="next"' in first
    assert 'href="/public/lists?black_page=1" rel="prev"' in second
    assert "李四" not in first + second and "李*" in first  # HA-3.2: masked on every page
    assert 'id="red-pager"' not in first  # the red list fits on one page: no pager


def test_labels_from_the_views_are_the_pickers_labels_from_the_ledger_ha_3_2(any_app: Flask) -> None:
    client = any_app.test_client()
    _, record_id, entry_id = office_records_and_lists(client, 64)
    with any_app.test_request_context("/"), current_views() as conn:
        rows = [r | {"policy_id": "NT"} for r in open_page(conn, "records", 1, size=10_000).items]
        mine = [r for r in rows if r["id"] == record_id]
        assert record_labels(mine) == {record_id: item_label("record", UUID(record_id))}
        assert entry_labels([entry_id]) == {entry_id: item_label("list_entry", UUID(entry_id))}
        assert "李*" in record_labels(mine)[record_id] and record_id not in record_labels(mine)[record_id]


def test_office_lists_and_sanctions_name_the_subject_masked_from_the_views_ha_3_2(any_app: Flask) -> None:
    client = any_app.test_client()
    subject_id, record_id, entry_id = office_records_and_lists(client, 65)
    case_id = push(client, record_id)
    sanctions = client.get("/office/sanctions").get_data(as_text=True)
    row = sanctions[sanctions.index(f'href="/sanctions/{case_id}"'):]
    assert row[:row.index("</tr>")].count("李*") == 1 and "李四" not in sanctions
    lists = client.get("/office/lists").get_data(as_text=True)
    row = lists[lists.index(f'/office/lists/{entry_id}'):]
    assert f'/subjects/{subject_id}">李*</a>' in row[:row.index("</tr>")] and "李四" not in lists
