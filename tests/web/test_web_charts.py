"""Pictures (issue 16.5): the effective-period chart and the joint-sanction loop diagram, server-drawn SVG, read
through the real pages (Flask test client, real signed ledger) in Chinese and in English, parsed as XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from uuid import UUID

from flask import Flask
from flask.testing import FlaskClient
from web_helpers import login, new_person_id, post

from domain.actor import Actor
from web.charts import Period, periods_svg
from web.context import services

SVG = "{http://www.w3.org/2000/svg}"
TAX, OFFICE = Actor("nt-tax-bureau", "recorder"), Actor("nt-credit-office", "sun")
BANKS = Actor("nt-financial-institutions", "wu")


def _history(app: Flask, seed: int) -> tuple[str, str]:
    """A person with a serious record; NT-M-06 pushed, acknowledged and applied in April, never fed back."""
    with app.app_context():
        credit = services().credit
        person = credit.register_person(TAX, name="李四", id_number=new_person_id(seed))
        record = credit.record_dishonesty(
            TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3", tier="serious",
            basis={"type": "administrative_penalty", "number": "通税罚〔2025〕5号", "issuer": "南通市税务局",
                   "date": date(2025, 3, 20)}, act_date=date(2025, 3, 1), determination_date=date(2025, 3, 25))
        case = credit.push_sanction(OFFICE, source_id=record, measure_id="NT-M-06", pushed_on=date(2025, 4, 1))
        credit.acknowledge_sanction(BANKS, sanction_id=case, acknowledged_on=date(2025, 4, 2))
        credit.apply_sanction(BANKS, sanction_id=case, case={"number": "贷审〔2025〕2号", "date": date(2025, 4, 3),
                                                              "description": "提高贷款利率"})
    return str(person), str(case)


def _page(client: FlaskClient, subject_id: str) -> str:
    login(client, "office")
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "联合惩戒督办", "basis": "通信用办〔2025〕1号"})
    response = client.get(f"/subjects/{subject_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _svg(page: str, element_id: str) -> ET.Element:
    found = re.search(rf'id="{re.escape(element_id)}">(<svg .*?</svg>)', page, re.S)
    assert found, element_id
    return ET.fromstring(found.group(1))  # well-formed XML, or this raises


def _texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_jy_21_cs_2_6_loop_diagram_shows_dates_and_marks_the_overdue_feedback(app: Flask) -> None:
    client = app.test_client()
    subject_id, case_id = _history(app, 161)
    svg = _svg(_page(client, subject_id), f"loop-{case_id}")
    texts = _texts(svg)
    steps = {g.get("data-step"): g for g in svg.iter(f"{SVG}g") if g.get("data-step")}
    assert list(steps) == ["push", "acknowledge", "apply", "feed_back", "lift", "confirm_lift"]
    assert [g.get("class") for g in steps.values()] == ["step done", "step done", "step done", "step overdue",
                                                         "step open", "step open"]
    for day in ("2025-04-01", "2025-04-02", "2025-04-03"):
        assert day in texts
    feedback = ["".join(t.itertext()) for t in steps["feed_back"].iter(f"{SVG}text")]
    assert feedback == ["已反馈", "—", "期限 2025-05-31", "⚠ 已逾期"]  # NT-JRP-4: by the end of the next month
    assert any("金融机构" in t and "已实施" in t for t in texts)  # measure → department, and the case's status
    assert not any(re.search(r"NT-M-06|nt-financial", t) for t in texts)  # names, not codes
    client.get("/lang/en")
    english = _texts(_svg(client.get(f"/subjects/{subject_id}").get_data(as_text=True), f"loop-{case_id}"))
    assert "⚠ overdue" in english and "Due 2025-05-31" in english and "2025-04-01" in english
    assert any("Financial institutions" in t for t in english)


def test_issue_16_5_period_chart_has_names_year_ticks_dated_bars_and_today(app: Flask) -> None:
    client = app.test_client()
    subject_id, _case = _history(app, 162)
    svg = _svg(_page(client, subject_id), "chart")
    texts = _texts(svg)
    years = ["".join(g.itertext()) for g in svg.iter(f"{SVG}g") if g.get("class") == "year"]
    assert years == ["2026", "2027", "2028"]  # NT-PCI-30: three years for a serious record
    assert "2025-03-25 – 2028-03-25" in texts  # the record's dates on its bar
    assert any(t.startswith("失信记录：欠缴依法应当缴纳的税款") for t in texts)
    assert "今天 2025-06-16" in texts
    assert not any("NT-PCI-12.3" in t or "serious" in t for t in texts)
    client.get("/lang/en")
    english = _texts(_svg(client.get(f"/subjects/{subject_id}").get_data(as_text=True), "chart"))
    assert "Today 2025-06-16" in english and any("Arrears of taxes" in t for t in english)


def test_issue_16_5_ended_bars_keep_their_colour_and_as_of_valid_at_lines_are_labelled(app: Flask) -> None:
    periods = [Period("record", "甲", date(2023, 1, 5), date(2024, 1, 5), closed=True),
               Period("sanction", "乙", date(2023, 6, 1), None)]
    with app.test_request_context():
        svg = ET.fromstring(str(periods_svg(periods, date(2025, 6, 16), as_of=date(2024, 3, 1),
                                            valid_at=date(2023, 9, 1))))
    bars = {g.get("class"): g.find(f"{SVG}rect") for g in svg.iter(f"{SVG}g") if "period" in (g.get("class") or "")}
    assert bars["period record ended"].get("fill") == "url(#ended-record)"  # hatched in the record's own colour
    assert bars["period record ended"].get("stroke") == "#c0392b"
    assert bars["period sanction"].get("fill") == "#d68910"
    texts = _texts(svg)
    assert "2023-01-05 – 2024-01-05 (结束)" in texts and "2023-06-01 – 未结束" in texts
    assert {"截至日期 2024-03-01", "有效日期 2023-09-01", "今天 2025-06-16"} <= set(texts)
    lines = {line.get("class") for line in svg.iter(f"{SVG}line")}
    assert {"line-today", "line-as_of", "line-valid_at"} <= lines
    assert all(t.get("fill") == "#000" for t in svg.iter(f"{SVG}text"))  # black text: readable when printed


def test_nt_pci_36_time_travel_answer_draws_with_names_and_its_as_of_and_valid_at_lines(app: Flask) -> None:
    from projections.timetravel import status
    from web.chart_periods import status_periods

    subject_id, _case = _history(app, 163)
    with app.test_request_context():
        answer = status(services().ledger, UUID(subject_id), valid_at=date(2025, 5, 1))
        svg = ET.fromstring(str(periods_svg(status_periods(answer.items), date(2025, 6, 16), as_of=date(2025, 6, 1),
                                            valid_at=date(2025, 5, 1))))
    texts = _texts(svg)
    titles = ["".join(t.itertext()) for t in svg.iter(f"{SVG}title")]  # the full label, shown on hover
    assert any(t.startswith("失信记录：欠缴依法应当缴纳的税款") and "（严重失信）" in t for t in titles)
    assert "2025-03-25 – 2028-03-25" in texts
    assert {"截至日期 2025-06-01", "有效日期 2025-05-01"} <= set(texts)
