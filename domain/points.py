"""PointsAccount: Changshu urban-management dishonesty points and grade of one subject (CS-2.2)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import actor_stamp, check_date, check_text, ledger_uuid, stamp
from domain.documents import legal_basis
from domain.errors import RuleViolation
from domain.policy import PointsGrade, PolicyProfile
from domain.privacy import check_no_forbidden_data


def graded_by_points(profile: PolicyProfile) -> bool:
    """Whether the profile holds point ranges (otherwise the office grades explicitly, CS-2.2)."""
    return any(g.min_points is not None or g.max_points is not None for g in profile.points_grades)


class PointsAccount(Aggregate):
    """Points collected by the enforcement bureaus, graded by the urban-management office (CS-2.2)."""

    @staticmethod
    def create_id(subject_id: UUID, profile_id: str) -> UUID:
        """One account per subject and points scheme."""
        return ledger_uuid("points", subject_id, profile_id)

    @event("Opened")
    def __init__(self, subject_id: UUID, profile_id: str, actor_unit: str, actor_user: str) -> None:
        self.subject_id = subject_id
        self.profile_id = profile_id
        self.total = 0
        self.grade: str | None = None
        self.entries: list[dict[str, Any]] = []

    @classmethod
    def open(cls, actor: Actor, profile: PolicyProfile, subject_id: UUID) -> PointsAccount:
        """Open the account of a subject under a profile with a points scheme (CS-2.2)."""
        if not profile.points_grades:
            raise RuleViolation("CS-2.2", "profile_id", f"{profile.label} keeps no dishonesty points")
        return cls(subject_id=subject_id, profile_id=profile.id, **actor_stamp(actor))

    def grade_info(self, profile: PolicyProfile) -> PointsGrade | None:
        """The current grade as the profile defines it."""
        return next((g for g in profile.points_grades if g.code == self.grade), None)

    def add(self, actor: Actor, profile: PolicyProfile, today: date, *, points: int, reason: str,
            act_date: date, basis: object) -> None:
        """Add points for an act (CS-2.2); graded automatically when the profile holds point ranges."""
        if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
            raise RuleViolation("CS-2.2", "points", f"points must be a positive whole number, got {points!r}")
        check_date(act_date, today, "CS-2.2", "act_date")
        profile.check_act_date(act_date)  # LYG-21
        check_no_forbidden_data({"reason": reason})
        clean = legal_basis(basis, today, profile.basis_types)
        total = self.total + points
        grade = profile.grade_for(total).code if graded_by_points(profile) else self.grade
        self._add(points=points, total=total, grade=grade, reason=check_text(reason, "CS-2.2", "reason"),
                  act_date=act_date, basis=clean, **stamp(actor, profile))

    @event("PointsAdded")
    def _add(self, points: int, total: int, grade: str | None, reason: str, act_date: date,
             basis: dict[str, Any], actor_unit: str, actor_user: str, policy_id: str, policy_version: int,
             policy_hash: str) -> None:
        self.total, self.grade = total, grade
        self.entries.append({"points": points, "reason": reason, "act_date": act_date, "basis": basis})

    def set_grade(self, actor: Actor, profile: PolicyProfile, today: date, *, grade: str, graded_on: date) -> None:
        """The urban-management office grades the subject (CS-2.2) when the profile holds no ranges."""
        if graded_by_points(profile):
            raise RuleViolation("CS-2.2", "grade", f"{profile.label} grades by point ranges")
        if grade not in {g.code for g in profile.points_grades}:
            raise RuleViolation("CS-2.2", "grade", f"{grade} is not a grade of {profile.label}")
        if not self.entries:
            raise RuleViolation("CS-2.2", "grade", "no points were collected for this subject")
        check_date(graded_on, today, "CS-2.2", "graded_on")
        self._grade(grade=grade, graded_on=graded_on, total=self.total, **stamp(actor, profile))

    @event("Graded")
    def _grade(self, grade: str, graded_on: date, total: int, actor_unit: str, actor_user: str,
               policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.grade = grade
