"""Small secret files (hex, mode 0600): created whole or not at all, refused when others may read them.

A file is written to a private temporary name, flushed to disk, then hard-linked to its final name: `link`
fails if the name exists, so two processes starting at once never both create one, and a reader never sees
an empty or half-written file (issue 17.6).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ledger.errors import LedgerError


class SecretFileError(LedgerError):
    """A secret file is missing, readable by others or not what it should hold."""


def create_secret_file(path: Path, size: int = 32) -> bool:
    """Create `path` holding `size` random bytes as hex, unless it exists; True if this call created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(size) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        _sync_directory(path.parent)
        return True
    finally:
        temporary.unlink(missing_ok=True)


def read_secret_file(path: Path, size: int = 32) -> bytes:
    """The secret in `path`, refusing a missing file, one readable by group or others, or a malformed one."""
    if not path.exists():
        raise SecretFileError(f"{path} is missing")
    if path.stat().st_mode & 0o077:
        raise SecretFileError(f"{path} is readable by others; chmod 600 it")
    text = path.read_text().strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != size:
        raise SecretFileError(f"{path}: expected {size * 2} hex digits, found {len(text)} characters")
    return secret


def _sync_directory(directory: Path) -> None:
    """Make the new directory entry durable (a crash must not lose a secret already used)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
