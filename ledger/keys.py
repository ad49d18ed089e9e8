"""Unit signing keys: Ed25519 key pairs, key ids, and the on-disk key store (files 0600)."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from nacl.signing import SigningKey, VerifyKey

from ledger.secret_files import SecretFileError, create_secret_file, read_secret_file

ROOT_UNIT = "ledger"
_UNIT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class KeyStoreError(Exception):
    """A key file is missing, unreadable or has unsafe permissions."""


def check_unit_name(unit: str) -> str:
    """Return `unit` if it is a valid unit id (lower-case letters, digits, hyphens), else raise."""
    if not _UNIT_NAME.match(unit):
        raise KeyStoreError(f"unit {unit!r} is not a valid unit id (lower-case letters, digits and '-')")
    return unit


def make_key_id(unit: str, public_key: bytes) -> str:
    """Key id = unit and the first 16 hex digits of SHA-256 of the public key."""
    return f"{unit}:{hashlib.sha256(public_key).hexdigest()[:16]}"


def unit_of(key_id: str) -> str:
    """The unit named in a key id."""
    return key_id.split(":", 1)[0]


@dataclass(frozen=True)
class Signer:
    """A unit's private signing key; its repr never shows key material."""

    unit: str
    key_id: str
    signing_key: SigningKey = field(repr=False)

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte Ed25519 public key."""
        return bytes(self.signing_key.verify_key)

    @property
    def verify_key(self) -> VerifyKey:
        """The PyNaCl verify key."""
        return self.signing_key.verify_key

    def sign(self, message: bytes) -> bytes:
        """Detached 64-byte Ed25519 signature of `message`."""
        return self.signing_key.sign(message).signature

    @classmethod
    def generate(cls, unit: str) -> Signer:
        """A fresh random key for `unit`."""
        key = SigningKey.generate()
        return cls(unit=check_unit_name(unit), key_id=make_key_id(unit, bytes(key.verify_key)), signing_key=key)


class KeyStore:
    """Private keys as files `<dir>/<unit>.<fingerprint>.key` (hex seed, mode 0600, dir 0700)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, key_id: str) -> Path:
        """The file that holds `key_id`'s private key."""
        return self.directory / (key_id.replace(":", ".") + ".key")

    def save(self, signer: Signer) -> Path:
        """Write a new key file with 0600 permissions; refuse to overwrite."""
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        path = self.path_for(signer.key_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(bytes(signer.signing_key).hex() + "\n")
        return path

    def has(self, key_id: str) -> bool:
        """Whether the private key of `key_id` is held here."""
        return self.path_for(key_id).exists()

    def load(self, key_id: str) -> Signer:
        """Load a private key, checking permissions and that it matches its id."""
        path = self.path_for(key_id)
        if not path.exists():
            raise KeyStoreError(f"no private key for {key_id} in {self.directory}")
        if path.stat().st_mode & 0o077:
            raise KeyStoreError(f"key file {path} is readable by others; chmod 600 it")
        seed = bytes.fromhex(path.read_text().strip())
        key = SigningKey(seed)
        if make_key_id(unit_of(key_id), bytes(key.verify_key)) != key_id:
            raise KeyStoreError(f"key file {path} does not hold key {key_id}")
        return Signer(unit=unit_of(key_id), key_id=key_id, signing_key=key)

    def root_pin_path(self) -> Path:
        """File holding the pinned root public key (hex), the trust anchor for `verify`."""
        return self.directory / "root.pub"

    def pin_root(self, signer: Signer) -> None:
        """Record the root public key as the trust anchor."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.root_pin_path().write_text(signer.public_key.hex() + "\n")

    def pinned_root(self) -> bytes | None:
        """The pinned root public key, if any."""
        path = self.root_pin_path()
        return bytes.fromhex(path.read_text().strip()) if path.exists() else None

    def subject_secret_path(self) -> Path:
        """The file of the ledger secret keying subject ids (HMAC)."""
        return self.directory / "subject.secret"

    def create_subject_secret(self) -> bool:
        """Create the subject secret of a NEW ledger (whole or not at all); False if it already exists."""
        return create_secret_file(self.subject_secret_path())

    def subject_secret(self) -> bytes:
        """The ledger secret keying subject ids; a missing one is an error, never silently replaced: a new
        secret would give the same people new subject ids (issue 17.6, NT-PCI-14)."""
        try:
            return read_secret_file(self.subject_secret_path())
        except SecretFileError as error:
            raise KeyStoreError(f"subject secret: {error}. It is created once, with the ledger; restore it from "
                                "the keys backup (a new one would give every subject a new id)") from None