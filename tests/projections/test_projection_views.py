"""What the read models hold after a recorded history: statuses, periods, list entries, public view."""

from __future__ import annotations

from datetime import date

from projection_support.fixtures import engine  # noqa: F401 (fixture)
from projection_support.history import ID_NUMBER, History, record_history
from sqlalchemy import Engine, select

from ledger.app import LedgerApplication
from projections.db import list_entries, record_periods, records, subjects
from projections.follower import Follower
from projections.public import public_list_query, public_records


def followed(app: LedgerApplication, engine: Engine) -> History:
    history = record_history(app)
    Follower(app, engine).run_once()
    return history


def test_ha_3_2_subject_view_keeps_masked_name_and_id(signed_ledger: LedgerApplication, engine: Engine) -> None:
    history = followed(signed_ledger, engine)
    with engine.connect() as conn:
        row = conn.execute(select(subjects)).mappings().one()
    assert row["subject_id"] == str(history.subject_id) and row["id_number"] == ID_NUMBER
    assert (row["masked_name"], row["masked_id"]) == ("张**", "320***********0016")
    assert row["recorded_position"] == history.positions["registered"]


def test_nt_pci_32_35_record_statuses_and_positions(signed_ledger: LedgerApplication, engine: Engine) -> None:
    h = followed(signed_ledger, engine)
    with engine.connect() as conn:
        rows = {r["record_id"]: r for r in conn.execute(select(records)).mappings()}
    r1, r2 = rows[str(h.r1)], rows[str(h.r2)]
    assert (r1["status"], r1["ended_reason"], r1["ended_on"]) == ("repaired", "repaired", date(2023, 9, 1))
    assert (r1["valid_from"], r1["valid_until"], r1["correction_count"]) == (date(2023, 2, 1), date(2024, 2, 1), 1)
    assert r1["recorded_position"] == h.positions["r1_repaired"]
    assert (r2["status"], r2["tier"], r2["valid_until"]) == ("active", "serious", date(2026, 3, 20))


def test_nt_pci_32_objection_pending_while_flagged(signed_ledger: LedgerApplication, engine: Engine) -> None:
    h = record_history(signed_ledger)
    follower = Follower(signed_ledger, engine, batch_size=1)
    while follower.positions()["records"] < _notification_at(signed_ledger, h.positions["flagged"]):
        follower.process_batch()
    with engine.connect() as conn:
        status = conn.execute(select(records.c.status).where(records.c.record_id == str(h.r1))).scalar_one()
    assert status == "objection_pending"


def _notification_at(app: LedgerApplication, position: int) -> int:
    return int(app.log.log_rows(position, position + 1)[0]["notification_id"])


def test_periods_are_superseded_not_overwritten(signed_ledger: LedgerApplication, engine: Engine) -> None:
    h = followed(signed_ledger, engine)
    with engine.connect() as conn:
        rows = conn.execute(select(record_periods).where(record_periods.c.record_id == str(h.r1))
                            .order_by(record_periods.c.recorded_position)).mappings().all()
    spans = [(r["valid_from"], r["valid_until"], r["ended_reason"], r["superseded_position"] is None) for r in rows]
    assert spans == [(date(2023, 3, 1), date(2024, 3, 1), None, False),  # as first determined
                     (date(2023, 2, 1), date(2024, 2, 1), None, False),  # after the correction
                     (date(2023, 2, 1), date(2024, 2, 1), "repaired", True)]


def test_list_entry_status(signed_ledger: LedgerApplication, engine: Engine) -> None:
    h = followed(signed_ledger, engine)
    with engine.connect() as conn:
        row = conn.execute(select(list_entries)).mappings().one()
        public = conn.execute(public_list_query("black", date(2026, 5, 1))).mappings().all()
        after = conn.execute(public_list_query("black", date(2026, 5, 2))).mappings().all()
    assert (row["list_entry_id"], row["status"], row["in_force"]) == (str(h.entry), "confirmed", True)
    assert (row["valid_from"], row["valid_until"]) == (date(2023, 5, 1), date(2026, 5, 1))
    assert [(r["masked_name"], r["masked_id"]) for r in public] == [("张**", "320***********0016")]
    assert after == []  # JY-20: past its last day the entry is off the public list, with no sweep (issue 14)


def test_nt_pci_19_30_public_view_only_public_class_in_force(signed_ledger: LedgerApplication, engine: Engine) -> None:
    followed(signed_ledger, engine)  # R1 is repaired, R2 is government-shared: nothing is public
    with engine.connect() as conn:
        assert public_records(conn) == []


def test_nt_pci_32_public_view_shows_flagged_record(signed_ledger: LedgerApplication, engine: Engine) -> None:
    h = record_history(signed_ledger)
    follower = Follower(signed_ledger, engine, batch_size=1)
    while follower.positions()["records"] < _notification_at(signed_ledger, h.positions["flagged"]):
        follower.process_batch()
    with engine.connect() as conn:
        rows = public_records(conn, date(2024, 3, 1))  # its last day in force as then recorded (NT-PCI-30)
    assert [(r["record_id"], r["masked_name"], r["objection_pending"]) for r in rows] == [(str(h.r1), "张**", True)]
