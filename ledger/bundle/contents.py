"""Reading a court bundle: the ZIP members, the manifest check and the decoded events (stdlib + PyNaCl)."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.bundle import layout
from ledger.bundle.reducer import Event, decode
from ledger.envelope import Envelope, EnvelopeError, unpack

# The Chinese half of a finding, by check, where the call site gives none.
ZH = {"archive": "档案无法读取", "manifest": "清单不符", "keys": "密钥历史不成立", "signatures": "签名不成立",
      "checkpoints": "检查点不成立", "inclusion": "包含证明不成立", "profiles": "政策版本不符",
      "completeness": "记录历史不完整", "attestation": "导出单位的完整性声明不成立", "claims": "声明与事件不一致",
      "events": "事件索引有误", "state": "所述状态与事件不符", "report": "报告与事件不符",
      "witnesses": "见证副署不成立"}


@dataclass(frozen=True)
class Finding:
    """One thing that does not hold: the file it is in and why."""

    check: str
    file: str
    reason: str
    zh: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.zh or ZH.get(self.check, '')}；{self.reason}"


@dataclass(frozen=True)
class StoredEvent:
    """An included event: index entry, exact stored bytes, envelope and decoded payload."""

    kind: str  # subject | key | profile | access
    file: str
    state: bytes
    envelope: Envelope
    event: Event


@dataclass
class Contents:
    """Every member of the bundle by name, and the findings of reading it."""

    files: dict[str, bytes]
    findings: list[Finding] = field(default_factory=list)

    def fail(self, check: str, file: str, reason: str, zh: str = "") -> None:
        """Record a finding: the English reason and, where the call site has one, a specific Chinese one."""
        self.findings.append(Finding(check, file, reason, zh))

    def json(self, check: str, name: str) -> Any:
        """A JSON member, or None with a finding."""
        data = self.files.get(name)
        if data is None:
            self.fail(check, name, "missing from the bundle", "证据包中缺少此文件")
            return None
        try:
            return json.loads(data)
        except ValueError as exc:
            self.fail(check, name, f"is not valid JSON ({exc})", "不是有效的 JSON")
            return None


def open_bundle(path: str | Path) -> Contents:
    """Read every member of the ZIP file (a damaged archive is a finding, not an exception)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
            contents = Contents({name: archive.read(name) for name in names})
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError, ValueError) as exc:
        contents = Contents({})
        contents.fail("archive", str(path), f"cannot be read as a ZIP archive ({exc})", "无法作为 ZIP 压缩包读取")
        return contents
    if len(set(names)) != len(names):
        contents.fail("manifest", "(archive)", "holds two members with the same name", "含有两个同名文件")
    return contents


def check_manifest(c: Contents) -> None:
    """Every file listed with the right SHA-256 and size, none missing, none added, canonical form."""
    check = "manifest"
    manifest = c.json(check, layout.MANIFEST)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        if manifest is not None:
            c.fail(check, layout.MANIFEST, "has no 'files' table", "缺少文件清单")
        return
    if layout.dumps(manifest) != c.files[layout.MANIFEST] or manifest.get("format") != layout.FORMAT:
        c.fail(check, layout.MANIFEST, f"is not a canonical {layout.FORMAT} manifest (it was edited)", "清单格式被改动")
    listed: dict[str, Any] = manifest["files"]
    for name, entry in sorted(listed.items()):
        data = c.files.get(name)
        if data is None:
            c.fail(check, name, "is listed in the manifest but missing from the bundle (removed)",
                   "清单列有此文件，但证据包中缺失（被删除）")
        elif not isinstance(entry, dict) or entry.get("sha256") != layout.sha256(data):
            found = layout.sha256(data)[:16]
            c.fail(check, name, f"SHA-256 {found}… differs from the manifest's {str(_get(entry, 'sha256'))[:16]}… "
                                "(file or manifest changed)", "SHA-256 与清单不符（文件或清单被改动）")
        elif entry.get("size") != len(data):
            c.fail(check, name, f"size {len(data)} differs from the manifest's {entry.get('size')}", "文件大小与清单不符")
    for name in sorted(set(c.files) - set(listed) - {layout.MANIFEST}):
        c.fail(check, name, "is not listed in the manifest (added to the bundle)", "清单未列此文件（被添加）")


def _get(entry: Any, key: str) -> Any:
    return entry.get(key) if isinstance(entry, dict) else None


def read_events(c: Contents) -> list[StoredEvent]:
    """The indexed events whose files exist and parse (each failure is a finding)."""
    index = c.json("events", layout.EVENTS)
    if not isinstance(index, list):
        if index is not None:
            c.fail("events", layout.EVENTS, "is not a list of events", "不是事件列表")
        return []
    events = []
    for entry in index:
        try:
            kind, name, position = entry["kind"], entry["file"], int(entry["position"])
            if name != layout.event_file(kind, position):
                raise ValueError(f"file name {name} does not match kind {kind} at position {position}")
        except (KeyError, TypeError, ValueError) as exc:
            c.fail("events", layout.EVENTS, f"has a malformed entry {entry!r:.80} ({exc})", "含有格式错误的条目")
            continue
        state = c.files.get(name)
        if state is None:
            c.fail("events", name, "is indexed in events.json but missing from the bundle", "事件索引列有此事件，但文件缺失")
            continue
        try:
            envelope = unpack(state)
            event = Event(position, str(entry["originator_id"]), int(entry["originator_version"]), str(entry["topic"]),
                          decode(envelope.payload))
        except (EnvelopeError, ValueError, KeyError, TypeError) as exc:
            c.fail("signatures", name, f"is not a readable signed event ({exc})", "不是可读的签名事件")
            continue
        events.append(StoredEvent(kind, name, state, envelope, event))
    return events
