"""The court bundle of a subject as a ZIP download (issue 6): auditors, courts and discipline bodies state purpose
and basis; the export is registered as a non-public read (HA-5.2, channel `export`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from flask import Response

from projections.base import ProjectionError
from projections.bundle.export import AccessRequest, export_bundle
from web.api.audit import AUDITORS, SUBJECT_PATH
from web.api.errors import ApiError
from web.api.spec import DATES, INTEGER, MOMENT, STRING, Endpoint, Field
from web.context import services
from web.principal import current_principal

RULE = "HA-5.2"
QUERY = (
    Field("purpose", STRING, RULE, description="why the subject's data is exported (HA-5.2)"),
    Field("basis", STRING, RULE, description="the legal basis or case of the export (HA-5.2)"),
    Field("as_of", MOMENT, "NT-PCI-36", False, "transaction time (default: now)"),
    Field("position", INTEGER, "NT-PCI-36", False, "transaction time as a log position"),
    Field("valid_at", DATES, "NT-PCI-30", False, "valid time: what was in force on these dates (repeatable)"),
)


def bundle(args: dict[str, Any]) -> Response:
    """Build the signed, attested bundle in a private temporary folder and answer its bytes."""
    if "as_of" in args and "position" in args:
        raise ApiError(422, "give as_of or position, not both", "position", "NT-PCI-36")
    svc, subject_id = services(), args["subject_id"]
    svc.credit.check_subject(subject_id)  # 404 before anything is built or registered
    access = AccessRequest(current_principal().actor(), args["purpose"], args["basis"])
    as_of = args.get("position", args.get("as_of"))
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        out = Path(folder) / f"bundle-{subject_id}.zip"
        try:
            export_bundle(svc.ledger, svc.credit, subject_id, out, as_of=as_of, valid_at=args.get("valid_at", ()),
                          access=access)
        except ProjectionError as exc:  # the moment or position the bundle should stand at does not exist
            field = "position" if "position" in args else "as_of"
            raise ApiError(422, str(exc), field, "NT-PCI-36") from None
        data = out.read_bytes()
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="court-bundle-{subject_id}.zip"'
    response.headers["Cache-Control"] = "no-store"  # personal data: not kept by proxies or the browser cache
    return response


BUNDLE = Endpoint(
    "subject_bundle", "GET", "/subjects/{subject_id}/bundle",
    "The subject's court bundle (ZIP): exact signed events, inclusion and consistency proofs, key history, "
    "profiles, state, a bilingual report, the exporting unit's completeness attestation and the witnesses' "
    "cosignatures of its checkpoints; check it offline with `ledger verify-bundle --witness NAME=VKEY --quorum k` "
    "(issues 6 and 13; the export is registered, HA-5.2)", AUDITORS, bundle, "audit",
    path_fields=SUBJECT_PATH, query=QUERY, registers_read=True, media_type="application/zip",
    response={"type": "string", "format": "binary"})
