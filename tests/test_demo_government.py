"""`ledger demo` fills government-integrity data (NT-GOV, issue 15.10): bodies with their superior, civil servants,
file entries, a judgment explained, rectified (one overdue) and criticised, a principal held accountable, a
disciplinary sanction lightened by self-correction, a fault-tolerance determination; never a person's data printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from test_demo import line, run

from domain.demo_government import SERVANT_NAMES, demo_keys
from domain.policy import later_versions, load_all
from domain.service import CreditService
from ledger.app import LedgerApplication
from ledger.config import Settings

TODAY = date(2025, 6, 16)  # the demo's today: every business date lies before it


def test_demo_has_government_bodies_files_cases_and_a_fault_tolerance_determination(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    first = run(tmp_path, "demo", "--subjects", "3", "--seed", "5")
    assert first.returncode == 0, first.stdout + first.stderr
    assert line(first.stdout, "government:") == (
        "government: accountability=1, bodies=3, civil_servants=4, criticisms=1, fault_tolerance=1, file_entries=4, "
        "records=4, rectifications=2, self_corrections=1")
    again = run(tmp_path, "demo", "--subjects", "3", "--seed", "6")  # another seed: the same government data
    assert line(again.stdout, "government:") == "government: already present" and line(again.stdout, "failures:") == (
        "failures: 0")
    output = first.stdout + first.stderr + again.stdout + again.stderr
    codes, numbers = demo_keys()
    assert not any(n in output for n in (*numbers, *SERVANT_NAMES))  # NT-PCI-14: no civil servant's data printed
    assert run(tmp_path, "verify").returncode == 0

    env = dict(LEDGER_DATABASE_URL=f"sqlite:///{tmp_path}/l.sqlite3", LEDGER_KEYS_DIR=str(tmp_path / "keys"))
    app = LedgerApplication(Settings.from_env(env))
    try:
        s = CreditService(app, load_all(), app.keystore.subject_secret(), today=lambda: TODAY,
                          versions=later_versions())
        city, stats, finance = (s.find_subject(c) for c in codes)
        assert city is not None and stats is not None and finance is not None
        assert stats.government["superior_id"] == str(city.id) == finance.government["superior_id"]  # NT-GOV-2.2a
        assert {e.polarity for e in s.government_file(city.id)["entries"]} == {"positive"}  # NT-GOV-2.2a
        [overdue] = s.overdue_rectifications(TODAY)  # NT-GOV-2.4a: the finance bureau's, past 2025-04-30
        assert overdue.subject_id == finance.id and overdue.criticism is not None and overdue.explanation is not None
        assert overdue.accountability and s.award_barring_records(finance.id, TODAY) == [overdue.record_id]
        [rectified] = s.government_file(stats.id)["cases"]
        assert rectified.rectification["on_time"] is True
        _, clerk, head, tolerated = (s.find_subject(n) for n in numbers)
        assert head is not None and s.government_file(head.id)["records"][0].origin_record_id == overdue.record_id
        assert clerk is not None and s.award_barring_records(clerk.id, date(2025, 5, 19))  # NT-GOV-2.4b: barred
        assert s.award_barring_records(clerk.id, TODAY) == []  # NT-GOV-2.5b: lifted by self-correction
        assert tolerated is not None and len(s.government_file(tolerated.id)["fault_tolerance"]) == 1  # NT-GOV-2.2c
        signed = {e.recording_unit for sid in (city.id, stats.id, clerk.id) for e in s.government_file(sid)["entries"]}
        assert signed == {"nt-organisation-department", "nt-statistics-bureau", "nt-hrss"}  # by the right units
    finally:
        app.close()
