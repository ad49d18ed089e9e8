"""Bars of the period chart from a time-travel answer (`projections.timetravel.StatusAnswer`), named for people.

For the as-of page: `periods_svg(status_periods(answer.items), today, as_of=..., valid_at=...)`.
"""

from __future__ import annotations

from typing import Any, Iterable

from flask_babel import gettext as _

from web.charts import Period
from web.names import behaviour_name_any


def item_label(item: Any) -> str:
    """What a time-travel item is, for people: the behaviour's name and tier, or the list and its status."""
    if item.kind == "record":  # the answer's label is "behaviour_code tier"
        code, _sep, tier = str(item.label).partition(" ")
        return f"{behaviour_name_any(code)}（{_(tier)}）" if tier else behaviour_name_any(code)
    return f"{_(str(item.label))}（{_(item.status)}）"


def status_periods(items: Iterable[Any]) -> list[Period]:
    """One bar per record or list entry that had started: from its first day to its end, hatched once ended."""
    return sorted((Period(i.kind, item_label(i), i.valid_from, i.ended_on or i.valid_until, i.ended_on is not None)
                   for i in items if i.valid_from is not None), key=lambda p: (p.start, p.kind))
