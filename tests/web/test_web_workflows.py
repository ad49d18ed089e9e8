"""Each role's workflow through the real forms over a real signed ledger (SQLite; the loop also on PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from web_helpers import event_count, flashed_id, login, post, valid_id
from workflow_steps import RECORD, full_loop, office_records_and_lists, push

from ledger.transparency import create_checkpoint
from web.access_log_view import reads_of
from web.context import services
from web.worklists import current_views


def _subject_of_template(app: Flask) -> str:
    with app.app_context():
        return str(services().credit.find_subject(valid_id()).id)  # type: ignore[union-attr]


def _reads(app: Flask, subject_id: str) -> list:  # type: ignore[type-arg]
    from uuid import UUID

    with app.app_context():
        with current_views() as conn:
            return reads_of(conn, UUID(subject_id))


def test_joint_sanction_loop_is_recorded_listed_pushed_fed_back_and_replayed_JY_21(any_app: Flask) -> None:
    client = any_app.test_client()
    loop = full_loop(client)
    with any_app.app_context():
        case = services().credit.sanction(loop.case_id)  # type: ignore[arg-type]
        assert case.status == "fed_back" and case.department == "nt-financial-institutions"
        assert services().credit.list_entry(loop.entry_id).status == "confirmed"  # type: ignore[arg-type]
    login(client, "office")
    dashboard = client.get("/office/").get_data(as_text=True)
    assert loop.case_id in dashboard and "6 月实施 1 例" in dashboard
    counts = re.search(r'<table id="open-counts">.*?</tr><tr>(.*?)</tr>', dashboard, re.S)
    shown = [int(n) for n in re.findall(r"<td>(\d+)</td>", counts.group(1))]  # type: ignore[union-attr]
    with any_app.app_context():  # counted in the projections (issue 16), equal to the domain's open-item indexes
        from domain.index import read_index
        ledger = services().ledger
        indexes = [read_index(ledger.get, name) for name in ("records", "list_entries", "objections", "repairs",
                                                             "sanctions")]
        assert shown == [len(index.open_ids) if index is not None else 0 for index in indexes]
    assert shown[0] >= 1 and shown[4] >= 1
    login(client, "auditor")
    replay = client.get(f"/audit/replay?id={loop.case_id}")
    assert replay.status_code == 302 and "/purpose" in replay.headers["Location"]  # HA-5.2: purpose first
    post(client, f"/subjects/{loop.subject_id}/purpose", {"purpose": "纪律审查", "basis": "审查〔2025〕1号"})
    page = client.get(f"/audit/replay?id={loop.case_id}").get_data(as_text=True)
    rows = re.findall(r'<tr data-event="(\w+)"><td>\d</td>.*?<td>([^<]*)</td><td><code>([^<]+)</code>', page, re.S)
    # each step signed by its own unit's key (the key id names the unit), by its user; bookkeeping hidden (16.4)
    assert [(event, key.split(":")[0], user) for event, user, key in rows] == [
        ("Pushed", "nt-credit-office", "office"), ("Acknowledged", "nt-financial-institutions", "dept"),
        ("Applied", "nt-financial-institutions", "dept"), ("FedBack", "nt-financial-institutions", "dept")]
    assert "推送惩戒措施" in page and "反馈日期" in page  # what each step stated, in the page's language
    reads = _reads(any_app, loop.subject_id)
    assert any(r.unit == "nt-discipline-supervision" and r.purpose == "纪律审查" and r.basis == "审查〔2025〕1号"
               and r.channel == "web" for r in reads)


def test_auditor_reads_nothing_before_stating_purpose_and_basis_HA_5_2(app: Flask) -> None:
    client = app.test_client()
    subject_id = _subject_of_template(app)
    login(client, "auditor")
    before = event_count(app)
    assert client.get(f"/subjects/{subject_id}").status_code == 302
    refused = post(client, f"/subjects/{subject_id}/purpose", {"purpose": "", "basis": "x"})
    assert refused.status_code == 422 and 'id="error-purpose"' in refused.get_data(as_text=True)
    assert event_count(app) == before
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "法院调查", "basis": "（2025）苏06民初1号"})
    page = client.get(f"/subjects/{subject_id}").get_data(as_text=True)
    assert "王小明" in page and event_count(app) == before + 1
    assert "法院调查" in page[page.index('id="subject-access-log"'):]  # HA-5.2: reviewable by auditors
    assert [(r.purpose, r.basis, r.user) for r in _reads(app, subject_id)] == [("法院调查", "（2025）苏06民初1号", "auditor")]


def test_staff_reads_are_registered_and_the_subject_sees_who_read_HA_5_2(app: Flask) -> None:
    client = app.test_client()
    subject_id = _subject_of_template(app)
    login(client, "office")
    before = event_count(app)
    assert client.get(f"/subjects/{subject_id}").status_code == 302  # HA-5.2: the office states why, too
    assert event_count(app) == before
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "信用修复核查", "basis": "通信用修〔2025〕4号"})
    assert client.get(f"/subjects/{subject_id}").status_code == 200
    assert event_count(app) == before + 1
    login(client, "subject")
    own = client.get("/mine/")
    assert own.status_code == 200 and "王小明" in own.get_data(as_text=True)
    assert event_count(app) == before + 1  # reading one's own record is not a query of others
    log = client.get("/mine/access-log").get_data(as_text=True)
    assert "nt-credit-office" in log and "信用修复核查" in log and "official duty" not in log


def test_subject_cannot_open_another_subjects_staff_page(app: Flask) -> None:
    client = app.test_client()
    login(client, "subject")
    assert client.get(f"/subjects/{_subject_of_template(app)}").status_code == 403


def test_recording_unit_records_answers_an_objection_and_corrects_NT_PCI_4_NT_PCI_32(app: Flask) -> None:
    client = app.test_client()
    subject_id = _subject_of_template(app)
    login(client, "recorder")
    record_id = flashed_id(client, post(client, "/recording/records/new", {**RECORD, "subject_id": subject_id}))
    login(client, "office")
    objection_id = flashed_id(client, post(client, "/office/objections", {
        "step": "file", "record_id": record_id, "grounds": "wrong_or_incomplete", "statement": "文号有误",
        "filed_on": "2025-06-10"}))
    login(client, "recorder")
    assert objection_id in client.get("/recording/objections").get_data(as_text=True)
    assert flashed_id(client, post(client, "/recording/objections", {
        "step": "decide", "objection_id": objection_id, "upheld": "yes", "reasons": "文号录入错误",
        "decided_on": "2025-06-12"})) == objection_id
    correction = {"step": "correct", "objection_id": objection_id, "applied_on": "2025-06-13",
                  "basis_type": "administrative_penalty", "basis_number": "通税罚〔2025〕77号",
                  "basis_issuer": "国家税务总局南通市税务局", "basis_date": "2025-06-02"}
    by_provider = post(client, "/recording/objections", correction)  # NT-PCI-32: the centre corrects
    assert by_provider.status_code == 422 and "NT-PCI-32" in by_provider.get_data(as_text=True)
    login(client, "office")
    nothing = post(client, "/recording/objections", {"step": "correct", "objection_id": objection_id,
                                                     "applied_on": "2025-06-13"})
    assert nothing.status_code == 422 and 'id="error-summary"' in nothing.get_data(as_text=True)
    assert flashed_id(client, post(client, "/recording/objections", correction)) == objection_id
    with app.app_context():
        assert services().credit.objection(objection_id).status == "corrected"  # type: ignore[arg-type]
        assert services().credit.record(record_id).basis["number"] == "通税罚〔2025〕77号"  # type: ignore[arg-type]


BAD_INPUT = [
    ("office", "/recording/subjects/new", {"kind": "person", "name": "张三", "id_number": "320602198001021231"},
     "id_number", "NT-PCI-15"),
    ("office", "/recording/subjects/new", {"kind": "robot", "name": "x"}, "kind", "NT-PCI-2"),
    ("office", "/recording/records/new", {**RECORD, "determination_date": "2025-13-40"}, "determination_date",
     "HA-2.2"),
    ("office", "/recording/records/new", {**RECORD, "determination_date": "2025-07-01", "basis_date": "2025-07-01"},
     "determination_date", None),
    ("office", "/recording/records/new", {**RECORD, "basis_number": ""}, "basis_number", "HA-2.2"),
    ("office", "/office/lists", {"profile_id": "NT", "list_code": "black", "drafted_on": "2025-06-03",
                                 "reason": "x", "subject_id": "not-an-id"}, "subject_id", "JY-6"),
    ("office", "/office/sanctions", {"step": "push", "source_id": "", "measure_id": "NT-M-06",
                                     "pushed_on": "2025-06-05"}, "source_id", "JY-21"),
    ("admin", "/admin/users", {"step": "add", "username": "x", "password": "long-enough", "role": "auditor"},
     "username", "HA-5.2"),
]


@pytest.mark.parametrize("user,path,data,field,rule", BAD_INPUT)
def test_bad_input_is_refused_at_its_field_with_the_rule_and_nothing_is_stored(
        app: Flask, user: str, path: str, data: dict[str, str], field: str, rule: str | None) -> None:
    client = app.test_client()
    login(client, user)
    if "subject_id" in data or path.endswith("records/new"):
        data = {"subject_id": _subject_of_template(app), **data}
    before = event_count(app)
    response = post(client, path, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[-1500:]
    assert f'id="error-{field}"' in page and 'id="refusal"' in page
    if rule:
        assert f'data-rule="{rule}"' in page
    assert event_count(app) == before


def test_bad_input_on_postgres_too_never_stores_a_thing(any_app: Flask) -> None:
    client = any_app.test_client()
    login(client, "office")
    before = event_count(any_app)
    response = post(client, "/recording/records/new", {**RECORD, "subject_id": _subject_of_template(any_app),
                                                          "act_date": "2025-06-20"})
    assert response.status_code == 422 and event_count(any_app) == before


def test_public_query_shows_only_masked_public_in_force_data_HA_3_2(app: Flask) -> None:
    client = app.test_client()
    subject_id, _record, _entry = office_records_and_lists(client, seed=3)
    with app.app_context():
        subject = services().credit.subject(subject_id)  # type: ignore[arg-type]
    anonymous = app.test_client()
    before = event_count(app)
    page = anonymous.post("/public/", data={"q": subject.id_number}).get_data(as_text=True)
    result = page[page.index('id="masked-name"'):]
    assert "李*" in result and "李四" not in result and subject.id_number not in result
    assert "欠缴依法应当缴纳的税款" in result and ">NT-PCI-12.3<" not in result  # the behaviour by its name (issue 16.3)
    lists = anonymous.get("/public/lists").get_data(as_text=True)
    assert "李*" in lists and "李四" not in lists
    assert event_count(app) == before  # public reads are not registered, and write nothing
    bad = anonymous.post("/public/", data={"q": "12345"})
    assert bad.status_code == 422 and 'id="error-q"' in bad.get_data(as_text=True)


def test_time_travel_as_of_and_valid_at(app: Flask) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=4)
    login(client, "auditor")
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "复核", "basis": "督查〔2025〕2号"})
    url = f"/audit/timetravel?subject_id={subject_id}"
    now = client.get(f"{url}&valid_at=2025-06-10", follow_redirects=True).get_data(as_text=True)
    assert record_id in now and "<td>yes</td>" in now.replace("是", "yes")
    before = client.get(f"{url}&valid_at=2025-05-01", follow_redirects=True).get_data(as_text=True)
    assert record_id in before and "<td>no</td>" in before.replace("否", "no")
    too_early = client.get(f"/audit/timetravel?subject_id={subject_id}&as_of=2000-01-01")
    assert too_early.status_code == 422 and 'id="error-as_of"' in too_early.get_data(as_text=True)
    bad = client.get(f"/audit/timetravel?subject_id={subject_id}&valid_at=June")
    assert bad.status_code == 422 and 'id="error-valid_at"' in bad.get_data(as_text=True)


def test_proof_behind_an_answer_and_ledger_verification_NT_PCI_37(app: Flask) -> None:
    client = app.test_client()
    with app.app_context():
        create_checkpoint(services().ledger)
        size = services().ledger.log.tree_size()
    login(client, "auditor")
    page = client.get(f"/audit/proof?position={size - 1}").get_data(as_text=True)
    assert 'id="proof-status" class="flash"' in page
    beyond = client.get(f"/audit/proof?position={size + 5}")
    assert beyond.status_code == 422 and 'id="error-position"' in beyond.get_data(as_text=True)
    assert client.get("/audit/proof?position=-1").status_code == 422
    verified = post(client, "/audit/verify", {}, form_path="/audit/").get_data(as_text=True)
    assert 'id="verify-status" class="flash"' in verified


def test_subject_page_draws_the_periods_chart_and_flags_overdue_steps_NT_PCI_32(app: Flask) -> None:
    client = app.test_client()
    subject_id, _record, _entry = office_records_and_lists(client, seed=5)
    early = flashed_id(client, post(client, "/recording/records/new", {
        **RECORD, "subject_id": subject_id, "determination_date": "2025-05-06", "basis_date": "2025-05-06",
        "basis_number": "通税罚〔2025〕8号"}))
    objection_id = flashed_id(client, post(client, "/office/objections", {  # NT-PCI-32: 10 working days to answer
        "step": "file", "record_id": early, "grounds": "wrong_or_incomplete", "statement": "金额有误",
        "filed_on": "2025-05-07"}))
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "逾期督办", "basis": "NT-PCI-32"})
    page = client.get(f"/subjects/{subject_id}").get_data(as_text=True)
    assert "<svg" in page and page.count('<g class="period') == 3  # two records and the black-list entry
    assert 'id="timeline"' in page and "记录失信信息" in page  # the event by its name (issue 16.3), not "Recorded"
    assert 'id="overdue-alert"' in page and '<span class="overdue">' in page
    dashboard = client.get("/office/").get_data(as_text=True)
    assert objection_id in dashboard[dashboard.index('id="overdue"'):]


def test_admin_adds_a_user_who_can_log_in_and_registers_a_unit_key(app: Flask) -> None:
    client = app.test_client()
    login(client, "admin")
    response = post(client, "/admin/users", {"step": "add", "username": "clerk2", "password": "clerk2-password",
                                             "role": "recording_unit", "unit": "nt-tax-bureau"})
    assert response.status_code == 302
    other = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    assert other.post("/login", data={"username": "clerk2", "password": "clerk2-password",
                                      "csrf_token": token}).status_code == 302
    assert other.get("/recording/").status_code == 200
    keyed = post(client, "/admin/units", {"unit": "nt-new-unit", "step": "register"})
    assert keyed.status_code == 302
    with app.app_context():
        assert services().ledger.keybook.active_for("nt-new-unit") is not None
    bad = post(client, "/admin/units", {"unit": "Bad Unit!", "step": "register"})
    assert bad.status_code == 422 and 'id="error-unit"' in bad.get_data(as_text=True)


def test_department_bad_input_is_shown_at_the_case_and_nothing_is_stored_JY_21(app: Flask) -> None:
    client = app.test_client()
    _subject, record_id, _entry = office_records_and_lists(client, seed=6)
    case_id = push(client, record_id)
    login(client, "dept")
    for data, field in (({"step": "acknowledge", "acknowledged_on": "2025-02-30"}, "acknowledged_on"),
                        ({"step": "acknowledge", "acknowledged_on": "2025-07-01"}, "acknowledged_on"),
                        ({"step": "acknowledge", "acknowledged_on": "2025-06-06"}, None),
                        ({"step": "apply", "case_number": "", "case_date": "2025-06-09", "case_description": "x"},
                         "case_number")):
        before = event_count(app)
        response = post(client, "/department/inbox", {"sanction_id": case_id, **data})
        if field is None:
            assert response.status_code == 302 and event_count(app) == before + 1
            continue
        assert response.status_code == 422 and f'id="error-{field}"' in response.get_data(as_text=True)
        assert event_count(app) == before


def test_office_lists_are_paged_oldest_first_and_a_page_past_the_end_shows_the_last(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import web.worklists as worklists

    client = app.test_client()
    entries = [office_records_and_lists(client, seed)[2] for seed in (31, 32, 33)]
    with app.app_context(), worklists.current_views() as conn:
        from domain.index import read_index
        from projections.worklists import open_page

        open_ids = [row["id"] for row in open_page(conn, "list_entries", 1, size=1000).items]
        drafted = [row["drafted_on"] for row in open_page(conn, "list_entries", 1, size=1000).items]
        indexed = {str(i) for i in read_index(services().ledger.get, "list_entries").ids()}  # type: ignore[union-attr]
    assert set(open_ids) == indexed and set(entries) <= indexed  # the domain's open items, issue 16
    assert drafted == sorted(drafted)  # oldest first
    monkeypatch.setattr(worklists, "PAGE_SIZE", 2)
    pages = {n: client.get(f"/office/lists?page={n}").get_data(as_text=True) for n in (1, 2, 99)}
    last = -(-len(open_ids) // 2)
    for n, html in pages.items():
        shown = [i for i in open_ids if i in html[html.index('id="open-entries"'):html.index('id="pager"')]]
        number = min(n, last)
        assert shown == open_ids[(number - 1) * 2:number * 2]  # page 99 is the last page
        assert f"第 {number} / {last} 页，共 {len(open_ids)} 项未结" in html
    assert 'rel="next"' in pages[1] and 'rel="prev"' not in pages[1] and 'rel="next"' not in pages[99]
