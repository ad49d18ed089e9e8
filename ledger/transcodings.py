"""Extra JSON transcodings the ledger registers for domain events."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import JSONTranscoder, Transcoding


class DateAsISO(Transcoding):
    """Represent `datetime.date` values (business dates) as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        """Encode a date as YYYY-MM-DD."""
        return obj.isoformat()

    def decode(self, data: str) -> date:
        """Decode a YYYY-MM-DD string."""
        return date.fromisoformat(data)


def register_ledger_transcodings(transcoder: JSONTranscoder) -> None:
    """Register the transcodings every ledger application needs beyond the defaults."""
    transcoder.register(DateAsISO())
