"""The verifier's fast path (ledger/verify_fast.py) may only ever be faster than the thorough path, never more
lenient: on a chunk where the thorough path finds any problem it must give up (None), and where it does not
give up it must build the same subtree. Rows are taken from real ledgers on both backends and altered in
memory, including forgeries whose hashes are all consistent, so that each check is the only one that fails.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger_support.aggregates import Widget
from ledger_support.backends import backend_settings, initialised_ledger
from ledger.app import LedgerApplication
from ledger.audit import VerifyReport, _key_history, check_chunk, verify_ledger
from ledger.envelope import leaf_data, seal, unpack
from ledger.keybook import KeyBook
from ledger.keys import ROOT_UNIT, Signer
from ledger.merkle import CompactRange, leaf_hash
from ledger.verifier import Problem, check_rows, chunk_tree
from ledger.verify_fast import fast_chunk

CHUNK, SIZE = 8, 32
Rows = list[list[Any]]


def build(app: LedgerApplication) -> dict[str, Signer]:
    """32 events: genesis and three registrations, single saves, a rotation, a five-event save, a late unit."""
    widgets: dict[str, Widget] = {}

    def note(unit: str, i: int) -> None:
        if unit in widgets:
            widgets[unit].note(f"note {i}", actor_unit=unit)
        else:
            widgets[unit] = Widget(f"widget of {unit}", actor_unit=unit)
        app.save_as(unit, widgets[unit])

    old = app.signer_for("credit-office")
    for i in range(6):
        note(("credit-office", "dept-a", "dept-b")[i % 3], i)
    app.rotate_key("credit-office")  # position 10
    app.save_as("dept-a", *[Widget(f"batch {i}", actor_unit="dept-a") for i in range(5)])  # positions 11-15
    for i in range(4):
        note(("credit-office", "dept-b")[i % 2], i)
    app.register_key("dept-c")  # position 20
    for i in range(11):
        note(("dept-c", "credit-office", "dept-a")[i % 3], i)
    assert app.event_count() == SIZE
    return {"old credit-office": old, **{u: app.signer_for(u) for u in ("credit-office", "dept-a", "dept-c", ROOT_UNIT)}}


class Log:
    """A built ledger's chunks as fetched rows, its key history and its signers."""

    def __init__(self, app: LedgerApplication, signers: dict[str, Signer]) -> None:
        self.app, self.signers = app, signers
        self.book: KeyBook = _key_history(app, app.keystore.pinned_root(), VerifyReport())
        self.chunks = [app.log.log_tuples(start, start + CHUNK) for start in range(0, SIZE, CHUNK)]

    def rows(self, chunk: int) -> Rows:
        return [list(row) for row in self.chunks[chunk]]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Log]:
    with backend_settings(request.param, tmp_path_factory.mktemp(f"fast-{request.param}")) as settings_:
        app = initialised_ledger(settings_, ("credit-office", "dept-a", "dept-b"))
        yield Log(app, build(app))
        app.close()


def problems_if_fast_agrees(rows: Rows, book: KeyBook, start: int, end: int | None = None,
                            sizes: tuple[int, ...] = ()) -> list[Problem]:
    """The thorough path's problems for the chunk [start, end) (default: a whole chunk) with checkpoint roots at
    `sizes`; asserts the fast path gave up if there are any, and built the same subtree if not (giving up on a
    sound chunk is allowed: it only costs time)."""
    end = start + CHUNK if end is None else end
    fast = fast_chunk(rows, book, start, end, sizes)
    slow = check_rows(rows, book, start, end)
    tree = chunk_tree(start, slow, sizes)
    problems = slow.problems + tree.problems
    if fast is not None:
        assert not problems, f"the fast path passed a chunk with problems: {[str(p) for p in problems]}"
        result, fast_tree = fast
        assert (fast_tree.subtrees, fast_tree.partial, fast_tree.above, fast_tree.end) == \
            (tree.subtrees, tree.partial, tree.above, tree.end)
        assert result.signatures == slow.signatures == end - start and not result.problems
    return problems


