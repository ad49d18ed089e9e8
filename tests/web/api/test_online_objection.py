"""A logged-in subject objects online to their own record or list entry (issue 16.8, NT-PCI-31, NT-PCI-32):
received and signed by the credit centre's portal user, shown with "objection pending", verify INTACT."""

from __future__ import annotations

from uuid import UUID

from api_support import Api, person_of
from flask import Flask
from test_api_workflows import _black_list, _record
from web_helpers import ROLE_USER, csrf_token, event_count, login

from ledger.audit import verify_ledger
from web.context import services
from web.online_objections import ONLINE_USER

FILED_ZH = "异议已登记："

def _subject_client(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    login(client, "subject")
    return client


def test_a_subject_objects_to_a_record_online_and_the_centre_signs_it(app: Flask) -> None:
    subject_id = person_of(app)
    record_id = _record(Api(app, "recording_unit"), subject_id)
    client = _subject_client(app)
    home = client.get("/mine/").get_data(as_text=True)
    link = f"/mine/objections/record/{record_id}"
    assert f'href="{link}"' in home and "提出异议" in home
    form = client.get(link).get_data(as_text=True)
    assert 'id="objection-form"' in form and "欠缴税款" not in form  # the subject sees the item, not others' text
    response = client.post(link, data={"grounds": "wrong_or_incomplete", "statement": "税款已于认定前缴清",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/mine/")
    page = client.get("/mine/").get_data(as_text=True)
    with app.app_context():
        credit = services().credit
        (objection,) = credit.objections_of(subject_id)
        assert f"{FILED_ZH} {objection.id}" in page and f'id="item-{objection.id}"' in page
        assert objection.record_id == UUID(str(record_id)) and objection.filed_on == credit.today()
        assert objection.filed_by == "subject"
        assert credit.record(UUID(str(record_id))).flags  # published on, flagged (NT-PCI-32)
        filed = next(iter(services().ledger.events.get(objection.id)))  # the signed Filed event
        unit, user = filed.actor_unit, filed.actor_user
        assert unit == credit.profiles["NT"].roles["credit_centre"] and user == ONLINE_USER
        assert verify_ledger(services().ledger).ok  # the portal user is allowed to act for the centre


def test_a_subject_objects_to_a_list_entry_online(app: Flask) -> None:
    subject_id = person_of(app)
    recorder, office = Api(app, "recording_unit"), Api(app, "credit_office")
    entry_id = _black_list(recorder, office, subject_id, _record(recorder, subject_id))
    client = _subject_client(app)
    link = f"/mine/objections/list_entry/{entry_id}"
    assert f'href="{link}"' in client.get("/mine/").get_data(as_text=True)
    response = client.post(link, data={"grounds": "beyond_validity", "statement": "公示期已满",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    with app.app_context():
        (objection,) = services().credit.objections_of(subject_id)
        assert objection.target_id == UUID(str(entry_id))


def test_refusals_store_nothing_and_name_the_field(app: Flask) -> None:
    subject_id = person_of(app)
    record_id = _record(Api(app, "recording_unit"), subject_id)
    client = _subject_client(app)
    link = f"/mine/objections/record/{record_id}"
    before = event_count(app)
    bad = client.post(link, data={"grounds": "i_dont_like_it", "statement": "x", "csrf_token": csrf_token(client, link)})
    assert bad.status_code == 422 and "NT-PCI-31" in bad.get_data(as_text=True) and 'class="field-error"' in bad.get_data(as_text=True)
    blank = client.post(link, data={"grounds": "wrong_or_incomplete", "statement": " ",
                                    "csrf_token": csrf_token(client, link)})
    assert blank.status_code == 422
    assert event_count(app) == before


def test_nobody_objects_through_another_subjects_item(app: Flask) -> None:
    other = Api(app, "recording_unit").ok("/subjects/persons", {"name": "赵六", "id_number": "32060219900101123X"})
    record_id = _record(Api(app, "recording_unit"), other["id"])
    client = _subject_client(app)
    assert client.get(f"/mine/objections/record/{record_id}").status_code == 404
    assert client.get("/mine/objections/sanction/00000000-0000-4000-8000-000000000000").status_code == 404
    staff = app.test_client()
    login(staff, ROLE_USER["credit_office"])
    assert staff.get(f"/mine/objections/record/{record_id}").status_code == 403
