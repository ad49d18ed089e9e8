"""The court bundle's file layout, canonical JSON and manifest (standard library only).

A bundle is a ZIP file:
  README.txt              how to check the bundle (fixed text)
  bundle.json             what was exported: subject, as-of position, valid-at dates, checkpoints
  events.json             index of every included event: position, aggregate, version, topic, file
  events/<pos>.cle2       the subject's events: the exact stored bytes (CLE2 envelope: key id, signature, payload)
  access/<pos>.cle2       the registered non-public reads of the subject's data (AccessRecord, HA-5.2)
  keys/<pos>.cle2         the key registry's events up to the latest checkpoint (public keys, signed by the root key)
  keys/root.pub           the pinned root public key (hex)
  profiles/<pos>.cle2     the policy profile versions the decisions cite (PublishedProfile events)
  proofs/<pos>.json       inclusion proof of each event in the covering checkpoint (later key events: the latest)
  checkpoints/covering.txt, checkpoints/latest.txt  signed notes: the root key's signature and the
                          witnesses' cosignature lines (C2SP tlog-cosignature), proofs/consistency.json
  state.json              the reconstructed state as of the position, valid at each date
  report.html             the printable report (Chinese and English) of the above
  attestation.json        the exporting unit's signed statement: every event of these aggregates up to log size N
  manifest.json           SHA-256 and size of every other file
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping

FORMAT = "credit-ledger-court-bundle/v1"
MANIFEST = "manifest.json"
README = "README.txt"
BUNDLE = "bundle.json"
EVENTS = "events.json"
STATE = "state.json"
REPORT = "report.html"
ROOT_KEY = "keys/root.pub"
COVERING = "checkpoints/covering.txt"
LATEST = "checkpoints/latest.txt"
CONSISTENCY = "proofs/consistency.json"
ATTESTATION = "attestation.json"
FOLDERS = {"subject": "events", "key": "keys", "profile": "profiles", "access": "access"}

README_TEXT = """\
信用档案证据包 / Court bundle of a credit subject's history
================================================================

中文：本压缩包包含某一信用主体的全部签名事件（原始存储字节）及其查询记录、各事件在已签名检查点中的
包含证明、检查点之间的一致性证明、签名密钥历史（仅公钥）、决定所依据的政策版本、导出单位签名的完整性
声明 (attestation.json)，以及按指定日期重建的状态报告 (report.html，可打印)。核验无需数据库或网络，只需 Python 标准库和 PyNaCl：

    ledger verify-bundle 本文件.zip [--root-key 根公钥]

请将 keys/root.pub 中的根公钥指纹与信用办另行公布的指纹核对。

English: this archive holds every signed event about one credit subject (the exact stored bytes)
and the registered reads of its data, an inclusion proof of each event in a signed checkpoint, a
consistency proof between checkpoints, the key history (public keys only), the policy versions the
decisions cite, the exporting unit's signed completeness statement (attestation.json), and a
printable report (report.html) of the state rebuilt at the requested dates. Checking it needs no database and no
network, only the Python standard library and PyNaCl:

    ledger verify-bundle THIS_FILE.zip [--root-key ROOT_PUBLIC_KEY]

Compare the root key fingerprint (keys/root.pub) with the one the credit office publishes elsewhere.
"""


def dumps(value: Any) -> bytes:
    """Canonical JSON bytes of a bundle file: sorted keys, one-space indent, UTF-8, final newline."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def event_file(kind: str, position: int) -> str:
    """The file name of the event at `position` of kind subject | key | profile | access."""
    return f"{FOLDERS[kind]}/{position:08d}.cle2"


def proof_file(position: int) -> str:
    """The inclusion proof file of the event at `position`."""
    return f"proofs/{position:08d}.json"


def manifest(files: Mapping[str, bytes]) -> bytes:
    """The manifest of every file but itself."""
    listing = {name: {"sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())}
    return dumps({"format": FORMAT, "files": listing})
