"""The proof and time-travel pages name the witnesses that cosigned the covering checkpoint (issue 13 part 2)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from web_helpers import login, post
from witnessing_helpers import new_witness, with_witnesses
from workflow_steps import office_records_and_lists

from ledger.app import LedgerApplication
from ledger.witnessing import checkpoint_and_submit
from web.context import services

WITNESS = "court.example/witness"


def test_proof_and_time_travel_pages_name_the_cosigners(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    subject_id, record_id, _entry = office_records_and_lists(client, seed=4)
    with app.app_context():
        ledger = services().ledger
        size = ledger.log.tree_size()
        witness = new_witness(tmp_path / "w", WITNESS, ledger)
        try:
            report = checkpoint_and_submit(LedgerApplication(with_witnesses(ledger.settings, [witness.spec()])))
        finally:
            witness.stop()
    assert report.cosigners == (WITNESS,)
    login(client, "auditor")
    proof = client.get(f"/audit/proof?position={size - 1}").get_data(as_text=True)
    assert 'id="proof-status" class="flash"' in proof  # the cosigned note still verifies under the root key
    assert 'id="proof-cosigners"' in proof and WITNESS in proof[proof.index('id="proof-cosigners"'):]
    post(client, f"/subjects/{subject_id}/purpose", {"purpose": "复核", "basis": "督查〔2025〕2号"})
    page = client.get(f"/audit/timetravel?subject_id={subject_id}", follow_redirects=True).get_data(as_text=True)
    cosigners = page[page.index('id="answer-cosigners"'):]
    assert record_id in page and WITNESS in cosigners[:200] and "见证方联署" in cosigners[:200]
