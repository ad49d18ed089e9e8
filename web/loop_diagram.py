"""Server-drawn SVG of a joint-sanction case's closed loop (JY-21, CS-2.6, CS-2.7): push → acknowledge →
apply → feed back → lift → confirm, each step with its date, the next one with its due day, overdue ones marked
in words and by a heavy border (readable in black and white)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

BOX_W, BOX_H, GAP, TOP, LEFT = 138, 64, 22, 30, 6
# step → the status code whose name labels it (the catalogs name every status)
STEPS = (("push", "pushed"), ("acknowledge", "acknowledged"), ("apply", "applied"), ("feed_back", "fed_back"),
         ("lift", "lift_pushed"), ("confirm_lift", "lifted"))


@dataclass(frozen=True)
class Step:
    """One box: its step, the day it was done (None: not yet), its due day, whether it is overdue."""

    step: str
    done_on: date | None
    due: date | None = None
    overdue: bool = False


def steps_of(case: Any, today: date) -> list[Step]:
    """The six steps of the case with their dates; the pending step carries its deadline and overdue flag."""
    lift = case.lift or {}
    done = {"push": case.pushed_on, "acknowledge": case.acknowledged_on,
            "apply": case.cases[0]["date"] if case.cases else None,
            "feed_back": case.feedback[-1]["on"] if case.feedback else None,
            "lift": lift.get("pushed_on"), "confirm_lift": lift.get("confirmed_on")}
    pending = {s["step"]: s for s in case.pending_steps()}
    late = {s["step"] for s in case.overdue(today)}
    return [Step(step, done[step], pending[step]["due"] if step in pending else None, step in late)
            for step, _code in STEPS]


def _iso(day: Any) -> str:
    return day.isoformat() if hasattr(day, "isoformat") else str(day)


def _box(index: int, step: Step, title: str) -> str:
    x = LEFT + index * (BOX_W + GAP)
    state = "overdue" if step.overdue else "done" if step.done_on else "due" if step.due else "open"
    stroke = {"overdue": 3.5, "done": 1.5, "due": 1.5, "open": 1}[state]
    dash = ' stroke-dasharray="5 3"' if state in ("open", "due") else ""
    fill = {"overdue": "#fde2e2", "done": "#e8f1e4", "due": "#fff8e1", "open": "#fff"}[state]
    lines = [title, _iso(step.done_on) if step.done_on else "—"]
    if step.due and not step.done_on:
        lines.append(_("Due") + " " + _iso(step.due))
    if step.overdue:
        lines.append("⚠ " + _("overdue"))
    bold = ' font-weight="bold"'
    text = "".join(f'<text x="{x + 6}" y="{TOP + 16 + 14 * n}" fill="#000"{bold if n == 0 else ""}>'
                   f"{escape(line)}</text>" for n, line in enumerate(lines))
    arrow = "" if index == 0 else (
        f'<line x1="{x - GAP + 2}" y1="{TOP + BOX_H / 2}" x2="{x - 4}" y2="{TOP + BOX_H / 2}" stroke="#000" '
        f'marker-end="url(#arrow)"/>')
    return (f'{arrow}<g class="step {state}" data-step="{step.step}"><rect x="{x}" y="{TOP}" width="{BOX_W}" '
            f'height="{BOX_H}" fill="{fill}" stroke="#000" stroke-width="{stroke}"{dash} rx="4"/>{text}</g>')


def loop_svg(case: Any, today: date, heading: str) -> Markup:
    """The case's loop as an SVG row of six boxes under `heading` (measure → department)."""
    steps = steps_of(case, today)
    titles = {step: _(code) for step, code in STEPS}
    width = LEFT * 2 + len(steps) * BOX_W + (len(steps) - 1) * GAP
    closing = case.closing or {}
    height = TOP + BOX_H + (26 if closing else 8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="loop" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-size="11" font-family="sans-serif">',
             f"<title>{escape(heading)}</title>",
             '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
             '<path d="M0,0 L8,4 L0,8 z" fill="#000"/></marker></defs>',
             f'<text x="{LEFT}" y="16" font-weight="bold" fill="#000">{escape(heading)} · {escape(_(case.status))}'
             "</text>"]
    parts += [_box(i, s, titles[s.step]) for i, s in enumerate(steps)]
    if closing:
        parts.append(f'<text class="closing" x="{LEFT}" y="{TOP + BOX_H + 18}" fill="#000">'
                     f"{escape(_(closing['kind']))} {_iso(closing['on'])}：{escape(str(closing['reason']))}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
