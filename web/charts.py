"""Server-drawn SVG of effective periods over time (records, list entries, sanctions): no JavaScript.

Labelled in the page's language; each kind keeps its colour when ended (then hatched and marked in words),
so the chart reads in black and white too; year ticks, dates on the bars, and today / as-of / valid-at lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from flask_babel import gettext as _
from markupsafe import Markup

WIDTH, LABEL, ROW, TOP = 960, 300, 34, 58
LINE = 25  # characters of a label per line (CJK at 11px: about 275px)
COLOURS = {"record": "#c0392b", "list_entry": "#2c3e50", "sanction": "#d68910"}
# line kind → (stroke, dash pattern): told apart by dash and by their printed label, not by colour alone
LINES = {"today": ("#b00020", "4 3"), "as_of": ("#1f4e9e", ""), "valid_at": ("#1e7b34", "1 3")}


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
    return LABEL + (WIDTH - LABEL - 30) * (day - first).days / span


def _ticks(first: date, last: date) -> list[date]:
    return [date(y, 1, 1) for y in range(first.year + 1, last.year + 1)]


def _kind_names() -> dict[str, str]:
    return {"record": _("record"), "list_entry": _("list_entry"), "sanction": _("Joint sanctions")}


def _defs() -> str:
    """A hatch per kind in its own colour: an ended bar keeps its kind's colour."""
    patterns = "".join(
        f'<pattern id="ended-{kind}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>'
        for kind, colour in COLOURS.items())
    return f"<defs>{patterns}</defs>"


def _legend(lines: dict[str, date]) -> str:
    parts, x = [], 4.0
    for kind, name in _kind_names().items():
        colour = COLOURS[kind]
        parts.append(f'<rect x="{x:.0f}" y="4" width="14" height="10" fill="{colour}"/>'
                     f'<text x="{x + 18:.0f}" y="13" fill="#000">{escape(name)}</text>')
        x += 30 + 11 * len(name) * (1.2 if name.isascii() else 1.0)
    parts.append(f'<rect x="{x:.0f}" y="4" width="14" height="10" fill="url(#ended-record)" stroke="#000" '
                 f'stroke-width="0.5"/><text x="{x + 18:.0f}" y="13" fill="#000">{escape(_("Ended"))}</text>')
    x += 80
    for kind, day in lines.items():
        stroke, dash = LINES[kind]
        parts.append(f'<line x1="{x:.0f}" y1="9" x2="{x + 18:.0f}" y2="9" stroke="{stroke}" stroke-width="2" '
                     f'stroke-dasharray="{dash}"/><text x="{x + 22:.0f}" y="13" fill="#000">'
                     f"{escape(_line_name(kind))} {day.isoformat()}</text>")
        x += 170
    return f'<g class="legend">{"".join(parts)}</g>'


def _line_name(kind: str) -> str:
    return {"today": _("Today"), "as_of": _("As of"), "valid_at": _("Valid at")}[kind]


def _bar(p: Period, y: int, first: date, last: date, today: date, kinds: dict[str, str]) -> str:
    x1, x2 = _x(p.start, first, last), _x(p.end or today, first, last)
    colour = COLOURS.get(p.kind, "#555")
    fill = f"url(#ended-{p.kind})" if p.closed and p.kind in COLOURS else colour
    tail = "" if p.end else f'<polygon points="{x2:.1f},{y} {x2 + 8:.1f},{y + 6} {x2:.1f},{y + 12}" fill="{colour}"/>'
    until = p.end.isoformat() if p.end else _("open")
    dates = f"{p.start.isoformat()} – {until}" + (f" ({_('Ended')})" if p.closed else "")
    kind = kinds.get(p.kind, p.kind)
    name = f"{kind}{': ' if kind.isascii() else '：'}{p.label}"
    width = LINE * 2 if name.isascii() else LINE  # Latin letters take about half a CJK character's width
    first_line, rest = name[:width], name[width:]  # two lines in the label column; the whole name in the title
    second = rest if len(rest) <= width else rest[:width - 1] + "…"
    return (f'<g class="period {escape(p.kind)}{" ended" if p.closed else ""}"><title>{escape(name)}: '
            f"{escape(dates)}</title>"
            f'<text x="4" y="{y + 10}" fill="#000">{escape(first_line)}</text>'
            + (f'<text x="4" y="{y + 23}" font-size="10" fill="#000">{escape(second)}</text>' if second else "") +
            f'<rect x="{x1:.1f}" y="{y}" width="{max(x2 - x1, 2):.1f}" height="12" fill="{fill}" stroke="{colour}" '
            f'stroke-width="1" rx="2"/>{tail}'
            f'<text class="dates" x="{x1:.1f}" y="{y + 24}" font-size="9" fill="#000">{escape(dates)}</text></g>')


def periods_svg(periods: list[Period], today: date, *, as_of: date | None = None,
                valid_at: date | None = None) -> Markup:
    """An SVG Gantt chart of the periods with year ticks, dated bars and lines at today, as-of and valid-at."""
    if not periods:
        return Markup("")
    lines = {k: d for k, d in (("today", today), ("as_of", as_of), ("valid_at", valid_at)) if d is not None}
    first = min([p.start for p in periods] + list(lines.values())) - timedelta(days=30)
    last = max([p.end or today for p in periods] + list(lines.values())) + timedelta(days=30)
    height = TOP + ROW * len(periods) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="periods" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-size="11" font-family="sans-serif">',
             f"<title>{escape(_('Effective periods'))}</title>", _defs(), _legend(lines)]
    parts.append(f'<line x1="{LABEL}" y1="{TOP - 6}" x2="{WIDTH - 20}" y2="{TOP - 6}" stroke="#000"/>')
    for tick in _ticks(first, last):
        x = _x(tick, first, last)
        parts.append(f'<g class="year"><line x1="{x:.1f}" y1="{TOP - 12}" x2="{x:.1f}" y2="{height}" stroke="#bbb"/>'
                     f'<text x="{x + 2:.1f}" y="{TOP - 10}" fill="#000">{tick.year}</text></g>')
    kinds = _kind_names()
    for row, p in enumerate(periods):
        parts.append(_bar(p, TOP + row * ROW, first, last, today, kinds))
    for kind, day in lines.items():
        stroke, dash = LINES[kind]
        x = _x(day, first, last)
        parts.append(f'<line class="line-{kind}" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height}" '
                     f'stroke="{stroke}" stroke-width="1.5" stroke-dasharray="{dash}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
