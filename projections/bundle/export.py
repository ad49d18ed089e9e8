"""Export a subject's court bundle: `export_bundle(app, service, subject_id, out_path, ...)`.

Server side (uses the ledger, the domain aggregates and projections' time travel). The stated state
comes from `projections.timetravel`; the offline checker re-derives it with its own reducer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence
from uuid import UUID

from domain.actor import Actor
from domain.common import check_text
from domain.errors import RuleViolation
from domain.profile_aggregate import PublishedProfile
from ledger import merkle
from ledger.app import LedgerApplication
from ledger.bundle import attestation, checks, layout, witnesses
from ledger.bundle.contents import Contents, read_events
from ledger.bundle.reducer import decode
from projections.bundle.state import stated_state
from ledger.bundle.verify import expected_report
from ledger.checkpoint import SignedCheckpoint
from ledger.envelope import unpack
from ledger.errors import LedgerError
from ledger.keyregistry import REGISTRY_ID
from ledger.transparency import create_checkpoint, latest_checkpoint
from ledger.witnessing import cosigned_note, submit
from projections.timetravel import resolve_position

ACCESS_TOPIC = "domain.access_log:AccessRecord.Recorded"
SCAN_CHUNK = 5000


@dataclass(frozen=True)
class AccessRequest:
    """Who exports, for what purpose, on what basis (HA-5.2: every non-public read is registered)."""

    actor: Actor
    purpose: str
    basis: str


@dataclass(frozen=True)
class Row:
    """One included event as stored: position, aggregate, version, topic, exact state bytes."""

    kind: str
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


def export_bundle(app: LedgerApplication, service: Any | None, subject_id: UUID, out_path: str | Path, *,
                  as_of: datetime | int | None = None, valid_at: Sequence[date] = (),
                  access: AccessRequest | None = None, unit: str | None = None) -> Path:
    """Write the subject's bundle to `out_path` (atomically) and register the export with `service`.

    `as_of` is a moment (with time zone) or a log position; `valid_at` business dates. With a
    service, `access` is required and the read is registered (channel "export") before the file is
    written; with `service=None` the caller must have registered it. The exporting unit (`unit`, or
    the unit of `access`) signs the completeness statement with its registered key. Refusals write nothing.
    """
    days = _check_inputs(service, valid_at, access)
    signer = app.signer_for(_attesting_unit(unit, access))
    position = resolve_position(app, as_of if isinstance(as_of, int) else None,
                                as_of if isinstance(as_of, datetime) else None)
    state = stated_state(app, subject_id, position, days)
    files = _collect(app, subject_id, position, as_of, days)
    files[layout.STATE] = layout.dumps(state)
    files[layout.ATTESTATION] = attestation.attest(files, signer.unit, signer.key_id, signer.sign)
    files[layout.REPORT] = _report(files, state)
    files[layout.MANIFEST] = layout.manifest(files)
    if service is not None and access is not None:
        service.record_access(access.actor, subject_id=subject_id, purpose=access.purpose, basis=access.basis,
                              channel="export", what=f"court bundle as of log position {position}")
    return _write(Path(out_path), files)


def _check_inputs(service: Any | None, valid_at: Sequence[date], access: AccessRequest | None) -> list[date]:
    for day in valid_at:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise RuleViolation("NT-PCI-30", "valid_at", f"valid-at dates are calendar dates, got {day!r}")
    if service is not None:
        if access is None:
            raise RuleViolation("HA-5.2", "purpose", "an export is a non-public read: give purpose and basis")
        check_text(access.purpose, "HA-5.2", "purpose")
        check_text(access.basis, "HA-5.2", "basis")
    return sorted(set(valid_at))


def _attesting_unit(unit: str | None, access: AccessRequest | None) -> str:
    chosen = unit or (access.actor.unit if access is not None else None)
    if not chosen:
        raise RuleViolation("HA-5.2", "unit", "the exporting unit signs the bundle's completeness statement: "
                                              "give the unit (or the access request)")
    return chosen


def _rows(app: LedgerApplication, kind: str, aggregate_id: UUID, size: int) -> list[Row]:
    """The aggregate's events at log positions below `size`."""
    rows = []
    for r in app.log.aggregate_rows(aggregate_id):
        if r["position"] is None:
            raise LedgerError(f"event {aggregate_id} v{r['originator_version']} has no Merkle leaf (run `ledger verify`)")
        if int(r["position"]) < size:
            rows.append(Row(kind, int(r["position"]), str(UUID(str(r["originator_id"]))),
                            int(r["originator_version"]), r["topic"], bytes(r["state"])))
    return rows


def _subject_rows(app: LedgerApplication, subject_id: UUID, size: int) -> list[Row]:
    """The subject's events and those of every item filed on it (CS-2.1 cases reaching a person included)."""
    subject = app.get(subject_id)
    ids = [subject_id] + [i for kind in subject.items for i in subject.ids(kind)]
    return [row for aggregate_id in ids for row in _rows(app, "subject", aggregate_id, size)]


