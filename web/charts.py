"""Server-drawn SVG of effective periods over time (records, list entries, sanctions): no JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

WIDTH, LABEL, ROW, TOP = 900, 230, 22, 28
COLOURS = {"record": "#c0392b", "list_entry": "#2c3e50", "sanction": "#d68910"}


@dataclass(frozen=True)
class Period:
    """One bar: what, from when, until when (None: still running), and whether it ended early."""

    kind: str
    label: str
    start: date
    end: date | None
    closed: bool = False


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LABEL + (WIDTH - LABEL - 10) * (day - first).days / span


def _ticks(first: date, last: date) -> list[date]:
    return [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]


def periods_svg(periods: list[Period], today: date) -> Markup:
    """An SVG Gantt chart of the periods with a year axis and a line at `today`."""
    if not periods:
        return Markup("")
    first = min(p.start for p in periods) - timedelta(days=15)
    last = max([today] + [p.end or today for p in periods]) + timedelta(days=15)
    height = TOP + ROW * len(periods) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="periods" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-size="11" font-family="sans-serif">']
    for tick in _ticks(first, last):
        x = _x(tick, first, last)
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>'
                     f'<text x="{x + 2:.1f}" y="12" fill="#667">{tick.year}</text>')
    for row, p in enumerate(periods):
        y = TOP + row * ROW
        x1, x2 = _x(p.start, first, last), _x(p.end or today, first, last)
        colour = "#95a5a6" if p.closed else COLOURS.get(p.kind, "#555")
        tail = "" if p.end else f'<polygon points="{x2:.1f},{y} {x2 + 8:.1f},{y + 7} {x2:.1f},{y + 14}" fill="{colour}"/>'
        title = f"{p.label}: {p.start} – {p.end or '…'}"
        parts.append(f'<g class="period {escape(p.kind)}"><title>{escape(title)}</title>'
                     f'<text x="4" y="{y + 11}" fill="#1d2733">{escape(p.label[:38])}</text>'
                     f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 2):.1f}" height="14" fill="{colour}" rx="2"/>'
                     f"{tail}</g>")
    xt = _x(today, first, last)
    parts.append(f'<line x1="{xt:.1f}" y1="14" x2="{xt:.1f}" y2="{height}" stroke="#b00020" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
