"""The joint-sanction loop driven through the real forms: register, record, list, confirm, push, feed back."""

from __future__ import annotations

from dataclasses import dataclass

from flask.testing import FlaskClient
from web_helpers import flashed_id, login, new_person_id, post


@dataclass(frozen=True)
class Loop:
    """Ids created by the loop."""

    subject_id: str
    record_id: str
    entry_id: str
    case_id: str


RECORD = {"profile_id": "NT", "behaviour_code": "NT-PCI-12.3", "tier": "serious", "act_date": "2025-05-01",
          "determination_date": "2025-06-02", "basis_type": "administrative_penalty", "basis_number": "通税罚〔2025〕7号",
          "basis_issuer": "国家税务总局南通市税务局", "basis_date": "2025-06-02", "summary": "欠缴税款逾期未缴"}


def office_records_and_lists(client: FlaskClient, seed: int = 1) -> tuple[str, str, str]:
    """As the credit office: register a person, record serious dishonesty, draft and confirm a black list entry."""
    login(client, "office")
    subject_id = flashed_id(client, post(client, "/recording/subjects/new", {
        "kind": "person", "name": "李四", "id_number": new_person_id(seed), "address": "南通市"}))
    record_id = flashed_id(client, post(client, "/recording/records/new", {**RECORD, "subject_id": subject_id}))
    entry_id = flashed_id(client, post(client, "/office/lists", {
        "profile_id": "NT", "subject_id": subject_id, "list_code": "black", "record_ids": record_id,
        "drafted_on": "2025-06-03", "reason": "严重失信"}))
    flashed_id(client, post(client, "/office/lists/step", {
        "list_entry_id": entry_id, "step": "confirm", "confirmed_on": "2025-06-04",
        "decision_number": "通信用认〔2025〕3号", "decision_date": "2025-06-04"}, form_path="/office/lists"))
    return subject_id, record_id, entry_id


def push(client: FlaskClient, source_id: str) -> str:
    """As the credit office: push NT-M-06 to the financial institutions (HA-4.2, JY-21)."""
    return flashed_id(client, post(client, "/office/sanctions", {
        "step": "push", "source_id": source_id, "measure_id": "NT-M-06", "pushed_on": "2025-06-05"}))


def department_feeds_back(client: FlaskClient, case_id: str) -> None:
    """As the department: acknowledge, apply with the business case, feed back (JY-21, CS-2.6)."""
    login(client, "dept")
    for data in ({"step": "acknowledge", "acknowledged_on": "2025-06-06"},
                 {"step": "apply", "case_number": "贷审〔2025〕1号", "case_date": "2025-06-09",
                  "case_description": "个人经营贷款申请提高利率"},
                 {"step": "feed_back", "report": "6 月实施 1 例", "fed_back_on": "2025-06-10"}):
        assert flashed_id(client, post(client, "/department/inbox", {"sanction_id": case_id, **data})) == case_id


def full_loop(client: FlaskClient, seed: int = 1) -> Loop:
    """Record, list, push, feed back: the loop an auditor then replays."""
    subject_id, record_id, entry_id = office_records_and_lists(client, seed)
    case_id = push(client, record_id)
    department_feeds_back(client, case_id)
    return Loop(subject_id, record_id, entry_id, case_id)
