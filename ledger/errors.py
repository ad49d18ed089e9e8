"""Errors the ledger raises to its callers (CLI, web, domain service)."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of ledger refusals; the message is one line and safe to show."""


class NotInitialisedError(LedgerError):
    """The database has no ledger tables or no key registry yet."""


class DatabaseUnreachableError(LedgerError):
    """The configured database cannot be reached."""


class UnknownKeyError(LedgerError):
    """A key id or unit is not in the key registry."""


class SignatureInvalidError(LedgerError):
    """A stored event's signature does not verify (read-time check)."""


class OutOfRangeError(LedgerError):
    """A log position or tree size is outside the log."""


class UnsignedSaveError(LedgerError):
    """An attempt to store events without a signer."""


class StaleKeyHistoryError(LedgerError):
    """The key registry changed between choosing a signer and writing; the save was rolled back."""


class SignerMismatchError(LedgerError):
    """An event names an acting unit other than the unit whose key would sign it."""


class LogDamagedError(LedgerError):
    """The stored log cannot be appended to (hashes it must chain to are missing); nothing was written."""
