"""Who acts: the unit whose key signs, and the user inside it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The acting unit (signs the event) and the named user who issued the command."""

    unit: str
    user: str
