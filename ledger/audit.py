"""`ledger verify`: stream the whole log from the database through the pure verifier, on every core."""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any, Iterator, Sequence

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey
from tqdm import tqdm

from ledger.account_audit import account_history, registry_rows
from ledger.accountbook import AccountBook
from ledger.aggregate_versions import version_problems
from ledger.anchors import AnchoredTreeChecker, ExternalAnchors, accept_anchors, stored_tree_problems
from ledger.app import LedgerApplication
from ledger.checkpoint import SignedCheckpoint
from ledger.envelope import EnvelopeError, signed_message, unpack
from ledger.keybook import KeyBook
from ledger.keyregistry import REGISTRY_ID
from ledger.verification_errors import VerificationError
from ledger.verify_fast import fast_chunk
from ledger.verifier import ChunkTree, Problem, RowResult, check_rows, chunk_tree, short
from ledger.witnessing import quorum_notes

_BOOK: KeyBook | None = None
_ACCOUNTS: AccountBook | None = None


@dataclass
class VerifyReport:
    """What `verify` checked and every problem it found."""

    tree_size: int = 0
    signatures: int = 0
    checkpoints: int = 0
    keys: int = 0
    anchors: int = 0  # external checkpoints accepted as trust anchors
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.problems


def verify_ledger(app: LedgerApplication, *, root_key: bytes | None = None, workers: int | None = None,
                  progress: bool = False, chunk: int = 2048, anchors: ExternalAnchors | None = None) -> VerifyReport:
    """Check every signature, leaf, node, checkpoint and the key history of the ledger.

    The log is read in chunks of `chunk` positions (a power of two, so each chunk is a subtree of the
    log's tree); each chunk is checked, and its subtree built, by one of `workers` processes (default:
    one per core); this process only joins the chunks' subtree hashes and checks what lies above them.
    `anchors`: checkpoints from outside the database (files, witnesses) the log must contain as prefixes."""
    if chunk < 1 or chunk & (chunk - 1):
        raise ValueError(f"chunk must be a power of two, not {chunk}")
    report = VerifyReport(tree_size=app.log.tree_size())
    pinned = root_key or app.keystore.pinned_root()
    book = _key_history(app, pinned, report)
    accounts = account_history(registry_rows(app), book, app.mapper.transcoder.decode, report.problems, report.notes)
    root = _root_verify_key(pinned, book)
    accepted, refused = accept_anchors(anchors or ExternalAnchors(), app.settings.origin, root)
    report.problems.extend(refused)
    report.anchors = len(accepted)
    checker = AnchoredTreeChecker(_checkpoints(app, book, report), accepted)
    bar = tqdm(total=report.tree_size, unit="ev", disable=not progress, desc="verify")
    previous: int | None = None
    for result in _checked_chunks(app, book, workers, chunk, checker.sizes(), accounts):
        report.problems.extend(result.rows.problems)
        report.signatures += result.rows.signatures
        previous = _check_chunk_order(result, previous, report)
        checker.add(result.tree)
        bar.update(result.size)
    bar.close()
    report.problems.extend(checker.finish())
    _check_counts(app, report)
    report.problems.extend(stored_tree_problems(app.log, report.tree_size, accepted))
    report.problems.extend(version_problems(app.log))  # gapless aggregates (issue 13)
    report.notes.extend(quorum_notes(app))  # not a failure of the log: its checkpoints lack independent witnesses
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
            message = signed_message(row["originator_id"], int(row["originator_version"]), row["topic"], env)
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


def _root_verify_key(pinned: bytes | None, book: KeyBook) -> VerifyKey | None:
    """The key external checkpoints must be signed by: the pinned root key, else the registry's genesis root."""
    root = book.records.get(book.root_key_id or "")
    return VerifyKey(pinned) if pinned else VerifyKey(root.public_key) if root else None


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


@dataclass
class ChunkResult:
    """A checked chunk: row checks, the chunk's subtree, its notification ids."""

    size: int
    rows: RowResult
    tree: ChunkTree
    first_nid: int | None
    last_nid: int | None
    order_problems: list[Problem]


_APP: LedgerApplication | None = None
READ_AHEAD_FROM = 8192  # positions; below this a reader thread (and its connection) costs more than it saves
Span = tuple[int, int, tuple[int, ...]]  # positions [start, end) and the checkpoint sizes in (start, end]


def _init_worker(settings: Any, book: KeyBook, accounts: AccountBook | None = None) -> None:
    """Each worker process opens its own database connections."""
    global _APP, _BOOK, _ACCOUNTS
    _APP, _BOOK, _ACCOUNTS = LedgerApplication(settings), book, accounts


def _work(span: Span) -> ChunkResult:
    assert _APP is not None and _BOOK is not None
    return check_chunk(_APP, _BOOK, *span, accounts=_ACCOUNTS)


