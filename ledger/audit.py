"""`ledger verify`: stream the whole log from the database through the pure verifier, on every core."""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Iterator, Mapping

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from tqdm import tqdm

from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.envelope import EnvelopeError, signing_message, unpack
from ledger.keybook import KeyBook
from ledger.keyregistry import REGISTRY_ID
from ledger.verification_errors import VerificationError
from ledger.verifier import Problem, RowResult, TreeChecker, check_rows, nodes_completed_keys, short

_BOOK: KeyBook | None = None


@dataclass
class VerifyReport:
    """What `verify` checked and every problem it found."""

    tree_size: int = 0
    signatures: int = 0
    checkpoints: int = 0
    keys: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems


def verify_ledger(app: LedgerApplication, *, root_key: bytes | None = None, workers: int | None = None,
                  progress: bool = False, chunk: int = 2000) -> VerifyReport:
    """Check every signature, leaf, node, checkpoint and the key history of the ledger."""
    report = VerifyReport(tree_size=app.log.tree_size())
    book = _key_history(app, root_key or app.keystore.pinned_root(), report)
    checker = TreeChecker(_checkpoints(app, book, report))
    bar = tqdm(total=report.tree_size, unit="ev", disable=not progress, desc="verify")
    for rows, result, nodes in _checked_chunks(app, book, workers, chunk):
        report.problems.extend(result.problems)
        report.signatures += result.signatures
        _check_order(rows, report)
        checker.feed(result.leaves, nodes)
        bar.update(len(rows))
    bar.close()
    report.problems.extend(checker.finish(app.log.count_rows("nodes")))
    _check_counts(app, report)
    report.problems.sort(key=lambda p: (-1 if p.position is None else p.position))
    return report


def _key_history(app: LedgerApplication, pinned: bytes | None, report: VerifyReport) -> KeyBook:
    """Fold the registry's root-signed events; skip (and report) any that do not verify."""
    book, root = KeyBook(), pinned
    for row in app.log.aggregate_rows(REGISTRY_ID):
        kind, pos = row["topic"].rsplit(".", 1)[1], row["position"]
        try:
            env = unpack(bytes(row["state"]))
            fields = app.mapper.transcoder.decode(env.payload)
            if kind == "Started":
                root = _genesis_root(pinned, bytes.fromhex(fields["root_public_key"]), report)
            message = signing_message(row["originator_id"], int(row["originator_version"]), row["topic"],
                                      env.payload, env.key_id)
            VerifyKey(root).verify(message, env.signature)  # type: ignore[arg-type]
        except (EnvelopeError, BadSignatureError, ValueError, TypeError, KeyError) as exc:
            report.problems.append(Problem(pos, f"key registry event v{row['originator_version']} ({kind})",
                                           "an event signed by the pinned root key", f"{type(exc).__name__} {exc}".strip()))
            continue
        book.apply(kind, fields, pos)
    report.keys = len(book.records)
    return book


def _genesis_root(pinned: bytes | None, genesis: bytes, report: VerifyReport) -> bytes:
    if pinned is None:
        report.notes.append(f"no pinned root key: trusting the genesis root key {genesis.hex()[:16]}…")
        return genesis
    if pinned != genesis:
        report.problems.append(Problem(None, "root key of the key registry", f"pinned {short(pinned)}", short(genesis)))
    return pinned


def _checkpoints(app: LedgerApplication, book: KeyBook, report: VerifyReport) -> dict[int, bytes]:
    """Parse and verify every stored checkpoint note; return size → signed root."""
    root = book.records.get(book.root_key_id or "")
    known = {app.settings.origin: VerifyKey(root.public_key)} if root else {}
    roots: dict[int, bytes] = {}
    for row in app.log.checkpoints():
        size = int(row["tree_size"])
        try:
            cp = SignedCheckpoint.from_text(row["note"]).verify(known)
        except VerificationError as exc:
            report.problems.append(Problem(None, f"checkpoint at tree size {size}", "a note signed by the root key", str(exc)))
            continue
        if cp.size != size or cp.origin != app.settings.origin:
            report.problems.append(Problem(None, f"checkpoint stored at tree size {size}",
                                           f"origin {app.settings.origin}, size {size}", f"origin {cp.origin}, size {cp.size}"))
            continue
        roots[size] = cp.root_hash
        report.checkpoints += 1
    return roots


def _init_worker(book: KeyBook) -> None:
    global _BOOK
    _BOOK = book


def _work(rows: list[Mapping[str, Any]]) -> RowResult:
    assert _BOOK is not None
    return check_rows(rows, _BOOK)


def _chunks(app: LedgerApplication, size: int, chunk: int) -> Iterator[tuple[list[dict], dict]]:
    for start in range(0, size, chunk):
        end = min(start + chunk, size)
        rows = [dict(r) for r in app.log.log_rows(start, end)]
        nodes = app.log.nodes_in_spans([(lvl, a, b) for lvl, a, b in nodes_completed_keys(start, end)])
        for row in rows:
            row["stored_leaf"] = nodes.get((0, int(row["position"])))
        yield rows, nodes


def _checked_chunks(app: LedgerApplication, book: KeyBook, workers: int | None,
                    chunk: int) -> Iterator[tuple[list[dict], RowResult, dict]]:
    size = app.log.tree_size()
    workers = workers or os.cpu_count() or 1
    if workers == 1 or size <= chunk:
        for rows, nodes in _chunks(app, size, chunk):
            yield rows, check_rows(rows, book), nodes
        return
    with get_context("fork").Pool(workers, initializer=_init_worker, initargs=(book,)) as pool:
        pending: deque = deque()
        for rows, nodes in _chunks(app, size, chunk):
            pending.append((rows, pool.apply_async(_work, (rows,)), nodes))
            if len(pending) >= 2 * workers:
                rows_, res, nodes_ = pending.popleft()
                yield rows_, res.get(), nodes_
        while pending:
            rows_, res, nodes_ = pending.popleft()
            yield rows_, res.get(), nodes_


def _check_order(rows: list[dict], report: VerifyReport) -> None:
    previous = getattr(report, "_last_notification", None)
    for row in rows:
        nid = int(row["notification_id"])
        if previous is not None and nid <= previous:
            report.problems.append(Problem(int(row["position"]), "log order", f"notification id > {previous}", str(nid)))
        previous = nid
    report._last_notification = previous  # type: ignore[attr-defined]


def _check_counts(app: LedgerApplication, report: VerifyReport) -> None:
    events = app.log.count_rows("events")
    if events != report.tree_size:
        report.problems.append(Problem(None, "number of stored events", f"{report.tree_size} (one per leaf)", str(events)))
    for row in app.log.unlogged_events():
        report.problems.append(Problem(None, "event without a Merkle leaf", "every event in the log",
                                       f"notification {row['notification_id']} ({row['originator_id']} v{row['originator_version']})"))
