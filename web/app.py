"""The Flask app factory: one ledger and credit service per app, blueprints per area, one permission table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask

from domain.clock import office_today
from ledger.config import Settings
from web import (errors, i18n, limits, names, navigation, permissions, refusals, security, sessions, throttle,
                 verify_notes)
from web.context import build_services, install
from web.views import register_blueprints


def create_app(settings: Settings | None = None, *, today: Callable[[], date] = office_today,
               secure_cookies: bool = True, **overrides: Any) -> Flask:
    """Build the app on an initialised ledger; `overrides` go into `app.config` (e.g. TESTING=True)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(overrides)
    limits.install(app)
    services = build_services(settings, today)
    install(app, services)
    sessions.install(app, services.engine)
    throttle.install(app, services.engine)
    security.configure(app, settings, secure_cookies=secure_cookies)
    i18n.init(app)
    refusals.init(app)
    names.init(app)
    verify_notes.init(app)
    navigation.init(app)
    errors.register(app)
    register_blueprints(app)
    permissions.install(app)
    return app
