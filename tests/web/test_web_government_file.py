"""NT-GOV through the file page's forms (issue 15.10): credit-file entries (NT-GOV-2.2a/d), fault-tolerance
determinations and the refusal citing them (NT-GOV-2.2c), the principal's accountability (NT-GOV-2.4a) and
self-correction (NT-GOV-2.5b) as case steps, the award check (NT-GOV-2.4b); on SQLite and PostgreSQL. A refusal
names field and rule and stores nothing."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient
from gov_support import CREDIT, DISCIPLINE, judged_record, judgment, register_body, register_servant
from web_helpers import csrf_token, event_count, login, post

from web.context import services

PURPOSE = {"purpose": "政务诚信档案管理", "basis": "NT-GOV-2.2a"}


def log_in_as(app: Flask, client: FlaskClient, username: str, unit: str) -> None:
    """A recording-unit login of `unit` (the organisation department, HR, the discipline commission)."""
    with app.app_context():
        if services().accounts.get(username) is None:
            services().accounts.add_user(username, f"{username}-password", "recording_unit", unit=unit)
    assert client.post("/login", data={"username": username, "password": f"{username}-password",
                                       "csrf_token": csrf_token(client)}).status_code == 302


def refused_post(app: Flask, client: FlaskClient, path: str, data: dict[str, str], form_path: str
                 ) -> tuple[int, str, int]:
    """POST a form expected to be refused: (status, page, events added by the POST itself)."""
    token = csrf_token(client, form_path)  # reading the form page registers a read of its own (HA-5.2)
    before = event_count(app)
    response = client.post(path, data={**data, "csrf_token": token})
    return response.status_code, response.get_data(as_text=True), event_count(app) - before


def file_page(client: FlaskClient, subject: UUID) -> str:
    """The subject's file page, the purpose stated first (HA-5.2)."""
    post(client, f"/subjects/{subject}/purpose", PURPOSE)
    return client.get(f"/subjects/{subject}/government").get_data(as_text=True)


def test_nt_gov_2_2a_a_positive_file_entry_through_the_form_and_a_refused_category(any_app: Flask) -> None:
    with any_app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某局", 61, unit="nt-statistics-bureau")
        servant = register_servant(credit, dept, 61, "秦三")
    client = any_app.test_client()
    log_in_as(any_app, client, "hr", "nt-hrss")
    page = file_page(client, servant)
    offered = re.findall(r'<option value="([a-z_]+)"', page[page.index('id="entry-form"'):page.index("</form>",
                                                                                        page.index('id="entry-form"'))])
    assert "honours" in offered and "lawful_administration" not in offered  # a civil servant's categories only
    stored = post(client, f"/government/{servant}/entry", {
        "form": "entry", "category": "honours", "polarity": "positive", "document_number": "通人社奖〔2025〕3号",
        "document_date": "2025-04-01", "summary": "防汛抗旱先进个人"}, form_path=f"/subjects/{servant}/government")
    assert stored.status_code == 302 and stored.headers["Location"].endswith(f"/subjects/{servant}/government")
    entries = client.get(f"/subjects/{servant}/government").get_data(as_text=True)
    table = entries[entries.index('id="government-entries"'):entries.index("</table>",
                                                                           entries.index('id="government-entries"'))]
    assert "通人社奖〔2025〕3号" in table and "防汛抗旱先进个人" in table and "表彰奖励" in table
    status, html, added = refused_post(any_app, client, f"/government/{servant}/entry", {
        "form": "entry", "category": "openness", "polarity": "positive", "document_number": "X〔2025〕1号",
        "document_date": "2025-04-01", "summary": "政务公开"}, f"/subjects/{servant}/government")
    assert status == 422 and 'data-field="category" data-rule="NT-GOV-2.2a"' in html
    assert 'id="error-category" data-rule="NT-GOV-2.2a"' in html  # at the entry form's own field
    assert added == 1  # only the re-shown page's read is registered (HA-5.2), no entry
    with any_app.app_context():
        assert len(services().credit.government_file(servant)["entries"]) == 1


def test_nt_gov_2_2a_the_annual_assessment_year_must_be_a_year(app: Flask) -> None:
    with app.app_context():
        credit = services().credit
        servant = register_servant(credit, register_body(credit, "南通市某办", 62), 62, "尤四")
    client = app.test_client()
    log_in_as(app, client, "hr", "nt-hrss")
    file_page(client, servant)
    status, html, added = refused_post(app, client, f"/government/{servant}/entry", {
        "form": "entry", "category": "annual_assessment", "polarity": "positive", "document_number": "考核〔2025〕2号",
        "document_date": "2025-01-20", "summary": "年度考核", "year": "二〇二四", "result": "优秀"},
        f"/subjects/{servant}/government")
    assert status == 422 and 'data-field="year" data-rule="NT-GOV-2.2a"' in html
    assert added == 1  # the re-shown page's read only


