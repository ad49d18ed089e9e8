"""Each role lands on its own work after logging in, and the menu is grouped (issue 16.6)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from web_helpers import PASSWORDS, ROLE_USER, TODAY, csrf_token

from web.navigation import ROLE_HOME

HOMES = {"recording_unit": "/recording/", "credit_office": "/office/", "department": "/department/",
         "auditor": "/audit/", "subject": "/mine/", "admin": "/admin/"}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_lands_on_its_own_work(app: Flask, role: str) -> None:
    client = app.test_client()
    username = ROLE_USER[role]
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith(HOMES[role]), (
        role, response.headers["Location"])
    assert client.get(response.headers["Location"]).status_code == 200
    assert set(ROLE_HOME) == set(HOMES)


def test_a_page_to_return_to_wins_over_the_home(app: Flask) -> None:
    client = app.test_client()
    username = ROLE_USER["auditor"]
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                           "csrf_token": csrf_token(client), "next": "/subjects/"})
    assert response.headers["Location"] == "/subjects/"


def test_the_office_menu_is_grouped_with_a_visible_log_out(app: Flask) -> None:
    client = app.test_client()
    username = ROLE_USER["credit_office"]
    page = client.post("/login", data={"username": username, "password": PASSWORDS[username],
                                       "csrf_token": csrf_token(client)}, follow_redirects=True).get_data(as_text=True)
    nav = page[page.index("<nav>"):page.index("</nav>")]
    groups = re.findall(r'<span class="nav-group-name">([^<]+)</span>', nav)
    assert groups[:3] == ["公开", "日常工作", "案件办理"] and "报告" in groups
    assert "系统管理" not in groups  # nothing of the admin's for the office
    assert all(len(re.findall(r"<a ", part)) <= 10 for part in nav.split('class="nav-group"')[1:])
    assert 'id="logout"' in page


def test_procedural_dates_default_to_today_and_business_dates_do_not(app: Flask) -> None:
    client = app.test_client()
    username = ROLE_USER["recording_unit"]
    client.post("/login", data={"username": username, "password": PASSWORDS[username], "csrf_token": csrf_token(client)})
    page = client.get("/recording/objections").get_data(as_text=True)
    today = TODAY.isoformat()
    assert f'name="verified_on" value="{today}"' in page and f'name="decided_on" value="{today}"' in page
    assert 'name="act_date" value=""' in page and 'name="basis_date" value=""' in page  # stated, never guessed
    record = client.get("/recording/records/new").get_data(as_text=True)
    assert 'name="determination_date" value=""' in record
