"""Reporting commands and queries: monthly list reports (NT-PCI-17) and upward pushes (JY-22)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.clock import office_today
from domain.common import check_unit, compute, credit_office
from domain.effective import item_in_force
from domain.errors import RuleViolation
from domain.index import UNREPORTED, UPWARD
from domain.list_entry import ListEntry
from domain.policy import PolicyProfile, ReportingRule
from domain.profile_aggregate import PublishedProfile
from domain.reporting import ListReport, period_of, period_start
from domain.service_base import ServiceBase
from domain.unit_of_work import UnitOfWork


def months(first: str, last: str) -> list[str]:
    """The reporting months from `first` to `last` inclusive ('YYYY-MM')."""
    found, day = [], period_start(first, "NT-PCI-17")
    end = period_start(last, "NT-PCI-17")
    while day <= end:
        found.append(period_of(day))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def _rule(profile: PolicyProfile, rule_id: str, field: str, wanted: str) -> ReportingRule:
    """The profile's reporting rule of kind `wanted` ('deadline' or 'targets'); refusal when it has none."""
    for rule in profile.reporting.values():
        if rule.lists and getattr(rule, wanted):
            return rule
    raise RuleViolation(rule_id, field, f"{profile.label} sets no such report")


def reported_lists(profile: PolicyProfile) -> tuple[list[str], list[str], list[str]]:
    """The lists whose confirmed entries wait for a monthly report (NT-PCI-17), those pushed upward, and the
    systems they go to (JY-22), as `_queue_reports` queues them."""
    reported, pushed, targets = [], [], []
    for rule in profile.reporting.values():
        if rule.deadline:
            reported += [c for c in rule.lists if c not in reported]
        if rule.targets:
            pushed += [c for c in rule.lists if c not in pushed]
    if pushed:
        targets = list(_rule(profile, "JY-22", "list_entry_id", "targets").targets)
    return reported, pushed, targets


