"""Chinese by default, English on request (Flask-Babel); catalogs are compiled at start when stale."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, session
from flask_babel import Babel

from web.here import here

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
TRANSLATIONS = Path(__file__).parent / "translations"


def compile_catalogs(folder: Path = TRANSLATIONS) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; return the compiled files."""
    done = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        tmp = mo.with_suffix(f".mo.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as target:
                write_mo(target, catalog)
            tmp.replace(mo)  # atomic: a concurrent start never reads half a catalog
        except OSError:  # a read-only install: keep the shipped .mo (or show the English msgids)
            continue
        done.append(mo)
    return done


def current_language() -> str:
    """The session's language (set by the switch link), else Chinese."""
    lang = session.get("lang")
    return lang if lang in LANGUAGES else DEFAULT


def init(app: Flask) -> None:
    """Install Flask-Babel with the session's language."""
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=current_language)
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["request_path"] = here
