"""The court bundle download (issue 6): auditors state purpose and basis, the ZIP verifies offline, the export is
registered in the subject's access log (HA-5.2); bad input names the field and rule and stores nothing."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

from api_support import Api, error_of, event_total, person_of
from flask import Flask
from test_api_workflows import _black_list, _record

from ledger.bundle.verify import verify_bundle

AUDIT = {"purpose": "法院调取证据", "basis": "（2025）苏06民初12号调查令"}


def test_the_downloaded_bundle_verifies_offline_and_the_export_is_registered_ha_5_2(any_app: Flask,
                                                                                     tmp_path: Path) -> None:
    subject_id = person_of(any_app)
    recorder, office, auditor = Api(any_app, "recording_unit"), Api(any_app, "credit_office"), Api(any_app, "auditor")
    record_id = _record(recorder, subject_id)
    _black_list(recorder, office, subject_id, record_id)
    before = event_total(any_app)
    response = auditor.client.get(f"/api/v1/subjects/{subject_id}/bundle", headers=auditor.headers,
                                  query_string={**AUDIT, "valid_at": ["2025-06-16", "2025-01-01"]})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip" and "attachment" in response.headers["Content-Disposition"]
    path = tmp_path / "bundle.zip"
    path.write_bytes(response.get_data())
    report = verify_bundle(path)
    assert report.ok, report.text()
    assert event_total(any_app) == before + 1  # the export's access record
    reads = auditor.read(f"/subjects/{subject_id}/access-log", **AUDIT)["reads"]
    assert any(r["channel"] == "export" and r["purpose"] == AUDIT["purpose"] and r["unit"] ==
               "nt-discipline-supervision" for r in reads)


def test_a_bundle_as_of_an_earlier_position_verifies_too_nt_pci_36(app: Flask, subject_id: UUID,
                                                                   tmp_path: Path) -> None:
    auditor = Api(app, "auditor")
    position = event_total(app) - 1
    _record(Api(app, "recording_unit"), subject_id)
    response = auditor.client.get(f"/api/v1/subjects/{subject_id}/bundle", headers=auditor.headers,
                                  query_string={**AUDIT, "position": position})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    (tmp_path / "old.zip").write_bytes(response.get_data())
    assert verify_bundle(tmp_path / "old.zip").ok


BAD_QUERIES: list[tuple[str, dict[str, str], str, str]] = [
    ("no purpose", {"basis": "b"}, "purpose", "HA-5.2"),
    ("no basis", {"purpose": "p"}, "basis", "HA-5.2"),
    ("blank purpose", {"purpose": "  ", "basis": "b"}, "purpose", "HA-5.2"),
    ("bad valid_at", {**AUDIT, "valid_at": "16/06/2025"}, "valid_at[0]", "NT-PCI-30"),
    ("as_of without offset", {**AUDIT, "as_of": "2025-06-16T10:00"}, "as_of", "NT-PCI-36"),
    ("as_of and position", {**AUDIT, "as_of": "2025-06-16", "position": "1"}, "position", "NT-PCI-36"),
    ("position out of range", {**AUDIT, "position": "999999"}, "position", "NT-PCI-36"),
]


def test_bad_bundle_requests_name_field_and_rule_and_store_nothing(app: Flask, subject_id: UUID) -> None:
    auditor, before = Api(app, "auditor"), event_total(app)
    for case, query, field, rule in BAD_QUERIES:
        response = auditor.get(f"/subjects/{subject_id}/bundle", **query)
        assert response.status_code == 422, (case, response.get_data(as_text=True))
        assert (error_of(response)["field"], error_of(response)["rule_id"]) == (field, rule), case
    assert event_total(app) == before


def test_only_auditors_export_and_unknown_subjects_are_404(app: Flask, subject_id: UUID) -> None:
    before = event_total(app)
    missing = Api(app, "auditor").get(f"/subjects/{uuid4()}/bundle", **AUDIT)
    assert missing.status_code == 404 and error_of(missing)["field"] == "subject_id"
    for role in ("credit_office", "recording_unit", "department", "subject", "admin"):
        refused = Api(app, role).get(f"/subjects/{subject_id}/bundle", **AUDIT)
        assert refused.status_code == 403 and error_of(refused)["rule_id"] == "HA-5.2", role
    assert app.test_client().get(f"/api/v1/subjects/{subject_id}/bundle", query_string=AUDIT).status_code == 401
    assert event_total(app) == before
