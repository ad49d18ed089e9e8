"""The JSON API names the witnesses that cosigned a checkpoint: latest checkpoint and inclusion proofs."""

from __future__ import annotations

from pathlib import Path

from api_support import Api
from flask import Flask
from witnessing_helpers import new_witness, with_witnesses

from ledger.app import LedgerApplication
from ledger.cosignature import verify_cosignatures
from ledger.witnessing import checkpoint_and_submit
from web.context import services

WITNESS = "court.example/witness"


def test_latest_checkpoint_and_inclusion_proof_carry_the_cosignatures(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        ledger = services().ledger
        witness = new_witness(tmp_path / "w", WITNESS, ledger)
        try:
            checkpoint_and_submit(LedgerApplication(with_witnesses(ledger.settings, [witness.spec()])))
        finally:
            witness.stop()
    auditor = Api(app, "auditor")
    latest = auditor.read("/checkpoints/latest")
    assert latest["cosigners"] == [WITNESS]
    key = {WITNESS: witness.key.signing_key.verify_key}
    assert verify_cosignatures(latest["checkpoint"], key).keys() == {WITNESS}
    proof = auditor.read("/proofs/inclusion", position=latest["checkpoint_size"] - 1)
    assert proof["included"] and proof["cosigners"] == [WITNESS] and proof["checkpoint"] == latest["checkpoint"]
