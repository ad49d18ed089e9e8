"""Court bundles: export a subject's verifiable history (export.py) and check it offline (verify.py).

The checking side (layout, proofs, notes, reducer, report, verify) uses only the standard library
and PyNaCl and imports nothing else from the project, so a court can run it without our server.
"""
