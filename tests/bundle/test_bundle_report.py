"""The court report (report.html, issue 16.7): each event's content, names not codes, signing keys only, A4 print."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from bundle.scenario import CREDIT, build, repair
from bundle.tamper import read

from ledger.bundle import layout
from ledger.bundle.contents import Contents, read_events
from ledger.bundle.verify import verify_bundle
from ledger.config import Settings
from projections.bundle.export import AccessRequest, export_bundle

DAYS = [date(2024, 6, 1), date(2025, 6, 1)]
ACCESS = AccessRequest(CREDIT, "法院调取 court request", "（2025）苏06民初1号 subpoena")
IDLE_UNIT = "nt-market-supervision"  # registered, signs nothing in the bundle
RAW_CODES = ("nt-tax-bureau", "nt-credit-office", "nt-credit-centre", "nt-financial-institutions", "NT-PCI-12.3",
             "NT-M-06", "DishonestyRecord.Recorded", "Subject.ItemFiled", "wrong_or_incomplete",
             "administrative_penalty", "None")
DATE_FIELDS = ("act_date", "determination_date", "drafted_on", "confirmed_on", "pushed_on", "acknowledged_on",
               "filed_on", "referred_on", "decided_on", "applied_on", "given_on", "repaired_on", "exited_on",
               "valid_until")


class Report(HTMLParser):
    """Tables of the report as rows of cell texts, and the text outside id/code spans."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.ids: list[list[str]] = []  # per table: the texts of its id spans
        self.words: list[str] = []  # text that is not an id, key or file name
        self.style = ""
        self._in_id = self._in_style = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
            self.ids.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "span" and ("class", "id") in attrs:
            self._in_id = True
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "span":
            self._in_id = False
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._in_id:
            self.ids[-1].append(data)
        else:
            self.words.append(data)


def _export(settings: Settings, tmp_path: Path) -> tuple[Path, Report]:
    s = build(settings)
    s.app.register_key(IDLE_UNIT)
    repair(s)
    out = export_bundle(s.app, s.service, s.subject_id, tmp_path / "bundle.zip", valid_at=DAYS, access=ACCESS)
    s.app.close()
    parsed = Report()
    parsed.feed(read(out)[layout.REPORT].decode("utf-8"))
    return out, parsed


def _table(report: Report, first_header: str) -> tuple[int, list[list[str]]]:
    index = next(i for i, t in enumerate(report.tables) if t and t[0] and t[0][0].startswith(first_header))
    return index, report.tables[index]


def test_issue_16_7_report_shows_names_not_codes_and_never_none(backend_settings: Settings, tmp_path: Path) -> None:
    out, report = _export(backend_settings, tmp_path)
    assert verify_bundle(out).ok, verify_bundle(out).text()  # the report is still exactly what the events give
    words = re.sub(r"[a-z-]+:[0-9a-f]{16}", "KEY", "".join(report.words))  # key ids name their unit: allowed
    for code in RAW_CODES:
        assert code not in words, code
    assert "国家税务总局南通市税务局 Nantong Tax Bureau" in words  # units named from the carried profile
    assert "黑名单 black list" in words and "严重失信 serious" in words
    assert "欠缴依法应当缴纳的税款" in words  # the behaviour's name from the profile
    assert "行政处罚决定书 administrative penalty decision，通税罚〔2024〕7号" in words  # the document, before ...
    assert "通税罚〔2024〕17号" in words  # ... and after the correction
    assert "异议成立 Upheld：是 yes" in words and "记录失信信息 Dishonesty recorded" in words
    assert "由 南通市经信委（市信用办） Nantong Credit Office" in words  # the attesting unit, by name


def test_issue_16_7_every_event_shows_its_business_dates(backend_settings: Settings, tmp_path: Path) -> None:
    out, report = _export(backend_settings, tmp_path)
    events = [e for e in read_events(Contents(read(out))) if e.kind == "subject"]
    _, history = _table(report, "位置 Position")
    rows = {int(row[0]): row for row in history[1:]}
    assert set(rows) == {e.event.position for e in events}
    shown = 0
    for e in events:
        what = rows[e.event.position][4]
        for field in DATE_FIELDS:
            if isinstance(e.event.fields.get(field), str):
                assert e.event.fields[field] in what, (e.event.topic, field)
                shown += 1
    assert shown >= 15  # the scenario's dates: recorded, drafted, confirmed, pushed, filed, decided, repaired ...


def test_issue_16_7_only_the_keys_that_signed_something_are_listed(backend_settings: Settings, tmp_path: Path) -> None:
    out, report = _export(backend_settings, tmp_path)
    files = read(out)
    signers = {e.envelope.key_id for e in read_events(Contents(files))}
    signers.add(json.loads(files[layout.ATTESTATION])["statement"]["key_id"])
    index, keys = _table(report, "密钥 Key id")
    listed = {row[0] for row in keys[1:]}
    assert listed == signers
    assert not any(key.startswith(IDLE_UNIT) for key in listed)
    assert any(key.startswith("nt-financial-institutions:") for key in listed)


def test_issue_16_7_report_prints_on_a4(tmp_path: Path) -> None:
    from ledger_support.backends import sqlite_settings

    _, report = _export(sqlite_settings(tmp_path), tmp_path)
    assert "@page{size:A4" in report.style
    assert "thead{display:table-header-group}" in report.style  # headers repeat on every printed page
    assert "break-inside:avoid" in report.style  # no row cut across pages
    assert "color:#000" in report.style  # black text