def test_every_whole_chunk_of_an_intact_log_takes_the_fast_path(log: Log) -> None:
    for index in range(SIZE // CHUNK):
        start = index * CHUNK
        assert fast_chunk(log.rows(index), log.book, start, start + CHUNK) is not None, f"chunk at {start}"
        assert problems_if_fast_agrees(log.rows(index), log.book, start) == []


@pytest.mark.parametrize("cut", [1, 3, 5, 8])
def test_a_last_chunk_and_a_chunk_with_checkpoint_roots_take_the_fast_path(log: Log, cut: int) -> None:
    """The log's last chunk ends wherever the log ends; checkpoint sizes inside a chunk need partial roots."""
    rows = log.rows(2)[:cut]
    assert fast_chunk(rows, log.book, 16, 16 + cut) is not None
    assert problems_if_fast_agrees(rows, log.book, 16, 16 + cut) == []
    sizes = (16 + cut, 17)
    assert fast_chunk(log.rows(2), log.book, 16, 24, sizes) is not None
    assert problems_if_fast_agrees(log.rows(2), log.book, 16, 24, sizes) == []


def test_verify_reports_the_same_through_either_path(log: Log) -> None:
    """A last chunk that is not whole, a checkpoint inside a chunk: the thorough path; the others: the fast one."""
    whole = verify_ledger(log.app, workers=1, chunk=CHUNK)
    partial = verify_ledger(log.app, workers=1, chunk=64)  # one chunk of 32 positions: not a whole chunk of 64
    assert whole.ok and partial.ok and whole.signatures == partial.signatures == SIZE


def rehash(rows: Rows) -> None:
    """Recompute every leaf and node the chunk's rows store for themselves (nodes above the chunk unchanged; a row
    whose id no longer parses keeps its stored leaf)."""
    local = CompactRange()
    for row in rows:
        try:
            leaf = leaf_hash(leaf_data(row[2], int(row[3]), row[4], bytes(row[5])))
        except ValueError:
            leaf = bytes(row[6])[:32]
        completed = local.append(leaf)
        row[6] = b"".join(node[2] for node in completed) + bytes(row[6])[len(completed) * 32:]


def forged(log: Log, position: int, signer: str, payload: Callable[[bytes], bytes] = lambda p: p) -> tuple[Rows, int]:
    """The chunk holding `position`, its event re-signed by `signer` (payload edited), every hash consistent."""
    chunk, start = position // CHUNK, position // CHUNK * CHUNK
    rows = log.rows(chunk)
    row = rows[position - start]
    key = log.signers[signer]
    row[5] = seal(row[2], int(row[3]), row[4], payload(unpack(bytes(row[5])).payload), key.key_id, key.sign)
    rehash(rows)
    return rows, start


def only(problems: list[Problem], position: int, text: str) -> None:
    assert problems and all(p.position == position for p in problems), [str(p) for p in problems]
    assert any(text in str(p) for p in problems), [str(p) for p in problems]


def acting(unit: str) -> Callable[[bytes], bytes]:
    return lambda payload: payload.replace(b'"actor_unit":"credit-office"', f'"actor_unit":"{unit}"'.encode())


def test_a_consistent_forgery_by_a_key_used_before_its_registration_is_left_to_the_slow_path(log: Log) -> None:
    rows, start = forged(log, 16, "dept-c", acting("dept-c"))  # position 16: credit-office's; dept-c registered at 20
    only(problems_if_fast_agrees(rows, log.book, start), 16, "before its registration")


def test_a_consistent_forgery_by_a_rotated_key_is_left_to_the_slow_path(log: Log) -> None:
    rows, start = forged(log, 16, "old credit-office")  # credit-office's key was rotated at position 10
    only(problems_if_fast_agrees(rows, log.book, start), 16, "after it was rotated")


def test_a_consistent_forgery_by_another_unit_is_left_to_the_slow_path(log: Log) -> None:
    rows, start = forged(log, 16, "dept-a")
    only(problems_if_fast_agrees(rows, log.book, start), 16, "signer is not the acting unit")


def test_a_key_registry_event_signed_by_a_unit_key_is_left_to_the_slow_path(log: Log) -> None:
    rows, start = forged(log, 20, "dept-a")
    only(problems_if_fast_agrees(rows, log.book, start), 20, "key registry event signer")


def test_the_genesis_event_is_signed_by_the_root_key_at_its_own_registration(log: Log) -> None:
    rows, start = forged(log, 0, "dept-a")
    only(problems_if_fast_agrees(rows, log.book, start), 0, "before its registration")
    assert fast_chunk(log.rows(0), log.book, 0, CHUNK) is not None


FIELDS = {2: "originator id", 3: "version", 4: "topic", 5: "state", 6: "stored hashes"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(0, SIZE - 1), column=st.sampled_from(sorted(FIELDS)), data=st.data())
def test_any_altered_byte_makes_the_fast_path_give_up(log: Log, position: int, column: int, data: st.DataObject) -> None:
    chunk, start = position // CHUNK, position // CHUNK * CHUNK
    rows = log.rows(chunk)
    row = rows[position - start]
    value = row[column]
    if column == 3:
        row[column] = value + data.draw(st.sampled_from([-1, 1, 1 << 20]))
    else:
        raw = bytearray(value.encode("latin-1") if isinstance(value, str) else bytes(value))
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] ^= data.draw(st.integers(1, 255))
        row[column] = raw.decode("latin-1") if isinstance(value, str) else bytes(raw)
    if data.draw(st.booleans(), label="hashes made consistent"):
        rehash(rows)  # then only the signature (or the key, the unit) can tell
    # the chunk as a whole subtree, as the log's last chunk (cut after the altered row), or with a checkpoint inside
    shape = data.draw(st.sampled_from(["whole", "last", "checkpoint"]))
    end = start + CHUNK if shape != "last" else position + 1
    sizes = (data.draw(st.integers(start + 1, start + CHUNK)),) if shape == "checkpoint" else ()
    problems = problems_if_fast_agrees(rows[:end - start], log.book, start, end, sizes)
    assert fast_chunk(rows[:end - start], log.book, start, end, sizes) is None or not problems


