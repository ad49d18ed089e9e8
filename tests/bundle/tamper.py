"""Rewrite a bundle ZIP with changed, removed or added files (optionally re-hashing the manifest)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Callable, Mapping

from ledger.bundle import layout


def read(path: Path) -> dict[str, bytes]:
    """Every member of a bundle."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(src: Path, dst: Path, change: Mapping[str, Callable[[bytes], bytes] | None], *,
            add: Mapping[str, bytes] | None = None, fix_manifest: bool = True) -> Path:
    """Apply `change` (None removes a file), add files, and re-hash the manifest like a careful forger."""
    files = read(src)
    for name, edit in change.items():
        if edit is None:
            del files[name]
        else:
            changed = edit(files[name])
            assert changed != files[name], f"the tamper did not change {name}"
            files[name] = changed
    files.update(add or {})
    if fix_manifest:
        files[layout.MANIFEST] = layout.manifest({k: v for k, v in files.items() if k != layout.MANIFEST})
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return dst


def index(path: Path) -> list[dict[str, object]]:
    """The bundle's events.json."""
    return json.loads(read(path)[layout.EVENTS])


def file_of(path: Path, topic_suffix: str, kind: str = "subject") -> str:
    """The file of the first event of `kind` whose topic ends with `topic_suffix`."""
    return next(str(e["file"]) for e in index(path) if e["kind"] == kind and str(e["topic"]).endswith(topic_suffix))
