"""The one error family raised by the offline verification modules (standard library only)."""

from __future__ import annotations


class VerificationError(Exception):
    """Base of every verification failure; messages state what was expected and what was found."""


class ProofError(VerificationError):
    """A Merkle inclusion or consistency proof (RFC 9162 §2.1.3, §2.1.4) is malformed or wrong."""


class CheckpointFormatError(VerificationError):
    """A checkpoint or signed note breaks the C2SP tlog-checkpoint / signed-note text format."""


class CheckpointSignatureError(VerificationError):
    """A signed note has a bad signature by a known key, or no verified known signature."""


class CosignatureError(VerificationError):
    """A cosignature/v1 line claims a known witness's key id but is malformed or does not verify."""
