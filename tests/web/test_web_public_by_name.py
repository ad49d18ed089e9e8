"""The public query by full name and the characters a public list shows of the number (issue 16.8, HA-3.2):
posted, never in a URL; it finds only subjects with something public in force, and nothing is written."""

from __future__ import annotations

import re

from flask import Flask
from web_helpers import event_count, valid_id
from workflow_steps import office_records_and_lists

from web.context import services


def _visible(id_number: str) -> str:
    """What the public lists show of a resident ID number, as a visitor would type it."""
    return f"{id_number[:3]}***********{id_number[-4:]}"


def _listed_person_number(app: Flask, seed: int) -> str:
    """The ID number of 李四, registered, recorded and black-listed by the credit office."""
    subject_id, _record, _entry = office_records_and_lists(app.test_client(), seed=seed)
    with app.app_context():
        number = services().credit.subject(subject_id).id_number  # type: ignore[arg-type]
    assert number is not None
    return number


def test_name_with_visible_characters_finds_the_public_record_masked(app: Flask) -> None:
    number = _listed_person_number(app, 21)
    visitor = app.test_client()
    before = event_count(app)
    response = visitor.post("/public/", data={"name": "李四", "partial": _visible(number)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="masked-name"' in page, page[-1500:]
    answer = page[page.index('id="masked-name"'):]
    assert "李*" in answer and "李四" not in answer and number not in answer
    assert "欠缴依法应当缴纳的税款" in answer and "南通市" in answer  # names, not codes (issue 16.3)
    typed_plain = visitor.post("/public/", data={"name": "李四", "partial": number[:3] + number[-4:]})
    assert 'id="masked-name"' in typed_plain.get_data(as_text=True)  # the asterisks may be left out
    for url in re.findall(r'(?:href|action|src)="([^"]*)"', page):
        assert number[-4:] not in url and "李" not in url, url
    assert event_count(app) == before


def test_another_name_or_other_digits_find_nothing(app: Flask) -> None:
    number = _listed_person_number(app, 22)
    visitor = app.test_client()
    for data in ({"name": "李五", "partial": _visible(number)},
                 {"name": "李四", "partial": _visible(number[:-4] + "0000")}):
        page = visitor.post("/public/", data=data).get_data(as_text=True)
        assert 'id="no-result"' in page and 'id="masked-name"' not in page


def test_a_subject_with_nothing_public_is_not_revealed(app: Flask) -> None:
    """The template's person (王小明) has no record: a correct name and digits still find nothing."""
    with app.app_context():
        person = services().credit.find_subject(valid_id())
    assert person is not None
    page = app.test_client().post("/public/", data={"name": person.name, "partial": _visible(person.id_number or "")})
    assert 'id="no-result"' in page.get_data(as_text=True)


def test_visible_characters_of_the_wrong_length_are_refused_at_the_field(app: Flask) -> None:
    visitor = app.test_client()
    before = event_count(app)
    response = visitor.post("/public/", data={"name": "李四", "partial": "32012"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="error-partial" data-rule="HA-3.2"' in page
    no_name = visitor.post("/public/", data={"partial": "3201234"})
    assert no_name.status_code == 422 and 'id="error-name" data-rule="HA-3.2"' in no_name.get_data(as_text=True)
    assert event_count(app) == before
