"""Blueprints per area; `web.api` (the JSON API) registers itself when present."""

from __future__ import annotations

import importlib

from flask import Flask

AREAS = ("main", "auth", "public", "subjects", "recording", "government", "award_check", "casework", "office",
         "reports", "department", "audit", "mine", "admin", "pickers", "items")


def register_blueprints(app: Flask) -> None:
    """Register every UI area's blueprint, then the JSON API's (`web.api.register(app)`) if it exists."""
    for area in AREAS:
        app.register_blueprint(importlib.import_module(f"web.views.{area}").bp)
    try:
        api = importlib.import_module("web.api")
    except ModuleNotFoundError as exc:
        if exc.name not in ("web.api",):
            raise
        return
    if hasattr(api, "register"):
        api.register(app)
