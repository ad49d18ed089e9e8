"""Helpers for the projection tests: a recorded history and view snapshots."""
