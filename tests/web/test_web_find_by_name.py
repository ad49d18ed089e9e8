"""An auditor finds a subject by part of its name or a masked number, never typing an id (issue 16.1); the term
travels by POST, answers are masked (HA-3.2) and opening the subject is a registered read (HA-5.2)."""

from __future__ import annotations

from uuid import UUID

from flask.testing import FlaskClient
from web_helpers import csrf_token, login


def _find(client: FlaskClient, q: str):  # type: ignore[no-untyped-def]
    return client.post("/subjects/", data={"q": q, "csrf_token": csrf_token(client, "/subjects/")})


def test_an_auditor_finds_a_subject_by_part_of_its_name_HA_3_2(client: FlaskClient, subject_id: UUID) -> None:
    login(client, "auditor")
    found = _find(client, "小明")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/subjects/{subject_id}")
    assert "小明" not in found.headers["Location"]


def test_an_unknown_name_and_a_too_short_term_are_refused_NT_PCI_15_HA_5_2(client: FlaskClient) -> None:
    login(client, "auditor")
    missing = _find(client, "无此人名")
    assert missing.status_code == 404 and 'id="error-q"' in missing.get_data(as_text=True)
    short = _find(client, "王")
    assert short.status_code == 422 and 'data-rule="HA-5.2"' in short.get_data(as_text=True)