@pytest.mark.parametrize("cut", [0, 3, 7])
def test_a_missing_row_or_a_row_out_of_order_makes_the_fast_path_give_up(log: Log, cut: int) -> None:
    rows = log.rows(1)
    missing = rows[:cut] + rows[cut + 1:]
    assert fast_chunk(missing, log.book, CHUNK, 2 * CHUNK) is None
    swapped = rows[:]
    swapped[cut], swapped[(cut + 1) % CHUNK] = swapped[(cut + 1) % CHUNK], swapped[cut]
    assert fast_chunk(swapped, log.book, CHUNK, 2 * CHUNK) is None
    assert problems_if_fast_agrees(swapped, log.book, CHUNK)


def test_check_chunk_uses_the_fast_path_on_intact_chunks_only(log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verify command's chunk check goes through the fast path (and not around it) on an intact chunk."""
    import ledger.audit as audit

    calls: list[bool] = []
    real = audit.fast_chunk
    monkeypatch.setattr(audit, "fast_chunk", lambda *a: calls.append(True) or real(*a))
    result = check_chunk(log.app, log.book, CHUNK, 2 * CHUNK)
    assert calls == [True] and not result.rows.problems and result.tree.subtrees


def test_a_second_actor_unit_key_is_left_to_the_slow_path(log: Log) -> None:
    """The fast path only accepts exactly one "actor_unit" naming the signer's unit; a payload whose top-level
    actor is another unit, with the signer's unit named deeper inside, is decided by the full parse."""
    nested = b'{"note":{"actor_unit":"credit-office"},"actor_unit":"dept-a"}'
    rows, start = forged(log, 16, "credit-office", lambda _: nested)
    only(problems_if_fast_agrees(rows, log.book, start), 16, "signer is not the acting unit")
