"""`ledger rebuild`, `status`, `list` and `replay-sanctions` (ledger/cli_projections.py), through `ledger.cli.main`."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from projection_support.scenario import A_ID, B_ID, Scenario, build

from ledger.app import LedgerApplication
from ledger.cli import main

READ = ["--purpose", "异议核查", "--basis", "NT-PCI-32 第2款"]


@pytest.fixture
def cli(signed_ledger: LedgerApplication, monkeypatch: pytest.MonkeyPatch) -> LedgerApplication:
    """The environment of `ledger` points at the test ledger."""
    monkeypatch.setenv("LEDGER_DATABASE_URL", signed_ledger.settings.database_url)
    monkeypatch.setenv("LEDGER_KEYS_DIR", str(signed_ledger.settings.keys_dir))
    monkeypatch.setenv("LEDGER_ORIGIN", signed_ledger.settings.origin)
    return signed_ledger


def access_records(app: LedgerApplication) -> list[dict[str, object]]:
    """Every registered read, from the ledger's own events."""
    rows = app.log.log_rows(0, app.log.tree_size())
    return [vars(app.get(UUID(str(r["originator_id"])))) for r in rows
            if str(r["topic"]).endswith("AccessRecord.Recorded")]


def test_rebuild_then_status_registers_the_read(cli: LedgerApplication, capsys: pytest.CaptureFixture[str]) -> None:
    s = build(cli)
    assert main(["rebuild"]) == 0
    assert "records, list_entries, sanctions" in capsys.readouterr().out
    argv = ["status", B_ID, "--position", str(s.positions["RB_flagged"]), "--valid-at", "2024-03-06", *READ,
            "--unit", "credit-office", "--user", "bob"]
    assert main(argv) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["subject_id"] == str(s.ids["B"]) and answer["log_position"] == s.positions["RB_flagged"]
    assert [(i["status"], i["in_force_at"]) for i in answer["items"]] == [("objection_pending", True)]
    read = access_records(cli)[-1]  # HA-5.2: who, which subject, purpose, basis, channel
    assert (read["actor_unit"], read["actor_user"], str(read["subject_id"])) == ("credit-office", "bob",
                                                                                 str(s.ids["B"]))
    assert (read["purpose"], read["basis"], read["channel"]) == ("异议核查", "NT-PCI-32 第2款", "cli")
    assert f"log position {s.positions['RB_flagged']}" in str(read["what"])


def test_ha_5_2_status_needs_purpose_and_basis(cli: LedgerApplication, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["status", A_ID, "--basis", "x"])
    assert "--purpose" in capsys.readouterr().err
    build(cli)
    size = cli.log.tree_size()
    assert main(["status", A_ID, "--purpose", " ", "--basis", "x", "--unit", "credit-office"]) == 2
    out = capsys.readouterr()
    assert "HA-5.2 [purpose]" in out.err and out.out == ""  # nothing shown, nothing stored
    assert main(["status", A_ID, *READ, "--unit", "no-such-unit"]) == 2
    assert capsys.readouterr().out == "" and cli.log.tree_size() == size


def test_as_of_needs_a_time_zone(cli: LedgerApplication) -> None:
    with pytest.raises(SystemExit):
        main(["status", "x", "--as-of", "2025-01-01T00:00:00", *READ])


def scenario(cli: LedgerApplication) -> Scenario:
    return build(cli)


def test_list_streams_masked_json_lines(cli: LedgerApplication, capsys: pytest.CaptureFixture[str]) -> None:
    s = scenario(cli)
    size = cli.log.tree_size()
    assert main(["list", "black", "--position", str(s.positions["C_black"]), "--valid-at", "2024-10-01"]) == 0
    header, *rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (header["view"], header["list"], header["log_position"], header["valid_at"]) == (
        "list", "black", s.positions["C_black"], "2024-10-01")
    assert [(r["masked_name"], r["policy_id"]) for r in rows] == [("张**", "NT"), ("江阴王伟食品有限公司", "JY")]
    assert A_ID not in json.dumps(rows) and rows[0]["masked_id"] == "320***********0016"  # HA-3.2
    assert main(["list", "black", "--profile", "JY", "--valid-at", "2024-10-01"]) == 0
    assert capsys.readouterr().out.count("\n") == 1  # after the repair: JY's black list was empty that day
    assert main(["list", "public", "--position", str(s.positions["RB_recorded"]), "--valid-at", "2024-02-15"]) == 0
    header, *rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert header["view"] == "public" and [r["masked_name"] for r in rows] == ["张**"]  # B's record: not yet
    assert cli.log.tree_size() == size  # masked views are public: no read to register


def test_replay_sanctions_in_order_with_signers(cli: LedgerApplication, capsys: pytest.CaptureFixture[str]) -> None:
    s = scenario(cli)
    assert main(["replay-sanctions", str(s.ids["C_black"]), *READ, "--user", "auditor"]) == 0
    answer = json.loads(capsys.readouterr().out)
    [case] = answer["cases"]
    steps = case["steps"]
    assert case["sanction_id"] == str(s.ids["ban"]) and case["department"] == "jy-relevant-departments"
    assert [st["step"] for st in steps] == ["pushed", "acknowledged", "applied", "fed_back", "lift_pushed",
                                            "lift_confirmed"]
    assert [st["log_position"] for st in steps] == sorted(st["log_position"] for st in steps)
    assert all(st["key_id"] and st["actor_user"] and st["recorded_at"] for st in steps)
    assert steps[2]["detail"].startswith("澄采〔2024〕1号") and steps[2]["business_date"] == "2024-06-20"
    read = access_records(cli)[-1]
    assert (str(read["subject_id"]), read["actor_unit"], read["actor_user"]) == (str(s.ids["C"]), "ledger-admin",
                                                                                 "auditor")


def test_replay_sanctions_of_a_record_entry_and_bad_ids(cli: LedgerApplication,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    s = scenario(cli)
    assert main(["replay-sanctions", str(s.ids["A_black"]), *READ]) == 0
    [case] = json.loads(capsys.readouterr().out)["cases"]  # NT pushes on the record the entry rests on
    assert (case["source_id"], [st["step"] for st in case["steps"]]) == (str(s.ids["RA"]), ["pushed"])
    size = cli.log.tree_size()
    assert main(["replay-sanctions", str(s.ids["RA"]), *READ]) == 2
    assert "not a list entry" in capsys.readouterr().err and cli.log.tree_size() == size
