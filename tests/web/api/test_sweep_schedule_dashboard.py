"""Issue 14 part 3: the office dashboard shows every overdue item, each linked to its item on the subject
page, and the records past their last day still awaiting the sweep (NT-PCI-30, LYG-18, NT-PCI-32), zh + en."""

from __future__ import annotations

import re
from datetime import date

from api_support import Api
from casework_support import basis, run
from flask import Flask
from web_helpers import login, new_person_id, post

from domain.actor import Actor
from web.context import services

TAX_PENALTY = basis(date(2024, 3, 1), "通税罚〔2024〕9号", "国家税务总局南通市税务局")


def _history(app: Flask) -> tuple[str, str, str]:
    """A record whose validity ended 2025-03-01 (unswept) and an objection past its answer deadline."""
    person = run(app, "register_person", "nt-tax-bureau", name="周某", id_number=new_person_id(914))
    ended = run(app, "record_dishonesty", "nt-tax-bureau", profile_id="NT", subject_id=person,
                behaviour_code="NT-PCI-12.9", tier="general", basis=TAX_PENALTY, act_date=date(2024, 2, 20),
                determination_date=date(2024, 3, 1))  # general: one year, last day 2025-03-01
    current = run(app, "record_dishonesty", "nt-tax-bureau", profile_id="NT", subject_id=person,
                  behaviour_code="NT-PCI-12.9", tier="general", act_date=date(2025, 5, 1),
                  basis=basis(date(2025, 5, 10), "通税罚〔2025〕4号", "国家税务总局南通市税务局"),
                  determination_date=date(2025, 5, 10))
    objection = run(app, "file_objection", "nt-credit-office", record_id=current, grounds="wrong_or_incomplete",
                    statement="金额有误", filed_on=date(2025, 5, 20))  # NT-PCI-32: 10 working days
    return str(person), str(ended), str(objection)


def _history_record(app: Flask, person: str, ended: str) -> str:
    """The person's other record (still in force)."""
    with app.app_context():
        return next(str(r.id) for r in services().credit.records_of(person) if str(r.id) != ended)


def _row_links(page: str, table: str) -> dict[str, str]:
    """Item id -> link target of each row of the table `table`."""
    body = page[page.index(f'id="{table}"'):]
    body = body[:body.index("</table>")]
    return {m.group(2): m.group(1) for m in re.finditer(r'<a href="([^"]+)"><code>([0-9a-f-]{36})</code>', body)}


def test_dashboard_lists_overdue_and_unswept_expiries_with_links_nt_pci_30_32(app: Flask) -> None:
    person, ended, objection = _history(app)
    client = app.test_client()
    login(client, "office")
    page = client.get("/office/").get_data(as_text=True)
    assert _row_links(page, "overdue")[objection] == f"/subjects/{person}#item-{objection}"
    assert _row_links(page, "awaiting-sweep") == {ended: f"/subjects/{person}#item-{ended}"}
    assert "1 项已过有效期最后一日，仍等待到期清理" in page and "今日到期清理尚未运行。" in page
    english = client.get("/lang/en?next=/office/", follow_redirects=True).get_data(as_text=True)
    assert "1 items past their last day in force are still awaiting the sweep" in english
    assert "Today's expiry sweep has not run yet." in english

    subject_page = client.get(f"/subjects/{person}", follow_redirects=True).get_data(as_text=True)
    if f'id="item-{ended}"' not in subject_page:  # staff state purpose and basis first (HA-5.2)
        post(client, f"/subjects/{person}/purpose", {"purpose": "逾期核查", "basis": "信用办日常监督"})
        subject_page = client.get(f"/subjects/{person}").get_data(as_text=True)
    row = subject_page[subject_page.index(f'id="item-{ended}"'):]
    assert 'class="muted"' in row[:60] and '<td class="status">expired' in row[:row.index("</tr>")]  # shown expired before the sweep

    status_on = Api(app, "credit_office").read(f"/subjects/{person}")["status_on"]  # the JSON subject file
    assert (status_on[ended], status_on[_history_record(app, person, ended)]) == ("expired", "in_force")

    with app.app_context():
        services().credit.sweep(Actor("ledger-admin", "daily-sweep"), daily=True)
    page = client.get("/office/").get_data(as_text=True)
    assert 'id="awaiting-sweep"' not in page and 'id="no-awaiting"' in page
    assert "Today's expiry sweep has run." in page
