"""The court bundle of a subject (issue 6): exported with the auditor's stated purpose and basis, sent as a zip."""

from __future__ import annotations

import io
import shutil
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from uuid import UUID

from flask import render_template, request, send_file
from flask.typing import ResponseReturnValue

from domain.clock import CHINA_TIME
from domain.errors import RuleViolation
from projections.base import ProjectionError
from projections.bundle.export import AccessRequest, export_bundle
from web import forms
from web.access import stated_purpose
from web.context import services
from web.principal import current_principal



def _valid_at() -> list[date]:
    """Every valid-at date given (one field per date, empty ones ignored; NT-PCI-30)."""
    days = []
    for raw in request.form.getlist("valid_at"):
        if raw.strip():
            try:
                days.append(date.fromisoformat(raw.strip()))
            except ValueError:
                raise RuleViolation("NT-PCI-30", "valid_at", f"valid_at {raw.strip()!r} is not a date (YYYY-MM-DD)") \
                    from None
    return days


def bundle_zip(subject_id: UUID) -> tuple[bytes, str]:
    """Export the bundle to a temporary file, read it, remove the file; the export registers the read (HA-5.2)."""
    stated = stated_purpose(subject_id)
    if stated is None:
        raise RuleViolation("HA-5.2", "purpose", "state the purpose and basis before exporting this subject")
    as_of = forms.day("as_of", "NT-PCI-36", required=False)
    moment = datetime.combine(as_of, time.max, CHINA_TIME) if as_of else None
    days = _valid_at()
    access = AccessRequest(current_principal().actor(), stated["purpose"], stated["basis"])
    folder = Path(tempfile.mkdtemp(prefix="court-bundle-"))
    try:
        out = folder / "bundle.zip"
        try:
            export_bundle(services().ledger, services().credit, subject_id, out, as_of=moment, valid_at=days,
                          access=access)
        except ProjectionError as exc:
            raise RuleViolation("NT-PCI-36", "as_of", str(exc)) from None
        data = out.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return data, f"court-bundle-{subject_id}-{as_of or 'now'}.zip"


def download(subject_id: UUID) -> ResponseReturnValue:
    """POST: the zip as an attachment; a refusal re-shows the form with the message at its field (422)."""
    try:
        data, name = bundle_zip(subject_id)
    except RuleViolation as exc:
        return render_template("audit/bundle.html", subject_id=subject_id, stated=stated_purpose(subject_id),
                               form=request.form, valid_at=request.form.getlist("valid_at"), error=exc), 422
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)
