"""Court bundles over the demo narratives: LYG escalation and expiry sweep, a JY-24 revoked listing, and CS
points with sanctions reaching responsible persons (CS-2.1). Each bundle verifies and states what
`projections.timetravel.status` answers; a person's bundle holds nothing of the organisation or the other person.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bundle.flows import assert_state_is_time_travel, demo_ledger, topics
from bundle.tamper import read
from ledger_support.backends import sqlite_settings

from domain.demo import JY_CREDIT
from ledger.bundle import layout
from ledger.bundle.reducer import decode
from ledger.bundle.verify import verify_bundle
from ledger.config import Settings
from ledger.envelope import unpack
from projections.bundle.export import export_bundle

LYG_DAYS = [date(2019, 12, 1), date(2023, 6, 1), date(2024, 6, 1)]


def _items(bundle: Path) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for item in json.loads(read(bundle)[layout.STATE])["items"]:
        found.setdefault(str(item["kind"]), []).append(item)
    return found


def test_lyg_escalation_and_expiry_sweep_bundles_verify_and_state_the_time_travel_state(tmp_path: Path) -> None:
    d = demo_ledger(sqlite_settings(tmp_path))
    [escalated] = d.run("LYG", "reminder_escalation", "p")
    [swept] = d.run("LYG", "expiry_sweep_lifts_confirmed", "p")
    sweep_position = d.app.log.tree_size()
    for subject in (escalated, swept):
        out = export_bundle(d.app, None, subject, tmp_path / f"{subject}.zip", valid_at=LYG_DAYS,
                            unit="lyg-credit-office")
        assert verify_bundle(out).ok, verify_bundle(out).text()
        assert_state_is_time_travel(d.app, out, subject, LYG_DAYS)
    assert "DishonestyRecord.Escalated" in topics(tmp_path / f"{escalated}.zip")
    after = _items(tmp_path / f"{swept}.zip")
    assert "LiftConfirmed" in " ".join(topics(tmp_path / f"{swept}.zip"))  # LYG-18: lifts confirmed after the sweep
    assert all(not i["in_force_at"]["2024-06-01"] for i in after["record"] + after["list_entry"])
    # as of a position before the sweep, the same bundle machinery states the entry still in force
    before_sweep = next(int(e["position"]) for e in json.loads(read(tmp_path / f"{swept}.zip")[layout.EVENTS])
                        if str(e["topic"]).endswith("ListEntry.Confirmed"))
    old = export_bundle(d.app, None, swept, tmp_path / "old.zip", as_of=before_sweep, valid_at=LYG_DAYS,
                        unit="lyg-credit-office")
    assert verify_bundle(old).ok and before_sweep < sweep_position
    assert_state_is_time_travel(d.app, old, swept, LYG_DAYS)
    assert [i["in_force_at"]["2023-06-01"] for i in _items(old)["list_entry"]] == [True]
    d.app.close()


def test_jy_24_revoked_erroneous_listing_bundle_verifies_and_shows_the_revocation(tmp_path: Path) -> None:
    d = demo_ledger(sqlite_settings(tmp_path))
    company, _person = d.run("JY", "red_list", "op")
    [red] = d.service.list_entries_of(company)
    days = [date(2024, 5, 20), date(2024, 7, 1)]
    before = export_bundle(d.app, None, company, tmp_path / "before.zip", valid_at=days, unit="jy-credit-office")
    d.clock.day = date(2024, 6, 3)
    d.service.revoke_erroneous(JY_CREDIT, target_id=red.id, reason="错误列入红名单", revoked_on=date(2024, 6, 3),
                               benefits_recovered="已追回奖励资金")
    after = export_bundle(d.app, None, company, tmp_path / "after.zip", valid_at=days, unit="jy-credit-office")
    for bundle in (before, after):
        assert verify_bundle(bundle).ok, verify_bundle(bundle).text()
        assert_state_is_time_travel(d.app, bundle, company, days)
    entries = _items(before)["list_entry"]
    assert [(i["status"], i["in_force_at"]["2024-07-01"]) for i in entries] == [("confirmed", True)]
    assert [(i["status"], i["ended_on"], i["in_force_at"]["2024-07-01"]) for i in _items(after)["list_entry"]] == \
        [("revoked", "2024-06-03", False)]
    assert "ListEntry.Revoked" in topics(after)
    d.app.close()


def test_cs_2_1_points_account_and_a_persons_share_of_the_sanctions(backend_settings: Settings, tmp_path: Path) -> None:
    d = demo_ledger(backend_settings)
    company, person, other_person = ids = d.run("CS", "points_sanctions_repair_lifts", "opp")
    org, _, other = d.parties(ids)
    days = [date(2024, 5, 1), date(2024, 7, 1)]
    org_bundle = export_bundle(d.app, None, company, tmp_path / "org.zip", valid_at=days, unit="cs-credit-office")
    own = export_bundle(d.app, None, person, tmp_path / "person.zip", valid_at=days, unit="cs-credit-office")
    for subject, bundle in ((company, org_bundle), (person, own)):
        assert verify_bundle(bundle).ok, verify_bundle(bundle).text()
        assert_state_is_time_travel(d.app, bundle, subject, days)
    points = _items(org_bundle)["points"]
    assert [p["status"] for p in points] == ["serious"]  # CS-2.2: graded serious by the office
    cases = _items(own)["sanction"]
    # CS-2.7: after the repair a case the department applied is lifted; one never applied is withdrawn (JY-17)
    assert cases and all(c["status"] in ("lifted", "withdrawn") for c in cases)
    files = read(own)
    pushed = [decode(unpack(files[str(e["file"])]).payload) for e in json.loads(files[layout.EVENTS])
              if str(e["topic"]).endswith("SanctionCase.Pushed")]
    assert pushed and {p["subject_id"] for p in pushed} == {str(person)}  # only the cases that reached the person
    assert all(p["origin_case_id"] for p in pushed)  # ... derived from the organisation's case (CS-2.1)
    forbidden = [org.name, org.uscc, str(company), company.hex, other.name, other.id_number, str(other_person),
                 other_person.hex]
    for name, data in files.items():
        for text in forbidden:
            assert text.encode() not in data, f"{text} of another subject found in {name}"
    assert any(d.parties([person])[0].id_number.encode() in data for data in files.values())
    d.app.close()
