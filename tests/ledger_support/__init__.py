"""Helpers shared by the ledger integration tests (real databases, real keys, direct SQL)."""