class ReportingCommands(ServiceBase):
    """report_list_entries, reports_due, push_upward, upward_pushes_pending."""

    def _unreported(self, uow: UnitOfWork) -> list[ListEntry]:
        return [uow.get(i, ListEntry, "list_entry_id") for i in self._open_ids(uow, UNREPORTED)]

    def report_list_entries(self, actor: Actor, *, profile_id: str, period: str, list_entry_ids: Sequence[UUID],
                            reported_on: date) -> UUID:
        """The producing department reports every red/black entry it confirmed in `period` (NT-PCI-17, 应报尽报);
        an empty report is the zero report (NT-PCI-17). Late reports are recorded as late. The version in force
        on `reported_on` sets the deadline (issue 15.9), as `reports_due` on that day does."""
        profile = self._profile(profile_id, on=reported_on)
        rule = _rule(profile, "NT-PCI-17", "profile_id", "deadline")
        period_start(period, rule.rule_id)
        uow = self._uow(actor)
        if uow.find(ListReport.create_id(profile.id, actor.unit, period), ListReport) is not None:
            raise RuleViolation(rule.rule_id, "period", f"{actor.unit} already reported {period}")
        due = {e.id for e in self._unreported(uow) if e.policy_id == profile.id and e.determining_unit == actor.unit
               and period_of(e.decision["confirmed_on"]) == period}  # type: ignore[index]
        given = set()
        for raw in list_entry_ids:
            entry = uow.get(raw, ListEntry, "list_entry_ids")
            if entry.id not in due:
                raise RuleViolation(rule.rule_id, "list_entry_ids",
                                    f"{entry.id} is not an unreported {period} entry of {actor.unit}")
            given.add(entry.id)
        missing = due - given
        if missing:
            raise RuleViolation(rule.rule_id, "list_entry_ids", f"report every entry of {period}: missing "
                                + ", ".join(sorted(map(str, missing))))
        report = ListReport.submit(actor, profile, rule, self.today(), period=period, entry_ids=sorted(given, key=str),
                                   reported_on=reported_on)
        uow.add(report)
        for entry_id in given:
            self._close(uow, UNREPORTED, entry_id)
        uow.commit()
        return report.id

    def list_report(self, profile_id: str, unit: str, period: str) -> ListReport:
        """One submitted monthly report."""
        return UnitOfWork(self.ledger, None).get(  # type: ignore[arg-type]
            ListReport.create_id(profile_id, unit, period), ListReport, "period")

    def reports_due(self, today: date | None = None, since: str | None = None) -> list[dict[str, Any]]:
        """Monthly list reports past their deadline and not submitted: unit, period, entries, days late (NT-PCI-17);
        a roster unit without any report (not even a zero report) for a month is overdue too, from `since` or the
        month the profile was published in this ledger (reports before the ledger cannot be in it)."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        pending = [(e.policy_id, e.determining_unit, e.decision["confirmed_on"], e.id)  # type: ignore[index]
                   for e in self._unreported(uow)]
        return self.reports_due_of(pending, today, since)

    def reports_due_of(self, pending: Iterable[tuple[str, str, date, UUID | str]], today: date | None = None,
                       since: str | None = None) -> list[dict[str, Any]]:
        """`reports_due` given the unreported entries as (profile id, unit, confirmation day, id), e.g. from the
        views (issue 16; their ids come back as given); the roster gaps are read here (NT-PCI-17)."""
        day = today or self.today()
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        groups: dict[tuple[str, str, str], list[UUID | str]] = {}
        for policy_id, unit, confirmed_on, entry_id in pending:
            groups.setdefault((policy_id, unit, period_of(confirmed_on)), []).append(entry_id)
        for key in self._roster_gaps(uow, day, since):
            groups.setdefault(key, [])
        found = []
        for (profile_id, unit, period), ids in sorted(groups.items()):
            if profile_id not in self.profiles:
                continue
            profile = self.rules_on(profile_id, day)  # issue 15.9: the deadline as the rules of `day` set it
            rule = _rule(profile, "NT-PCI-17", "profile_id", "deadline")
            deadline = compute(profile, rule.deadline or "", period_start(period, rule.rule_id), "period")
            if deadline is not None and day > deadline["due"]:
                found.append({"profile_id": profile_id, "unit": unit, "period": period, "list_entry_ids": ids,
                              "due": deadline["due"], "deadline": deadline, "days_late": (day - deadline["due"]).days,
                              "rule_id": rule.rule_id})
        return found

    def _roster_gaps(self, uow: UnitOfWork, day: date, since: str | None) -> list[tuple[str, str, str]]:
        """(profile, unit, month) of roster units with no report of a month whose report is due (NT-PCI-17)."""
        gaps = []
        for profile in (self.rules_on(pid, day) for pid in self.profiles):
            for rule in profile.reporting.values():
                start = self._roster_start(uow, profile, rule, since)
                if start is None or not rule.deadline:
                    continue
                for period in months(start, period_of(day)):
                    deadline = compute(profile, rule.deadline, period_start(period, rule.rule_id), "period")
                    if deadline is None or day <= deadline["due"]:
                        break
                    gaps += [(profile.id, unit, period) for unit in rule.roster
                             if uow.find(ListReport.create_id(profile.id, unit, period), ListReport) is None]
        return gaps

    def _roster_start(self, uow: UnitOfWork, profile: PolicyProfile, rule: ReportingRule,
                      since: str | None) -> str | None:
        """The first roster month: the later of the profile's `roster_from` and `since` (or its publication here)."""
        if not rule.roster or not rule.roster_from:
            return None
        if since is None:
            published = uow.find(PublishedProfile.id_for(self.profiles[profile.id]), PublishedProfile)  # its first
            if published is None:
                return None
            since = period_of(office_today(published.created_on))
        return max(rule.roster_from, since)

    def push_upward(self, actor: Actor, *, list_entry_id: UUID, pushed_on: date,
                    systems: Sequence[str] | None = None) -> UUID:
        """The credit office pushes a confirmed serious entry up to the provincial and prefecture systems (JY-22)."""
        uow = self._uow(actor)
        entry = uow.get(list_entry_id, ListEntry, "list_entry_id")
        profile = self._profile(entry.policy_id, on=pushed_on)  # issue 15.9: procedure on the act's day
        rule = _rule(profile, "JY-22", "list_entry_id", "targets")
        check_unit(actor, credit_office(profile), "JY-22", "actor", "the credit office")
        if entry.list_code not in rule.lists:
            raise RuleViolation("JY-22", "list_entry_id", f"{entry.list_code} entries are not pushed upward")
        chosen = tuple(rule.targets if systems is None else systems)
        unknown = [s for s in chosen if s not in rule.targets]
        if unknown or not chosen:
            raise RuleViolation("JY-22", "systems", f"push to {', '.join(rule.targets)}, not {unknown or 'nothing'}")
        again = entry.pushed_to() & set(chosen)
        if again:
            raise RuleViolation("JY-22", "systems", f"already pushed to {', '.join(sorted(again))}")
        entry.push_upward(actor, profile, self.today(), systems=chosen, pushed_on=pushed_on)
        if entry.pushed_to() >= set(rule.targets):
            self._close(uow, UPWARD, entry.id)
        uow.commit()
        return entry.id

    def upward_pushes_pending(self) -> list[dict[str, Any]]:
        """Confirmed serious entries not yet pushed to every upper-level system (JY-22)."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        found = []
        for entry_id in self._open_ids(uow, UPWARD):
            entry = uow.get(entry_id, ListEntry, "list_entry_id")
            profile = self.rules_on(entry.policy_id, self.today()) if entry.policy_id in self.profiles else None
            if profile is None or not item_in_force(entry, self.today()):  # JY-20: past its last day, not pushed
                continue
            targets = _rule(profile, "JY-22", "list_entry_id", "targets").targets
            missing = [t for t in targets if t not in entry.pushed_to()]
            found.append({"list_entry_id": entry.id, "subject_id": entry.subject_id, "missing": missing,
                          "confirmed_on": entry.decision["confirmed_on"] if entry.decision else None})
        return found