def check_chunk(app: LedgerApplication, book: KeyBook, start: int, end: int,
                checkpoint_sizes: Sequence[int] = (), accounts: AccountBook | None = None) -> ChunkResult:
    """Read and check positions [start, end): rows, signatures, leaves, stored hashes, the chunk's subtree,
    log order (and, with `accounts`, each event's actor user)."""
    return check_fetched_chunk(app.log.log_tuples(start, end), book, start, end, checkpoint_sizes, accounts)


def check_fetched_chunk(rows: Sequence[Sequence[Any]], book: KeyBook, start: int, end: int,
                        checkpoint_sizes: Sequence[int] = (), accounts: AccountBook | None = None) -> ChunkResult:
    """Check the rows already read for positions [start, end) (see check_chunk): on the fast path if the chunk
    holds no problem, else on the thorough path that names every problem."""
    fast = fast_chunk(rows, book, start, end, checkpoint_sizes, accounts)
    if fast is not None:
        result, tree = fast
    else:
        result = check_rows(rows, book, start, end, accounts)
        tree = chunk_tree(start, result, checkpoint_sizes)
        result.leaves, result.blobs = [], []  # built into the tree; not sent back to the joining process
    nids = [int(r[1]) for r in rows]
    order = [Problem(None, "log order", f"notification id > {nids[i - 1]}", str(nids[i]))
             for i in range(1, len(nids)) if nids[i] <= nids[i - 1]]
    return ChunkResult(end - start, result, tree, nids[0] if nids else None, nids[-1] if nids else None, order)


def _checked_chunks(app: LedgerApplication, book: KeyBook, workers: int | None, chunk: int,
                    checkpoint_sizes: Sequence[int], accounts: AccountBook | None = None) -> Iterator[ChunkResult]:
    size = app.log.tree_size()
    workers = workers or os.cpu_count() or 1
    if workers > 1:
        chunk = _chunk_for_workers(size, workers, chunk)
    spans: list[Span] = [(a, min(a + chunk, size), tuple(s for s in checkpoint_sizes if a < s <= a + chunk))
                         for a in range(0, size, chunk)]
    if workers == 1 or len(spans) <= 1:
        if size >= READ_AHEAD_FROM:
            yield from _read_ahead(app, book, spans, accounts)
        else:
            yield from (check_chunk(app, book, *span, accounts=accounts) for span in spans)
        return
    with get_context("fork").Pool(workers, initializer=_init_worker, initargs=(app.settings, book, accounts)) as pool:
        pending: deque = deque()
        for span in spans:
            pending.append(pool.apply_async(_work, (span,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _chunk_for_workers(size: int, workers: int, chunk: int) -> int:
    """The chunk length (a power of two, at most `chunk`) that gives each worker at least 8 chunks where the log
    allows, down to 256: at the end, the last busy worker keeps the others waiting for less than one chunk."""
    while chunk > 256 and size < chunk * workers * 8:
        chunk //= 2
    return chunk


def _read_ahead(app: LedgerApplication, book: KeyBook, spans: Sequence[Span],
                accounts: AccountBook | None = None) -> Iterator[ChunkResult]:
    """Check the chunks in this process, reading each next chunk in a thread meanwhile (the database's
    work and the wait for it overlap the checks; both drivers release the GIL while they wait)."""
    with ThreadPoolExecutor(1) as reader:
        ahead = reader.submit(app.log.log_tuples, *spans[0][:2]) if spans else None
        for i, (start, end, sizes) in enumerate(spans):
            assert ahead is not None
            rows = ahead.result()
            ahead = reader.submit(app.log.log_tuples, *spans[i + 1][:2]) if i + 1 < len(spans) else None
            yield check_fetched_chunk(rows, book, start, end, sizes, accounts)


def _check_chunk_order(chunk: ChunkResult, previous: int | None, report: VerifyReport) -> int | None:
    report.problems.extend(chunk.order_problems)
    if previous is not None and chunk.first_nid is not None and chunk.first_nid <= previous:
        report.problems.append(Problem(None, "log order", f"notification id > {previous}", str(chunk.first_nid)))
    return chunk.last_nid if chunk.last_nid is not None else previous


def _check_counts(app: LedgerApplication, report: VerifyReport) -> None:
    events, unlogged = app.log.row_counts()
    if events != report.tree_size:
        report.problems.append(Problem(None, "number of stored events", f"{report.tree_size} (one per position)",
                                       str(events)))
    for row in app.log.unlogged_events() if unlogged else ():
        report.problems.append(Problem(None, "event without a log position or Merkle hashes", "every event in the log",
                                       f"notification {row['notification_id']} ({row['originator_id']} v{row['originator_version']})"))
