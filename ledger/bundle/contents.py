"""Reading a court bundle: the ZIP members, the manifest check and the decoded events (stdlib + PyNaCl)."""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledger.bundle import layout
from ledger.bundle.reducer import Event, decode
from ledger.envelope import Envelope, EnvelopeError, unpack

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # the largest real member (events.json, report.html) is far smaller
MAX_MEMBERS = 100_000
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # about 130 bytes per listed member
MAX_RATIO = 100  # JSON and envelopes deflate about 5-20:1; zeros 200-1000:1
MIN_RATIO_CHECKED = 1024 * 1024  # small members may compress as they like
CHUNK = 1024 * 1024

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
    unread: dict[str, str] = field(default_factory=dict)  # members left packed, and why (open_bundle)

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


def max_bundle_bytes() -> int:
    """The most a bundle may hold, unpacked (`LEDGER_BUNDLE_MAX_BYTES`, default 512 MiB): checked before reading."""
    raw = os.environ.get("LEDGER_BUNDLE_MAX_BYTES", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_BYTES


def open_bundle(path: str | Path, max_bytes: int | None = None) -> Contents:
    """Read the members of the ZIP file that a bundle may hold (a damaged or hostile archive is a finding, not
    an exception). Sizes are judged from the archive's directory and the manifest BEFORE anything is unpacked:
    a member the manifest does not list, whose size differs from it, that would pass `max_bytes` in all, or
    that is compressed beyond any real bundle (a zip bomb) is named and left unread (issue 17.7)."""
    limit = max_bytes or max_bundle_bytes()
    try:
        if Path(path).stat().st_size > limit:
            return _refused(path, f"is {Path(path).stat().st_size} bytes, over the {limit}-byte limit "
                                  "(LEDGER_BUNDLE_MAX_BYTES)", "超过证据包大小上限")
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if len(infos) > MAX_MEMBERS:
                return _refused(path, f"holds {len(infos)} members, more than {MAX_MEMBERS}", "文件数量超过上限")
            contents = Contents({})
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                contents.fail("manifest", "(archive)", "holds two members with the same name", "含有两个同名文件")
                return contents
            by_name = {info.filename: info for info in infos}
            budget = _Budget(limit)
            manifest = by_name.get(layout.MANIFEST)
            if manifest is not None:
                _read(archive, manifest, contents, budget)
            listed = _listed_sizes(contents)
            for info in infos:
                if info is not manifest:
                    _read(archive, info, contents, budget, listed)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, RuntimeError, ValueError, EOFError,
            zlib.error) as exc:
        return _refused(path, f"cannot be read as a ZIP archive ({exc})", "无法作为 ZIP 压缩包读取")
    return contents


@dataclass
class _Budget:
    """Bytes still allowed to be unpacked."""

    left: int


def _refused(path: str | Path, reason: str, zh: str) -> Contents:
    contents = Contents({})
    contents.fail("archive", str(path), reason, zh)
    return contents


def _listed_sizes(c: Contents) -> dict[str, Any] | None:
    """The manifest's declared size of each listed file (None when there is no readable manifest)."""
    try:
        manifest = json.loads(c.files[layout.MANIFEST])
        files = manifest["files"]
        return {name: entry.get("size") if isinstance(entry, dict) else None for name, entry in files.items()}
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def _refusal(info: zipfile.ZipInfo, listed: dict[str, Any] | None, left: int) -> tuple[str, str, str] | None:
    """(check, reason, Chinese reason) when a member must stay packed, judged from declared sizes only."""
    name, size, packed = info.filename, info.file_size, max(info.compress_size, 1)
    if listed is not None and name not in listed:
        return ("manifest", "is not listed in the manifest (added to the bundle); not unpacked",
                "清单未列此文件（被添加），未解压")
    if listed is not None and listed[name] != size:
        return ("manifest", f"unpacks to {size} bytes, the manifest says {listed[name]}; not unpacked",
                "解压大小与清单不符，未解压")
    if name == layout.MANIFEST and size > MAX_MANIFEST_BYTES:
        return ("manifest", f"unpacks to {size} bytes, more than a manifest of {MAX_MEMBERS} members needs "
                f"({MAX_MANIFEST_BYTES}); not unpacked", "清单文件过大，未解压")
    if size > MIN_RATIO_CHECKED and size > MAX_RATIO * packed:
        return ("archive", f"is compressed {size // packed}:1 ({size} bytes from {info.compress_size}), beyond any "
                "real bundle (a zip bomb?); not unpacked", "压缩比异常（疑似压缩炸弹），未解压")
    if size > MAX_MEMBER_BYTES:
        return ("archive", f"unpacks to {size} bytes, more than any bundle member may ({MAX_MEMBER_BYTES}); "
                "not unpacked", "单个文件超过大小上限，未解压")
    if size > left:
        return ("archive", f"unpacks to {size} bytes, over what is left of the {left}-byte limit "
                "(LEDGER_BUNDLE_MAX_BYTES); not unpacked", "超过证据包大小上限，未解压")
    return None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, c: Contents, budget: _Budget,
          listed: dict[str, Any] | None = None) -> None:
    """Unpack one member if its declared sizes allow it; else leave it unread with a finding."""
    name, size = info.filename, info.file_size
    refusal = _refusal(info, listed, budget.left)
    if refusal is not None:
        check, reason, zh = refusal
        c.unread[name] = reason
        c.fail(check, name, reason, zh)
        return
    budget.left -= size
    chunks, read = [], 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            read += len(chunk)
            if read > size:  # zipfile stops at the declared size; this guards the guard
                raise ValueError(f"{name} unpacks to more than its declared {size} bytes")
            chunks.append(chunk)
    c.files[name] = b"".join(chunks)


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
        if name in c.unread:
            continue  # already named by open_bundle, with the reason it was left packed
        if data is None:
            c.fail(check, name, "is listed in the manifest but missing from the bundle (removed)",
                   "清单列有此文件，但证据包中缺失（被删除）")
        elif not isinstance(entry, dict) or entry.get("sha256") != layout.sha256(data):
            found = layout.sha256(data)[:16]
            c.fail(check, name, f"SHA-256 {found}… differs from the manifest's {str(_get(entry, 'sha256'))[:16]}… "
                                "(file or manifest changed)", "SHA-256 与清单不符（文件或清单被改动）")
        elif entry.get("size") != len(data):
            c.fail(check, name, f"size {len(data)} differs from the manifest's {entry.get('size')}", "文件大小与清单不符")
    for name in sorted(set(c.files) - set(listed) - {layout.MANIFEST} - set(c.unread)):
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
