"""Court bundle export on SQLite and PostgreSQL: it verifies, states the time-travel state, keeps privacy."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from bundle.scenario import EXPORTER, CREDIT, ID_NUMBER, NAME, OTHER_ID_NUMBER, OTHER_NAME, build, repair
from bundle.tamper import read

from domain.errors import RuleViolation
from ledger.bundle import layout
from ledger.bundle.verify import verify_bundle
from ledger.config import Settings
from projections.base import ProjectionError
from projections.bundle.export import AccessRequest, export_bundle
from projections.timetravel import status

DAYS = [date(2024, 6, 1), date(2025, 6, 1)]
ACCESS = AccessRequest(CREDIT, "法院调取 court request", "（2025）苏06民初1号 subpoena")


def _access_events(app) -> list[dict[str, object]]:
    rows = app.log.log_rows(0, app.log.tree_size())
    return [r for r in rows if r["topic"].startswith("domain.access_log:AccessRecord.")]


def test_nt_pci_37_export_verifies_and_states_the_time_travel_state(backend_settings: Settings, tmp_path: Path) -> None:
    s = build(backend_settings)
    out = export_bundle(s.app, s.service, s.subject_id, tmp_path / "bundle.zip", valid_at=DAYS, access=ACCESS)
    report = verify_bundle(out)
    assert report.ok, report.text()
    assert "RESULT: VALID" in report.text()
    files = read(out)
    meta = json.loads(files[layout.BUNDLE])
    assert meta["covering_size"] < meta["latest_size"]  # a real consistency proof between two checkpoints
    assert json.loads(files[layout.CONSISTENCY])["proof"]
    state = json.loads(files[layout.STATE])
    answer = status(s.app, s.subject_id, meta["as_of_position"], valid_at=DAYS[0])
    assert [(i["kind"], i["status"], i["in_force_at"][DAYS[0].isoformat()]) for i in state["items"][:2]] == \
        [(i.kind, i.status, i.in_force_at) for i in answer.items]
    assert {i["kind"]: i["status"] for i in state["items"]} == {
        "record": "corrected", "list_entry": "confirmed", "objection": "corrected", "sanction": "acknowledged"}
    kinds = {e["kind"] for e in json.loads(files[layout.EVENTS])}
    assert kinds == {"subject", "key", "profile"}
    html = files[layout.REPORT].decode()
    assert "已更正 corrected" in html and "Court bundle" in html and "@media print" in html
    exports = [r for r in _access_events(s.app) if b'"export"' in bytes(r["state"])]
    assert len(exports) == 1  # HA-5.2: the export is a registered non-public read
    s.app.close()


def test_nt_pci_35_bundle_exported_before_a_repair_still_verifies_and_shows_the_state_as_it_was(
        backend_settings: Settings, tmp_path: Path) -> None:
    s = build(backend_settings)
    before = export_bundle(s.app, None, s.subject_id, tmp_path / "before.zip", valid_at=DAYS, unit=EXPORTER)
    repair(s)
    after = export_bundle(s.app, None, s.subject_id, tmp_path / "after.zip", valid_at=DAYS, unit=EXPORTER)
    assert verify_bundle(before).ok and verify_bundle(after).ok
    old = {i["kind"]: i for i in json.loads(read(before)[layout.STATE])["items"]}
    new = {i["kind"]: i for i in json.loads(read(after)[layout.STATE])["items"]}
    assert (old["record"]["status"], old["record"]["in_force_at"]["2025-06-01"]) == ("corrected", True)
    assert (new["record"]["status"], new["record"]["in_force_at"]["2025-06-01"]) == ("repaired", False)
    assert (old["list_entry"]["status"], new["list_entry"]["status"]) == ("confirmed", "exited")  # JY-17
    assert "repair" not in old and new["repair"]["status"] == "approved"
    s.app.close()


def test_as_of_a_past_position_states_the_state_then(tmp_path: Path) -> None:
    from ledger_support.backends import sqlite_settings

    s = build(sqlite_settings(tmp_path))
    recorded = next(r["position"] for r in s.app.log.aggregate_rows(s.record_id))
    out = export_bundle(s.app, None, s.subject_id, tmp_path / "b.zip", as_of=int(recorded), valid_at=DAYS,
                        unit=EXPORTER)
    assert verify_bundle(out).ok
    state = json.loads(read(out)[layout.STATE])
    assert [(i["kind"], i["status"], i["version"]) for i in state["items"]] == [("record", "active", 1)]
    moment = datetime.now(timezone.utc)
    assert json.loads(read(export_bundle(s.app, None, s.subject_id, tmp_path / "m.zip", as_of=moment, unit=EXPORTER))
                      [layout.BUNDLE])["as_of"] == moment.isoformat()
    s.app.close()


def test_privacy_another_subjects_name_and_id_never_appear_in_any_bundle_file(tmp_path: Path) -> None:
    from ledger_support.backends import sqlite_settings

    s = build(sqlite_settings(tmp_path))
    repair(s)
    s.service.record_access(CREDIT, subject_id=s.other_id, purpose="核查", basis="NT-PCI-37", channel="web",
                            what="subject status")  # a read of the other person's data stays out of the bundle
    files = read(export_bundle(s.app, None, s.subject_id, tmp_path / "b.zip", valid_at=DAYS, unit=EXPORTER))
    other_records = [str(r.id) for r in s.service.records_of(s.other_id)]
    forbidden = [OTHER_NAME, OTHER_ID_NUMBER, str(s.other_id), s.other_id.hex, *other_records,
                 *[r.replace("-", "") for r in other_records]]
    for name, data in files.items():
        for text in forbidden:
            assert text.encode() not in data, f"{text} found in {name}"
    assert any(NAME.encode() in data for data in files.values())  # the subject's own data is there
    assert any(ID_NUMBER.encode() in data for data in files.values())
    s.app.close()


def test_ha_5_2_refusals_write_nothing(tmp_path: Path) -> None:
    from ledger_support.backends import sqlite_settings

    s = build(sqlite_settings(tmp_path))
    size = s.app.log.tree_size()
    out = tmp_path / "refused.zip"
    with pytest.raises(RuleViolation) as no_access:
        export_bundle(s.app, s.service, s.subject_id, out)
    assert (no_access.value.rule_id, no_access.value.field) == ("HA-5.2", "purpose")
    with pytest.raises(RuleViolation) as blank:
        export_bundle(s.app, s.service, s.subject_id, out, access=AccessRequest(CREDIT, "court", " "))
    assert (blank.value.rule_id, blank.value.field) == ("HA-5.2", "basis")
    with pytest.raises(RuleViolation) as moment:
        export_bundle(s.app, s.service, s.subject_id, out, valid_at=[datetime(2024, 1, 1)], access=ACCESS)
    assert moment.value.field == "valid_at"
    with pytest.raises(ProjectionError, match="outside the log"):
        export_bundle(s.app, s.service, s.subject_id, out, as_of=10**6, access=ACCESS)
    with pytest.raises(ProjectionError, match="did not exist"):
        export_bundle(s.app, s.service, s.subject_id, out, as_of=0, access=ACCESS)
    assert not out.exists() and s.app.log.tree_size() == size
    assert list(tmp_path.glob(".bundle-*")) == []
    s.app.close()
