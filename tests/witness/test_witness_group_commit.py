"""Group commit (issue 13 benchmark, issue 17.2 idea applied to the witness): concurrent add-checkpoint requests
share one transaction and one durable commit, each caller gets its own outcome, nobody before the commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from nacl.signing import SigningKey
from witness_support import serve_witness, witness_key

from ledger.checkpoint import Checkpoint, sign_checkpoint
from ledger.witness.client import WitnessConflict, add_checkpoint
from ledger.group_commit import GroupCommitter
from ledger.witness.store import TrustedLog

LOGS, REQUESTS_EACH, SIZE = 12, 8, 5


def _run_together(count: int, target: object) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            target(n)  # type: ignore[operator]
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_requests_arriving_during_a_batch_share_the_next_one() -> None:
    committed: list[list[int]] = []

    def slow_batch(items: Sequence[int]) -> list[int | BaseException]:
        time.sleep(0.05)  # a commit in flight: everything arriving now waits for the next batch
        committed.append(list(items))
        return [ValueError(f"refused {i}") if i == 7 else i * 10 for i in items]

    group: GroupCommitter[int, int] = GroupCommitter(slow_batch)
    answers: dict[int, int] = {}

    def call(n: int) -> None:
        answers[n] = group.submit(n)

    errors = _run_together(16, call)
    assert [str(e) for e in errors] == ["refused 7"]  # one refusal fails only its own caller
    assert answers == {n: n * 10 for n in range(16) if n != 7}
    assert sorted(i for batch in committed for i in batch) == list(range(16))
    assert group.batches == len(committed) < 16 and group.requests == 16


def test_a_failed_commit_fails_every_caller_of_its_batch_and_no_other() -> None:
    calls = {"n": 0}

    def flaky(items: Sequence[str]) -> list[str | BaseException]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk full")
        return list(items)

    group: GroupCommitter[str, str] = GroupCommitter(flaky)
    with pytest.raises(OSError, match="disk full"):
        group.submit("first")
    assert group.submit("second") == "second"


def test_max_batch_bounds_a_batch_and_every_request_still_gets_its_answer() -> None:
    sizes: list[int] = []

    def batch(items: Sequence[int]) -> list[int | BaseException]:
        time.sleep(0.01)
        sizes.append(len(items))
        return list(items)

    group: GroupCommitter[int, int] = GroupCommitter(batch, max_batch=3)
    answers: dict[int, int] = {}
    assert _run_together(20, lambda n: answers.__setitem__(n, group.submit(n))) == []
    assert answers == {n: n for n in range(20)} and max(sizes) <= 3


def test_many_logs_at_once_each_get_their_own_cosignatures_on_both_backends(witness_db: str) -> None:
    served = serve_witness(witness_db, witness_key())
    keys = {f"log{n}.example/ledger": SigningKey.generate() for n in range(LOGS)}
    for origin, key in keys.items():
        served.store.trust(TrustedLog(origin, origin, bytes(key.verify_key)))
    root = bytes(range(32))
    try:
        def client(n: int) -> None:
            origin = f"log{n}.example/ledger"
            note = sign_checkpoint(Checkpoint(origin, SIZE, root), origin, keys[origin]).to_text()
            add_checkpoint(served.url, 0, [], note, timeout=30)
            for _ in range(REQUESTS_EACH - 1):  # same size, same root: cosigned again (tlog-witness)
                add_checkpoint(served.url, SIZE, [], note, timeout=30)
            with pytest.raises(WitnessConflict) as refused:  # and never rolled back by a neighbour's batch
                add_checkpoint(served.url, 0, [], note, timeout=30)
            assert refused.value.size == SIZE

        assert _run_together(LOGS, client) == []
        for origin in keys:
            state = served.store.latest(origin)
            assert state is not None and state.size == SIZE and state.root == root
        group = served.store._group
        assert group.requests == LOGS * (REQUESTS_EACH + 1) and 1 <= group.batches <= group.requests
        assert len(served.store.evidence()) == LOGS  # each refused rollback kept as evidence
    finally:
        served.stop()
