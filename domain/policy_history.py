"""The versions of a profile over time and the ONE choice of the version in force on a day (issue 15.9).

Validity follows the rules in force at determination (the record's own version, chosen on its
determination date; a list entry's, on its confirmation date; an expiry follows that version); procedure
(repair, objection, list steps, sanction steps, withdrawals, reports, circulars) follows the rules in force
on the day of the procedural act. Both choices are `ProfileVersions.on(day)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.errors import NotFound
from domain.policy_profile import PolicyProfile


class ProfileVersions:
    """Every loaded version of one profile id, ordered by effective date (each in force until the next)."""

    def __init__(self, versions: Iterable[PolicyProfile]) -> None:
        ordered = sorted(versions, key=lambda p: (p.effective_date, p.version))
        if not ordered:
            raise ValueError("a profile needs at least one version")
        ids = {p.id for p in ordered}
        if len(ids) != 1:
            raise ValueError(f"versions of several profiles: {sorted(ids)}")
        numbers = [p.version for p in ordered]
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise ValueError(f"profile {ordered[0].id}: versions {numbers} do not follow their effective dates")
        self.versions: tuple[PolicyProfile, ...] = tuple(ordered)

    @property
    def id(self) -> str:
        """The profile id shared by every version."""
        return self.versions[0].id

    def on(self, day: date) -> PolicyProfile:
        """The version in force on `day`: the last one effective by then (the first before any took effect;
        LYG-21 refuses acts before it on its own)."""
        chosen = self.versions[0]
        for version in self.versions:
            if version.effective_date <= day:
                chosen = version
        return chosen

    def version(self, number: int, field: str = "policy_version") -> PolicyProfile:
        """Version `number` exactly (a court reading a past decision sees the rules it names)."""
        for version in self.versions:
            if version.version == number:
                return version
        raise NotFound("PolicyProfile", f"{self.id} v{number}", field)

    def periods(self) -> list[tuple[PolicyProfile, date, date | None]]:
        """Each version with its first day in force and its last (None: still in force)."""
        ends = [v.effective_date for v in self.versions[1:]]
        return [(v, v.effective_date, None if i >= len(ends) else date.fromordinal(ends[i].toordinal() - 1))
                for i, v in enumerate(self.versions)]
