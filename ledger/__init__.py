"""Ledger: event store, Ed25519 signing, Merkle log, verification, export."""
