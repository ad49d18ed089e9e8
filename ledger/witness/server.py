"""The witness HTTP service: C2SP tlog-witness add-checkpoint plus a read endpoint, as a plain WSGI app."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from nacl.signing import VerifyKey

from ledger.checkpoint import key_id
from ledger.verification_errors import VerificationError
from ledger.witness.decide import decide
from ledger.witness.keys import WitnessKey
from ledger.witness.request import AddCheckpoint, MalformedRequest, parse_add_checkpoint
from ledger.witness.store import DATABASE_ERRORS, TrustedLog, WitnessStore, WitnessStoreError

MAX_BODY_BYTES = 64 * 1024
TEXT = "text/plain; charset=utf-8"
SIZE_TYPE = "text/x.tlog.size"
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            409: "Conflict", 411: "Length Required", 413: "Content Too Large", 422: "Unprocessable Content",
            503: "Service Unavailable"}
log = logging.getLogger("ledger.witness")
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Response:
    """A status, a text body and its content type."""

    status: int
    text: str
    content_type: str = TEXT
    allow: str | None = None


class WitnessApp:
    """WSGI app: POST /add-checkpoint (C2SP tlog-witness) and GET /checkpoint?origin=… (ours)."""

    def __init__(self, store: WitnessStore, key: WitnessKey, *, max_body: int = MAX_BODY_BYTES) -> None:
        self.store, self.key, self.max_body = store, key, max_body

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request; database failures are 503, never 500."""
        try:
            response = self._route(environ)
        except (WitnessStoreError, *DATABASE_ERRORS) as error:
            log.error("witness database error: %s", type(error).__name__)
            response = Response(503, "witness database unavailable\n")
        body = response.text.encode("utf-8")
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(body)))]
        if response.allow:
            headers.append(("Allow", response.allow))
        start_response(f"{response.status} {_REASONS[response.status]}", headers)
        return [body]

    def _route(self, environ: dict[str, Any]) -> Response:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/add-checkpoint":
            return self._add_checkpoint(environ) if method == "POST" else Response(405, "use POST\n", allow="POST")
        if path == "/checkpoint":
            return self._checkpoint(environ) if method in ("GET", "HEAD") else Response(405, "use GET\n", allow="GET")
        return Response(404, "not found: this witness serves /add-checkpoint and /checkpoint\n")

    # --- POST /add-checkpoint -------------------------------------------------------------------------

    def _add_checkpoint(self, environ: dict[str, Any]) -> Response:
        body = self._read_body(environ)
        if isinstance(body, Response):
            return body
        try:
            request = parse_add_checkpoint(body)
        except MalformedRequest as error:
            return Response(400, f"{error}\n")
        trusted = self.store.trusted(request.note.checkpoint.origin)
        if trusted is None:
            return Response(404, f"unknown origin {request.note.checkpoint.origin!r}\n")
        log_line = verified_log_line(request, trusted)
        if log_line is None:
            return Response(403, "no signature verifies against the trusted log key\n")
        decision = self.store.advance(trusted.origin, lambda state: decide(state, request, self.key, log_line))
        log.info("add-checkpoint %s old=%d new=%d: %d", trusted.origin, request.old_size,
                 request.note.checkpoint.size, decision.status)
        if decision.conflict_size is not None:
            return Response(409, f"{decision.conflict_size}\n", SIZE_TYPE)
        return Response(decision.status, decision.message + "\n")

    def _read_body(self, environ: dict[str, Any]) -> bytes | Response:
        """The request body, refusing a missing, malformed or too large Content-Length without reading on."""
        length_text = environ.get("CONTENT_LENGTH") or ""
        if not length_text:
            return Response(411, "Content-Length required\n")
        if not length_text.isdigit():
            return Response(400, "Content-Length: expected a decimal number\n")
        length = int(length_text)
        if length > self.max_body:
            return Response(413, f"request body: expected at most {self.max_body} bytes, found {length}\n")
        data = environ["wsgi.input"].read(length)
        return data if len(data) == length else Response(400, "request body shorter than its Content-Length\n")

    # --- GET /checkpoint?origin=… -----------------------------------------------------------------------

    def _checkpoint(self, environ: dict[str, Any]) -> Response:
        origins = parse_qs(environ.get("QUERY_STRING", "")).get("origin", [])
        if len(origins) != 1 or len(origins[0]) > 1024 or any(c < " " or c == "\x7f" for c in origins[0]):
            return Response(400, "origin: expected one ?origin= query parameter without control characters\n")
        state = self.store.latest(origins[0])
        if state is None:
            return Response(404, f"unknown origin {origins[0]!r}\n")
        if state.note is None or state.cosignature is None:
            return Response(404, f"no checkpoint of {origins[0]!r} cosigned yet\n")
        return Response(200, state.note + state.cosignature + "\n")


def verified_log_line(request: AddCheckpoint, trusted: TrustedLog) -> str | None:
    """The trusted log's signature line (without newline) if it verifies; None otherwise (403)."""
    verify_key = VerifyKey(trusted.public_key)
    try:
        request.note.verify({trusted.key_name: verify_key})
    except VerificationError:
        return None
    wanted = key_id(trusted.key_name, verify_key)
    line = next(s for s in request.note.signatures if s.name == trusted.key_name and s.key_id == wanted)
    return line.line().rstrip("\n")


def make_server(app: WitnessApp, host: str, port: int, *, threads: int = 8) -> Any:
    """A waitress server for `app` (port 0 picks a free port: see `.effective_port`); call `.run()`."""
    from waitress.server import create_server

    return create_server(app, host=host, port=port, threads=threads, max_request_body_size=app.max_body,
                         ident="ledger-witness", clear_untrusted_proxy_headers=True)


class ServerThread:
    """Runs a waitress server in a daemon thread until stop() (embedding, tests, benchmarks)."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="witness-http", daemon=True)

    def start(self) -> ServerThread:
        """Start serving; return self."""
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.server.asyncore.loop(timeout=0.2, map=self.server._map, count=1)

    def stop(self) -> None:
        """Stop the loop, the worker threads and close every socket."""
        from waitress import wasyncore

        if self._stopping.is_set():
            return
        self._stopping.set()
        self.server.pull_trigger()
        self._thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()
        wasyncore.close_all(self.server._map)