def test_nt_gov_2_2c_a_kept_determination_is_listed_and_refuses_the_record_citing_it(any_app: Flask) -> None:
    with any_app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某委", 63, unit="nt-statistics-bureau")
        servant = register_servant(credit, dept, 63, "许五")
    client = any_app.test_client()
    log_in_as(any_app, client, "discipline", "nt-discipline-supervision")
    file_page(client, servant)
    status, html, added = refused_post(any_app, client, f"/government/{servant}/fault-tolerance", {
        "form": "fault_tolerance", "case_number": "通纪〔2025〕21号", "document_number": "通容〔2025〕4号",
        "document_date": "2025-05-06", "reason": ""}, f"/subjects/{servant}/government")
    assert status == 422 and 'data-field="reason" data-rule="NT-GOV-2.2c"' in html and added == 1
    kept = post(client, f"/government/{servant}/fault-tolerance", {
        "form": "fault_tolerance", "case_number": "通纪〔2025〕21号", "document_number": "通容〔2025〕4号",
        "document_date": "2025-05-06", "reason": "改革创新中的探索性失误"}, form_path=f"/subjects/{servant}/government")
    assert kept.status_code == 302
    page = client.get(f"/subjects/{servant}/government").get_data(as_text=True)
    table = page[page.index('id="government-fault-tolerance"'):]
    assert "通容〔2025〕4号" in table and "改革创新中的探索性失误" in table and "南通市纪委、市监委" in table
    # the same case brought as a disciplinary sanction: refused, citing the determination, nothing stored
    login(client, "office")
    before = event_count(any_app)
    record = post(client, "/government/", {
        "step": "record", "subject_id": str(servant), "source_kind": "disciplinary_sanction",
        "document_number": "通纪〔2025〕21号", "document_issuer": "南通市纪委监委", "document_date": "2025-05-01",
        "behaviour_code": "NT-GOV-3.6", "tier": "general", "act_date": "2025-03-01",
        "determination_date": "2025-05-01", "summary": "统计数据差错"})
    html = record.get_data(as_text=True)
    assert record.status_code == 422 and 'data-field="document_number" data-rule="NT-GOV-2.2c"' in html
    banner = re.search(r'id="refusal"[^>]*>(.*?)</p>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "通容〔2025〕4号" in banner and "2025-05-06" in banner and "容错纠错认定" in banner
    assert event_count(any_app) == before
    with any_app.app_context():
        assert services().credit.government_file(servant)["records"] == []


def test_nt_gov_2_4a_the_principal_is_held_accountable_from_the_body_record(any_app: Flask) -> None:
    with any_app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某署", 64, unit="nt-statistics-bureau")
        head = register_servant(credit, dept, 64, "何六")
        outsider = register_servant(credit, register_body(credit, "南通市另一署", 65), 65, "吕七")
        record = judged_record(credit, dept)
    client = any_app.test_client()
    log_in_as(any_app, client, "discipline", "nt-discipline-supervision")
    page = file_page(client, dept)
    form = page[page.index('id="case-accountable-'):]
    form = form[:form.index("</form>")]
    assert f'<option value="{head}"' in form and str(outsider) not in form  # the body's own civil servants only
    step = {"record_id": str(record), "step": "accountable", "source_kind": "accountability_decision",
            "document_number": "通监问〔2025〕3号", "document_issuer": "南通市监委", "document_date": "2025-04-02",
            "tier": "general", "determination_date": "2025-04-02", "summary": "主要负责人问责"}
    status, html, added = refused_post(any_app, client, f"/subjects/{dept}/government/case",
                                       {**step, "person_id": str(outsider)}, f"/subjects/{dept}/government")
    assert status == 422 and 'data-field="person_id" data-rule="NT-GOV-2.4a"' in html
    assert added == 1  # the re-shown page's read only
    held = post(client, f"/subjects/{dept}/government/case", {**step, "person_id": str(head)},
                form_path=f"/subjects/{dept}/government")
    assert held.status_code == 302
    page = client.get(f"/subjects/{dept}/government").get_data(as_text=True)
    assert f'href="/subjects/{head}/government">何六</a>' in page  # the principal, by name
    assert 'value="accountable"' not in page  # taken: no longer offered
    with any_app.app_context():
        [derived] = services().credit.government_file(head)["records"]
    assert derived.origin_record_id == record and derived.government["source_kind"] == "accountability_decision"


def test_nt_gov_2_5b_self_correction_from_the_page_lifts_the_award_bar(any_app: Flask) -> None:
    with any_app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某中心", 66, unit="nt-statistics-bureau")
        record = judged_record(credit, dept)
    client = any_app.test_client()
    login(client, "office")
    page = file_page(client, dept)
    assert 'id="award-eligibility" class="alert"' in page
    step = {"record_id": str(record), "step": "self_correct", "ground": "loss_recovered", "outcome": "lighter",
            "reason": "已足额退还", "document_number": "通信办〔2025〕9号", "document_date": "2025-05-20",
            "decided_on": "2025-05-20"}
    status, html, added = refused_post(any_app, client, f"/subjects/{dept}/government/case", step,
                                       f"/subjects/{dept}/government")
    assert status == 422 and 'data-field="lifted" data-rule="NT-GOV-2.5b"' in html
    assert 'id="error-lifted" data-rule="NT-GOV-2.5b"' in html and added == 1  # the re-shown page's read only
    client.post(f"/subjects/{dept}/government/case", data={
        **step, "lifted": ["honours_restriction", "public_criticism"],
        "csrf_token": csrf_token(client, f"/subjects/{dept}/government")})
    page = client.get(f"/subjects/{dept}/government").get_data(as_text=True)
    assert 'id="award-eligibility" class="muted"' in page  # NT-GOV-2.4a: the honours bar is lifted
    assert "从轻实施失信惩戒 (主动挽回损失)" in page
    assert re.findall(r'name="step" value="([a-z_]+)"', page).count("criticise") == 0  # criticism lifted too
    with any_app.app_context():
        assert services().credit.government_case(record).self_corrections[0]["lifted"] == [
            "honours_restriction", "public_criticism"]


def test_nt_gov_2_4b_the_award_check_page_answers_with_reasons_and_registers_the_read(any_app: Flask) -> None:
    with any_app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市某所", 67, unit="nt-statistics-bureau")
        servant = register_servant(credit, dept, 67, "施八")
        other = register_servant(credit, dept, 68, "张九")
        record = credit.record_government_dishonesty(
            DISCIPLINE, profile_id="NT", subject_id=servant, source_kind="disciplinary_sanction",
            document=judgment(date(2025, 3, 3), "通纪〔2025〕31号", "南通市纪委"), behaviour_code="NT-GOV-3.6",
            tier="general", act_date=date(2024, 12, 1), determination_date=date(2025, 3, 3), summary="统计造假")
    client = any_app.test_client()
    login(client, "office")
    form = client.get("/government/award/").get_data(as_text=True)
    assert f'value="{servant}"' in form and "施八 · 科长 · 南通市某所" in form and 'value="2025-06-16"' in form
    narrowed = post(client, "/government/award/", {"action": "search", "q": "施八"}).get_data(as_text=True)
    assert f'value="{servant}"' in narrowed and f'value="{other}"' not in narrowed
    ask = {"action": "check", "subject_id": str(servant), "day": "2025-06-16", "purpose": "年度评优资格审查",
           "basis": "NT-GOV-2.4b"}
    status, html, added = refused_post(any_app, client, "/government/award/", {**ask, "purpose": ""},
                                       "/government/award/")
    assert status == 422 and 'data-field="purpose" data-rule="HA-5.2"' in html and added == 0  # nothing registered
    before = event_count(any_app)
    barred = post(client, "/government/award/", ask).get_data(as_text=True)
    assert 'id="award-barred"' in barred and event_count(any_app) == before + 1  # the check is a registered read
    reasons = barred[barred.index('id="award-reasons"'):]
    assert "通纪〔2025〕31号" in reasons and "纪律处分" in reasons and "2025-03-03" in reasons
    assert 'id="award-allowed"' in post(client, "/government/award/", {**ask, "day": "2025-03-02"}).get_data(
        as_text=True)  # before the determination
    with any_app.app_context():
        services().credit.record_self_correction(
            CREDIT, record_id=record, ground="effect_removed",
            outcome="exempt", reason="主动更正数据", document={"number": "通信办〔2025〕11号", "date": date(2025, 3, 8)},
            decided_on=date(2025, 3, 8))
    allowed = post(client, "/government/award/", ask).get_data(as_text=True)
    assert 'id="award-allowed"' in allowed and 'id="award-reasons"' not in allowed


def test_nt_gov_the_office_menu_reaches_the_government_pages(app: Flask) -> None:
    client = app.test_client()
    login(client, "office")
    menu = client.get("/government/award/").get_data(as_text=True)
    assert 'href="/government/"' in menu and 'href="/government/award/"' in menu and "评优资格核查" in menu
