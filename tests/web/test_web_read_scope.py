"""Every read scoped by unit (issue 17 part 5, HA-5.2, JY-21): role × unit × item for the API and UI reads.

An out-of-scope read is answered 404 (as if missing) and registers no access record; an allowed read registers
exactly one (HA-5.2). Both backends, real tokens, real sessions, real Flask requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

import pytest
from casework_support import add_account, login_as
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import event_count, flashed_id, login, post, valid_id
from workflow_steps import RECORD, office_records_and_lists, push

from domain.actor import Actor
from web.context import services

PURPOSE = {"purpose": "核查联合惩戒案件", "basis": "JY-21 案件核查"}
OTHER_DEPARTMENT, OTHER_RECORDER = "dept-other", "recorder-other"
NOBODY = uuid4()


@dataclass(frozen=True)
class World:
    """Ids of the scoped items: S0 has no case; S1 has C1 (from the office's R1) and C2 (from the recorder's R2)."""

    ids: dict[str, str]
    paths: dict[str, str]


def _build(app: Flask) -> World:
    client = app.test_client()
    s1, r1, e1 = office_records_and_lists(client)
    c1 = push(client, r1)
    login(client, "recorder")  # nt-tax-bureau determines its own record on the same subject
    r2 = flashed_id(client, post(client, "/recording/records/new",
                                 {**RECORD, "subject_id": s1, "basis_number": "通税罚〔2025〕8号"}))
    login(client, "office")
    c2 = push(client, r2)
    add_account(app, OTHER_DEPARTMENT, "department", "nt-hrss")
    add_account(app, OTHER_RECORDER, "recording_unit", "nt-credit-centre")
    with app.app_context():  # the ledger's own person (each backend's ledger has its own subject secret)
        template_subject = services().credit.find_subject(valid_id()).id
        o1 = services().credit.file_objection(Actor("nt-credit-office", "office"), record_id=UUID(r1),
                                              grounds="wrong_or_incomplete", statement="有误",
                                              filed_on=date(2025, 6, 10))
    ids = {"S0": str(template_subject), "S1": s1, "R1": r1, "E1": e1, "O1": str(o1), "C1": c1, "C2": c2}
    paths = {"S0": f"/api/v1/subjects/{ids['S0']}", "S1": f"/api/v1/subjects/{s1}", "R1": f"/api/v1/records/{r1}",
             "E1": f"/api/v1/list-entries/{e1}", "O1": f"/api/v1/objections/{o1}", "C1": f"/api/v1/sanctions/{c1}", "C2": f"/api/v1/sanctions/{c2}"}
    return World(ids, paths)


ALL = {"S0", "S1", "R1", "E1", "O1", "C1", "C2"}
# who reads what (web/scope.py): the office and auditors everything; a department its pushed cases and their
# subjects; a recording unit every subject file but only cases arising from its own records.
MAY_READ = {
    "office": ALL,
    "auditor": ALL,
    "dept": {"S1", "R1", "E1", "O1", "C1", "C2"},
    OTHER_DEPARTMENT: set(),
    "recorder": {"S0", "S1", "R1", "E1", "O1", "C2"},
    OTHER_RECORDER: {"S0", "S1", "R1", "E1", "O1"},
}
CASES_IN_FILE = {"office": {"C1", "C2"}, "auditor": {"C1", "C2"}, "dept": {"C1", "C2"}, "recorder": {"C2"},
                 OTHER_RECORDER: set()}


@pytest.fixture
def world(any_app: Flask) -> World:
    return _build(any_app)


def _token(app: Flask, username: str) -> dict[str, str]:
    with app.app_context():
        return {"Authorization": f"Bearer {services().accounts.issue_token(username, 'scope test')}"}


@pytest.mark.parametrize("username", sorted(MAY_READ))
def test_ha_5_2_api_reads_scoped_by_unit(any_app: Flask, world: World, username: str) -> None:
    client, headers = any_app.test_client(), _token(any_app, username)
    for key, path in world.paths.items():
        before = event_count(any_app)
        response = client.get(path, query_string=PURPOSE, headers=headers)
        allowed = key in MAY_READ[username]
        assert response.status_code == (200 if allowed else 404), (username, key, response.get_json())
        assert event_count(any_app) - before == (1 if allowed else 0), (username, key, "access records")
        if not allowed:  # indistinguishable from an id that does not exist
            missing = client.get(path.replace(world.ids[key], str(NOBODY)), query_string=PURPOSE, headers=headers)
            assert missing.status_code == 404
            assert response.get_json() == json.loads(missing.get_data(as_text=True).replace(str(NOBODY), world.ids[key]))
    if "S1" in MAY_READ[username]:
        file = client.get(world.paths["S1"], query_string=PURPOSE, headers=headers).get_json()
        shown = {key for key in ("C1", "C2") if world.ids[key] in {case["id"] for case in file["sanctions"]}}
        assert shown == CASES_IN_FILE[username]


def _ui_read(client: FlaskClient, subject: str) -> tuple[int, str]:
    purpose = client.get(f"/subjects/{subject}/purpose")
    if purpose.status_code != 200:
        return purpose.status_code, ""
    post(client, f"/subjects/{subject}/purpose", PURPOSE)
    page = client.get(f"/subjects/{subject}")
    return page.status_code, page.get_data(as_text=True)


@pytest.mark.parametrize("username", sorted(MAY_READ))
def test_ha_5_2_subject_pages_scoped_by_unit(any_app: Flask, world: World, username: str) -> None:
    client = any_app.test_client()
    if username in (OTHER_DEPARTMENT, OTHER_RECORDER):
        login_as(client, username)
    else:
        login(client, username)
    for key in ("S0", "S1"):
        before = event_count(any_app)
        status, html = _ui_read(client, world.ids[key])
        allowed = key in MAY_READ[username]
        assert status == (200 if allowed else 404), (username, key)
        assert event_count(any_app) - before == (1 if allowed else 0), (username, key, "access records")
        if key == "S1" and allowed:
            assert {c for c in ("C1", "C2") if world.ids[c] in html} == CASES_IN_FILE[username]


def test_ha_5_2_department_inbox_shows_only_its_own_cases(any_app: Flask, world: World) -> None:
    own = any_app.test_client().get("/api/v1/inbox", headers=_token(any_app, "dept")).get_data(as_text=True)
    other = any_app.test_client().get("/api/v1/inbox", headers=_token(any_app, OTHER_DEPARTMENT))
    assert world.ids["C1"] in own and world.ids["C2"] in own
    assert other.status_code == 200 and world.ids["C1"] not in other.get_data(as_text=True)
