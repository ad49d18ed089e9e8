"""A clerk chooses the dishonest act by its name from the profiles' catalogs, never types its code (issue 16.1,
NT-PCI-8: only catalogued behaviours are recorded)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import login

from web.context import services

PAGES = ("/recording/records/new", "/casework/escalate", "/casework/points", "/recording/objections")


@pytest.mark.parametrize("path", PAGES)
def test_every_behaviour_field_is_a_choice_of_named_catalogued_acts_NT_PCI_8(
        app: Flask, client: FlaskClient, path: str) -> None:
    login(client, "office" if path.startswith("/casework") else "recorder")
    client.get("/lang/zh")
    html = client.get(path).get_data(as_text=True)
    assert not re.search(r'<input[^>]*name="behaviour_code"', html), "a behaviour code typed into a text box"
    offered = set(re.findall(r'<option value="([^"]+)"', html.split('name="behaviour_code"', 1)[1].split("</select>")[0]))
    with app.app_context():
        catalogued = {code for p in services().profiles.values() for code in p.behaviours}
        name = next(iter(services().profiles["NT"].behaviours.values())).name_zh
    assert offered == catalogued
    assert name in html
