"""The yearly government-integrity evaluation page (NT-GOV-4.1): issued and shown, printable, in zh and en."""

from __future__ import annotations

from datetime import date

from flask import Flask
from gov_support import CREDIT, judged_record, judgment, register_body
from web_helpers import event_count, login, post

from web.context import services


def test_nt_gov_4_1_the_office_issues_and_prints_the_yearly_evaluation_in_zh_and_en(app: Flask) -> None:
    with app.app_context():
        credit = services().credit
        city = register_body(credit, "南通市人民政府", 41)
        dept = register_body(credit, "南通市统计局", 42, unit="nt-statistics-bureau", superior_id=city)
        record = judged_record(credit, dept, 2024)
        credit.order_rectification(CREDIT, record_id=record, ordered_on=date(2024, 3, 5), deadline=date(2024, 4, 30),
                                   requirements="兑现承诺")
    client = app.test_client()
    login(client, "office")
    blank = client.get("/office/reports/evaluation").get_data(as_text=True)
    assert "政务诚信考核评价" in blank and f'<option value="{city}"' in blank  # the evaluating bodies to choose
    before = event_count(app)
    form = {"profile_id": "NT", "evaluator_id": str(city), "year": "2025", "issued_on": "2025-06-16"}
    bad = post(client, "/office/reports/evaluation", {"step": "issue", **form})
    assert bad.status_code == 422 and 'id="error-year"' in bad.get_data(as_text=True)  # 2025 has not ended
    assert event_count(app) == before
    issued = post(client, "/office/reports/evaluation", {"step": "issue", **form, "year": "2024"})
    assert issued.status_code == 302 and event_count(app) == before + 1
    shown = post(client, "/office/reports/evaluation", {"step": "show", **form, "year": "2024"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="evaluation-check"' in page and "与已签名考核评价一致" in page
    assert "南通市统计局" in page and "逾期未整改 1" in page and "不计分" in page
    assert "双公示" in page and 'media="print"' in page
    client.get("/lang/en")
    english = post(client, "/office/reports/evaluation", {"step": "show", **form, "year": "2024"})
    text = english.get_data(as_text=True)
    assert "matches the signed evaluation" in text and "overdue 1" in text and "No score" in text
    missing = post(client, "/office/reports/evaluation", {"step": "show", **form, "year": "2023"})
    assert missing.status_code == 404


def test_nt_jrp_q_the_circular_page_shows_government_dishonesty_records(app: Flask) -> None:
    with app.app_context():
        credit = services().credit
        dept = register_body(credit, "南通市统计局", 43)
        credit.record_government_dishonesty(
            CREDIT, profile_id="NT", subject_id=dept, source_kind="court_judgment",
            document=judgment(date(2025, 2, 1)), behaviour_code="NT-GOV-3.4", tier="general",
            act_date=date(2024, 11, 1), determination_date=date(2025, 2, 2))
    client = app.test_client()
    login(client, "office")
    form = {"profile_id": "NT", "period": "2025-Q1", "issued_on": "2025-06-16"}
    assert post(client, "/office/reports/circular", {"step": "issue", **form}).status_code == 302
    page = post(client, "/office/reports/circular", {"step": "show", **form}).get_data(as_text=True)
    assert 'id="circular-government"' in page and "政务失信记录（按来源）" in page and "与已签名通报一致" in page
    client.get("/lang/en")
    english = post(client, "/office/reports/circular", {"step": "show", **form}).get_data(as_text=True)
    assert "Government dishonesty records (by source)" in english and "Overdue rectifications at the end" in english
