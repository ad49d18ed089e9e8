"""Sanctions per department, the joint-sanction timeline, work queues, objections and repairs, the archive
and the query log, projected from the scenario (JY-21, CS-2.6/2.7, NT-PCI-32/35, HA-5.2), on both backends."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from projection_support.fixtures import scenario_ledger  # noqa: F401 (fixture)
from projection_support.scenario import JY_CREDIT, JY_DEPTS, NT_CREDIT, Scenario
from sqlalchemy import Engine, select

from ledger.app import LedgerApplication
from projections.archive import archived
from projections.db import access_log, objections, repairs, sanction_steps, sanctions
from projections.work_queue import work_queue

Setup = tuple[LedgerApplication, Scenario, Engine]


def test_jy_21_sanctions_in_force_per_department(scenario_ledger: Setup) -> None:
    app, s, engine = scenario_ledger
    with engine.connect() as conn:
        rows = {r["sanction_id"]: r for r in conn.execute(select(sanctions)).mappings()}
    ban, nt_case = rows[str(s.ids["ban"])], rows[str(s.ids["A_case"])]
    assert (ban["department"], ban["status"], ban["in_force"], ban["cases"]) == (JY_DEPTS.unit, "lifted", False, 1)
    assert (ban["source_id"], ban["lift_confirmed_on"]) == (str(s.ids["C_black"]), date(2024, 9, 2))
    assert (nt_case["status"], nt_case["in_force"], nt_case["source_id"]) == ("pushed", True, str(s.ids["RA"]))
    in_force = {(r["department"], r["sanction_id"]) for r in rows.values() if r["in_force"]}
    assert in_force == {(nt_case["department"], str(s.ids["A_case"]))}


def test_jy_21_timeline_per_list_entry_in_order_with_signers(scenario_ledger: Setup) -> None:
    app, s, engine = scenario_ledger
    with engine.connect() as conn:
        steps = conn.execute(select(sanction_steps).where(sanction_steps.c.source_id == str(s.ids["C_black"]))
                             .order_by(sanction_steps.c.log_position)).mappings().all()
        by_department = conn.execute(select(sanction_steps.c.step).where(
            sanction_steps.c.department == JY_DEPTS.unit).order_by(sanction_steps.c.log_position)).scalars().all()
    assert [r["step"] for r in steps] == ["pushed", "acknowledged", "applied", "fed_back", "lift_pushed",
                                          "lift_confirmed"]
    assert by_department == [r["step"] for r in steps]
    signers = [r["actor_unit"] for r in steps]
    # CS-2.7: the credit office pushes the lift, not the unit that repaired
    assert signers == [JY_CREDIT.unit, JY_DEPTS.unit, JY_DEPTS.unit, JY_DEPTS.unit, JY_CREDIT.unit, JY_DEPTS.unit]
    for row in steps:  # the key that verified each event is the unit's registered key
        assert row["key_id"] == app.keybook.active_for(row["actor_unit"]).key_id  # type: ignore[union-attr]
        assert datetime.fromisoformat(row["recorded_at"]).tzinfo is not None
    assert steps[2]["detail"] == "澄采〔2024〕1号 政府采购投标资格不予通过" and steps[2]["business_date"] == date(2024, 6, 20)
    assert steps[0]["log_position"] > s.positions["C_black"] and steps[1]["late"] is False




def test_objections_and_repairs_projected(scenario_ledger: Setup) -> None:
    _, s, engine = scenario_ledger
    with engine.connect() as conn:
        ob = conn.execute(select(objections).where(objections.c.objection_id == str(s.ids["OB"]))).mappings().one()
        oc = conn.execute(select(objections).where(objections.c.objection_id == str(s.ids["OC"]))).mappings().one()
        repair = conn.execute(select(repairs)).mappings().one()
    assert (ob["status"], ob["upheld"], ob["corrected_fields"], ob["corrected_on"]) == (
        "corrected", True, "determination_date", date(2024, 3, 12))
    assert ob["answer_due"] is not None and ob["answer_due"] > ob["filed_on"]  # NT-PCI-32: 10 working days
    assert (oc["status"], oc["upheld"]) == ("rejected", False)
    assert (repair["repair_id"], repair["status"], repair["approved"]) == (str(s.ids["repair"]), "approved", True)
    assert (repair["opinion_on"], repair["favourable"], repair["decided_on"]) == (date(2024, 8, 26), True,
                                                                               date(2024, 9, 2))


@pytest.mark.parametrize("day", [date(2025, 3, 4), date(2025, 3, 31), date(2025, 6, 30), date(2026, 1, 5)])
def test_work_queue_overdue_agrees_with_the_aggregates(scenario_ledger: Setup, day: date) -> None:
    _, s, engine = scenario_ledger
    expected = {(str(o["id"]), o["step"], o["unit"], o["due"]) for o in s.service.overdue(day)}
    with engine.connect() as conn:
        found = {(r["item_id"], r["step"], r["unit"], r["due"]) for r in work_queue(conn, day, overdue_only=True)}
        flagged = {(r["item_id"], r["step"], r["unit"], r["due"]) for r in work_queue(conn, day) if r["overdue"]}
    assert found == flagged == expected


def test_nt_pci_32_work_queue_open_steps(scenario_ledger: Setup) -> None:
    _, s, engine = scenario_ledger
    with engine.connect() as conn:
        queue = work_queue(conn, date(2025, 3, 4))
        by_unit = work_queue(conn, date(2025, 3, 4), unit="nt-tax-bureau")
    open_steps = {(r["kind"], r["item_id"], r["step"]) for r in queue}
    assert open_steps == {("objection", str(s.ids["OB2"]), "decision"),
                          ("sanction", str(s.ids["A_case"]), "acknowledge")}
    [decision] = by_unit
    assert decision["due"] is not None and decision["rule_id"] == "NT-PCI-32" and decision["overdue"] is False


def test_nt_pci_35_archive_keeps_originals_with_history(scenario_ledger: Setup) -> None:
    _, s, engine = scenario_ledger
    with engine.connect() as conn:
        rb = archived(conn, str(s.ids["RB"]))
        rc = archived(conn, str(s.ids["RC"]))
        entry = archived(conn, str(s.ids["C_black"]))
    assert [a["reason"] for a in rb] == ["corrected", "expired"]
    corrected, expired = rb
    assert corrected["original"]["determination_date"] == date(2024, 3, 1)  # the original before correction
    assert expired["original"]["determination_date"] == date(2024, 2, 1) and expired["archived_on"] == date(2025, 3, 1)
    events = [h["event"] for h in corrected["history"]]
    assert events[0] == "Recorded" and "Corrected" in events and events[-1] == "Expired"
    assert json.loads(corrected["history"][0]["data"])["determination_date"] == "2024-03-01"
    assert [(a["reason"], a["archived_on"]) for a in rc] == [("repaired", date(2024, 9, 2))]
    assert [(a["reason"], a["original"]["status"]) for a in entry] == [("exited", "confirmed")]


def test_ha_5_2_query_log(scenario_ledger: Setup) -> None:
    app, s, engine = scenario_ledger
    with engine.connect() as conn:
        row = conn.execute(select(access_log)).mappings().one()
    assert (row["subject_id"], row["actor_unit"], row["actor_user"]) == (str(s.ids["A"]), NT_CREDIT.unit, "sun")
    assert (row["purpose"], row["basis"], row["channel"], row["what"]) == ("联合惩戒核查", "NT-PCI-17", "web",
                                                                         "subject status")
    assert row["log_position"] == s.positions["accessed"]
    assert row["key_id"] == app.keybook.active_for(NT_CREDIT.unit).key_id  # type: ignore[union-attr]
