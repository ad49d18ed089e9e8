"""Court bundles: the offline checker (verify.py); the export lives in `projections.bundle` (it reads the domain).

The checking side (layout, contents, checks, attestation, claims, reducer, report, verify) uses only the
standard library and PyNaCl, and of the project only the ledger's stdlib-only trust modules (envelope,
merkle, checkpoint, keybook, verification_errors), so a court can run it without our server.
"""
