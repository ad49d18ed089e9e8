"""Witness cosignatures on a bundle's checkpoints (C2SP tlog-cosignature), checked offline (stdlib + PyNaCl).

Each checkpoint file of a bundle is one C2SP signed note: the log's signature and, after it, the
`cosignature/v1` lines of the witnesses that countersigned that log state. The bundle's proofs all
lead to the latest checkpoint (inclusion in the covering one, joined to the latest by the consistency
proof), so a witness counts towards the quorum when it validly cosigned the latest checkpoint. Only
keys the checker is given (`--witness NAME=VKEY`) prove a cosignature; the lines carried without one
are shown as claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from nacl.signing import VerifyKey

from ledger.bundle import layout
from ledger.bundle.contents import Contents
from ledger.checkpoint import SignedCheckpoint
from ledger.cosignature import COSIGNATURE_SIZE, TIMESTAMP_SIZE, verify_cosignatures, witness_key_id
from ledger.verification_errors import VerificationError

CHECKPOINTS = (layout.COVERING, layout.LATEST)
RELIED_ON = layout.LATEST


@dataclass(frozen=True)
class Cosignature:
    """One cosignature line on a bundle checkpoint: the file, its tree size, the witness, key id and time."""

    file: str
    size: int
    name: str
    key_id: str
    timestamp: int

    @property
    def time(self) -> str:
        """The time of cosignature in UTC (ISO 8601), or the raw number when out of range."""
        try:
            return datetime.fromtimestamp(self.timestamp, timezone.utc).isoformat()
        except (OverflowError, OSError, ValueError):
            return f"{self.timestamp} (unix seconds)"


@dataclass(frozen=True)
class Witnessed:
    """What the named witnesses cosigned: name → (tree size → timestamp) and the quorum asked for."""

    named: tuple[str, ...]
    valid: Mapping[str, Mapping[int, int]]
    quorum: int
    relied_size: int | None

    def cosigners(self) -> list[str]:
        """The named witnesses that validly cosigned the checkpoint the bundle relies on."""
        return sorted(n for n, sizes in self.valid.items() if self.relied_size in sizes)


def _note(c: Contents, name: str) -> SignedCheckpoint | None:
    try:
        return SignedCheckpoint.from_text(c.files[name].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, VerificationError):
        return None  # the checkpoints check names the file


def carried(c: Contents) -> list[Cosignature]:
    """Every cosignature/v1 line on the bundle's checkpoints (by length: key id, timestamp, signature)."""
    found = []
    for name in CHECKPOINTS:
        note = _note(c, name)
        for sig in note.signatures if note else ():
            if len(sig.key_id) + len(sig.signature) == COSIGNATURE_SIZE:
                stamp = int.from_bytes(sig.signature[:TIMESTAMP_SIZE], "big")
                found.append(Cosignature(name, note.checkpoint.size, sig.name, sig.key_id.hex(), stamp))
    return found


def check(c: Contents, witnesses: Mapping[str, VerifyKey], quorum: int) -> Witnessed:
    """Verify each named witness's lines on each checkpoint; fewer than `quorum` on the relied-on one fails."""
    valid: dict[str, dict[int, int]] = {}
    for file in CHECKPOINTS:
        note = _note(c, file)
        if note is not None:
            for name, key in sorted(witnesses.items()):
                stamp = _one(c, file, note, name, key)
                if stamp is not None:
                    valid.setdefault(name, {})[note.checkpoint.size] = stamp
    relied = _note(c, RELIED_ON)
    result = Witnessed(tuple(sorted(witnesses)), valid, quorum, relied.checkpoint.size if relied else None)
    if len(result.cosigners()) < quorum:
        c.fail("witnesses", RELIED_ON, f"quorum not met: {len(result.cosigners())} of the named witnesses "
                                       f"({', '.join(result.named) or 'none'}) validly cosigned the checkpoint the "
                                       f"bundle's proofs rely on (tree size {result.relied_size}), {quorum} required",
               f"见证人数不足：仅 {len(result.cosigners())} 个指定见证人有效副署了证据包所依据的检查点，要求 {quorum} 个")
    return result


def _one(c: Contents, file: str, note: SignedCheckpoint, name: str, key: VerifyKey) -> int | None:
    """The time `name` validly cosigned this note; a line in its name that fails is a finding."""
    try:
        stamp = verify_cosignatures(c.files[file].decode("utf-8"), {name: key}).get(name)
    except VerificationError as exc:
        c.fail("witnesses", file, f"the cosignature line of witness {name} does not verify ({exc})",
               f"见证人 {name} 的副署验证失败（伪造或针对其他检查点）")
        return None
    expected = witness_key_id(name, bytes(key))
    if stamp is None and any(sig.name == name and sig.key_id != expected for sig in note.signatures):
        c.fail("witnesses", file, f"carries a line in the name of witness {name} that is not by the given key "
                                  f"(key id {expected.hex()}): not that witness's cosignature",
               f"含有以见证人 {name} 名义的签名行，但并非由其密钥签署")
    return stamp


def report_rows(cosignatures: list[Cosignature]) -> list[dict[str, object]]:
    """The rows of report.html's witness table (from the carried lines: the report needs no witness key)."""
    label = {layout.COVERING: "覆盖检查点 covering", layout.LATEST: "最新检查点 latest"}
    return [{"checkpoint": label[w.file], "size": w.size, "name": w.name, "key_id": w.key_id, "time": w.time,
             "relied": w.file == RELIED_ON} for w in cosignatures]


def summary(cosignatures: list[Cosignature], witnessed: Witnessed | None) -> list[str]:
    """Plain lines: who countersigned the relied-on log state (checked or only carried), or that nobody did."""
    relied = [w for w in cosignatures if w.file == RELIED_ON]
    size = witnessed.relied_size if witnessed else (relied[0].size if relied else None)
    lines = [f"依据的日志状态 The log state the bundle relies on: the latest checkpoint (tree size {size})"]
    valid = dict(witnessed.valid) if witnessed else {}
    for w in relied:
        if w.size in valid.get(w.name, {}):
            lines.append(f"已核验 VERIFIED: 见证人 witness {w.name} countersigned it at {w.time} "
                         "(checked with the key given)")
        else:
            lines.append(f"未核验 NOT CHECKED: a line in the name of {w.name} at {w.time} "
                         "(no key given for it; give --witness NAME=VKEY)")
    if not relied:
        lines.append("没有任何独立方副署该日志状态 No independent party countersigned the log state this bundle relies on.")
    if witnessed is not None and witnessed.quorum:
        met = len(witnessed.cosigners()) >= witnessed.quorum
        lines.append(f"法定见证数 Quorum: {len(witnessed.cosigners())} of {witnessed.quorum} required "
                     f"({', '.join(witnessed.named)} named) — {'达到 met' if met else '未达到 NOT MET'}")
    return lines
