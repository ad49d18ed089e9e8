"""Client of a C2SP tlog-witness (https://c2sp.org/tlog-witness), standard library urllib only."""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence

from ledger.errors import LedgerError

SIZE_CONTENT_TYPE = "text/x.tlog.size"
MAX_RESPONSE_BYTES = 64 * 1024


class WitnessError(LedgerError):
    """Base of every witness client failure."""


class WitnessConflict(WitnessError):
    """409 with text/x.tlog.size: the witness's latest cosigned size is not the `old` size sent."""

    def __init__(self, size: int) -> None:
        super().__init__(f"witness conflict: its latest cosigned tree size is {size}")
        self.size = size


class WitnessRefused(WitnessError):
    """Any other 4xx/5xx answer; `text` is the (shortened) response body."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"witness refused with HTTP {status}: {text.strip()[:200]}")
        self.status = status
        self.text = text


class WitnessUnavailable(WitnessError):
    """The witness could not be reached, or did not answer in time."""


def add_checkpoint_body(old_size: int, proof: Sequence[bytes], signed_note: str) -> bytes:
    """The add-checkpoint request body: `old N`, base64 proof lines, an empty line, the note."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("".join(line + "\n" for line in lines) + "\n" + signed_note).encode("utf-8")


def add_checkpoint(
    url: str, old_size: int, proof: Sequence[bytes], signed_note: str, *, timeout: float = 5.0
) -> list[str]:
    """POST <url>/add-checkpoint; return the cosignature lines (without newlines) of a 200."""
    request = urllib.request.Request(
        url.rstrip("/") + "/add-checkpoint",
        data=add_checkpoint_body(old_size, proof, signed_note),
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    text = _send(request, timeout)
    return [line for line in text.split("\n") if line]


def latest_checkpoint(url: str, origin: str, *, timeout: float = 5.0) -> str:
    """GET <url>/checkpoint?origin=…: the latest cosigned checkpoint as a signed note."""
    query = urllib.parse.urlencode({"origin": origin}, quote_via=urllib.parse.quote)
    request = urllib.request.Request(url.rstrip("/") + "/checkpoint?" + query, method="GET")
    return _send(request, timeout)


def _send(request: urllib.request.Request, timeout: float) -> str:
    """Send one request; return the 200 body text or raise the matching WitnessError."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _read_text(response)
    except urllib.error.HTTPError as error:
        with error:
            raise _refusal(error.code, error.headers.get("Content-Type", ""), _read_text(error)) from None
    except (urllib.error.URLError, OSError, socket.timeout) as error:
        reason = getattr(error, "reason", error)
        raise WitnessUnavailable(f"witness at {request.full_url} unavailable: {reason}") from None


def _read_text(response) -> str:  # type: ignore[no-untyped-def]
    """Read at most MAX_RESPONSE_BYTES of a response as UTF-8 text."""
    return response.read(MAX_RESPONSE_BYTES).decode("utf-8", errors="replace")


def _refusal(status: int, content_type: str, text: str) -> WitnessError:
    """Map a non-2xx answer to WitnessConflict (409 + size body) or WitnessRefused."""
    media_type = content_type.split(";")[0].strip().lower()
    size = text.strip()
    if status == 409 and media_type == SIZE_CONTENT_TYPE and size.isdigit():
        return WitnessConflict(int(size))
    return WitnessRefused(status, text)
