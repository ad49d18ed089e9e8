"""Court bundle export (server side): reads the ledger, the domain aggregates and projections' time travel.

The offline checker stays in `ledger.bundle` (standard library, PyNaCl and the ledger's trust modules only).
"""
