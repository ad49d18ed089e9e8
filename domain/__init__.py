"""Domain: aggregates, events, policy profiles and deadline rules (no Flask, no SQL)."""