def _access_rows(app: LedgerApplication, subject_id: UUID, size: int) -> list[Row]:
    """The registered reads of the subject's data (AccessRecord, HA-5.2), found by scanning the log."""
    wanted, rows = str(subject_id), []
    for start in range(0, size, SCAN_CHUNK):
        for r in app.log.log_rows(start, min(start + SCAN_CHUNK, size)):
            if r["topic"] == ACCESS_TOPIC and decode(unpack(bytes(r["state"])).payload).get("subject_id") == wanted:
                rows.append(Row("access", int(r["position"]), str(UUID(str(r["originator_id"]))),
                                int(r["originator_version"]), r["topic"], bytes(r["state"])))
    return rows


def _profile_rows(app: LedgerApplication, rows: Iterable[Row], size: int) -> list[Row]:
    cited = set()
    for row in rows:
        fields = decode(unpack(row.state).payload)
        if "policy_id" in fields:
            cited.add((fields["policy_id"], int(fields["policy_version"])))
    return [r for pid, version in sorted(cited)
            for r in _rows(app, "profile", PublishedProfile.create_id(pid, version), size)]


def _covering(app: LedgerApplication, last_position: int) -> SignedCheckpoint:
    """The oldest stored checkpoint covering `last_position` (one exists: see `_latest`)."""
    for row in app.log.checkpoints():
        if int(row["tree_size"]) > last_position:
            return SignedCheckpoint.from_text(row["note"])
    raise LedgerError(f"no stored checkpoint covers log position {last_position}")


def _latest(app: LedgerApplication) -> SignedCheckpoint:
    """The latest checkpoint, new if the log has grown since (so it covers every event and the attesting key).

    It is offered to each configured witness that has not cosigned it yet (a witness that is down or refuses
    delays nothing: the bundle carries whichever cosignatures are stored, and the checker counts them).
    """
    latest = latest_checkpoint(app)
    if latest is None or latest.checkpoint.size < app.log.tree_size():
        latest = create_checkpoint(app)
    if app.settings.witnessing.witnesses:
        submit(app, latest.checkpoint.size)
    return latest


def _cosigned(app: LedgerApplication, signed: SignedCheckpoint) -> bytes:
    """The checkpoint as stored, with the stored cosignature lines of the witnesses that countersigned it."""
    return cosigned_note(app, signed.checkpoint.size).encode()


def _collect(app: LedgerApplication, subject_id: UUID, position: int, as_of: datetime | int | None,
             days: Sequence[date]) -> dict[str, bytes]:
    latest = _latest(app)
    new = latest.checkpoint.size  # every event below it is committed: the bundle is complete up to it
    rows = _subject_rows(app, subject_id, new)
    rows += _profile_rows(app, rows, new) + _access_rows(app, subject_id, new)
    covering = _covering(app, max(r.position for r in rows))
    size = covering.checkpoint.size
    rows += _rows(app, "key", REGISTRY_ID, new)
    rows.sort(key=lambda r: r.position)
    files = {layout.README: layout.README_TEXT.encode("utf-8"), layout.COVERING: _cosigned(app, covering),
             layout.LATEST: _cosigned(app, latest)}
    root = app.keystore.pinned_root()
    assert root is not None
    files[layout.ROOT_KEY] = (root.hex() + "\n").encode()
    files[layout.EVENTS] = layout.dumps([{"position": r.position, "kind": r.kind, "file": layout.event_file(r.kind, r.position),
                                          "originator_id": r.originator_id, "originator_version": r.version,
                                          "topic": r.topic} for r in rows])
    for r in rows:
        files[layout.event_file(r.kind, r.position)] = r.state
        tree = size if r.position < size else new  # key events after the covering checkpoint: the latest
        proof = merkle.inclusion_proof(r.position, tree, app.log)
        files[layout.proof_file(r.position)] = layout.dumps({"position": r.position, "tree_size": tree,
                                                             "proof": [_b64(p) for p in proof]})
    consistency = merkle.consistency_proof(size, new, app.log) if new != size else []
    files[layout.CONSISTENCY] = layout.dumps({"old_size": size, "new_size": new, "proof": [_b64(p) for p in consistency]})
    files[layout.BUNDLE] = layout.dumps({
        "format": layout.FORMAT, "subject_id": str(subject_id), "as_of_position": position,
        "as_of": as_of.isoformat() if isinstance(as_of, datetime) else None, "valid_at": [d.isoformat() for d in days],
        "origin": covering.checkpoint.origin, "covering_size": size, "latest_size": new,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "root_fingerprint": hashlib.sha256(root).hexdigest()})
    return files


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _report(files: dict[str, bytes], state: dict[str, Any]) -> bytes:
    """Render the report from the bundle's own files, exactly as the checker will re-render it."""
    c = Contents(dict(files))
    events = read_events(c)
    keys = checks.key_history(c, events, checks.root_key(c, None))
    profiles = checks.profiles(c, events)
    statement = json.loads(files[layout.ATTESTATION])["statement"]
    report = expected_report(json.loads(files[layout.BUNDLE]), state, events, keys, profiles, statement,
                             witnesses.report_rows(witnesses.carried(c)))
    if c.findings or report is None:
        raise LedgerError(f"the bundle being exported does not read back: {c.findings[:1]}")
    return report


def _write(out: Path, files: dict[str, bytes]) -> Path:
    """Write the ZIP next to its destination, then move it into place (never a half-written bundle)."""
    out = out.resolve()
    handle, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=out.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, files[name])
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
