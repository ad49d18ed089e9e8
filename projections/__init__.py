"""Projections: SQLAlchemy read models and time travel."""
