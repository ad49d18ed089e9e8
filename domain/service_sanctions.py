"""Commands of the joint-sanction loop (JY-21, CS-2.4..2.7, HA-4.2) and the daily expiry sweep (NT-PCI-30)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_date, check_text, check_unit, credit_office
from domain.effective import check_item_in_force, item_in_force
from domain.errors import RuleViolation
from domain.list_entry import ListEntry
from domain.record import DishonestyRecord
from domain.sanction import SanctionCase
from domain.service_base import ServiceBase
from domain.sweep_marker import DailySweep
from domain.unit_of_work import UnitOfWork


class SanctionCommands(ServiceBase):
    """push_sanction, acknowledge/apply/decline/feed_back_sanction, push_lift, withdraw_sanction, confirm_lift,
    lifts_due, push_due_lifts, sweep."""

    def push_sanction(self, actor: Actor, *, source_id: UUID, measure_id: str, pushed_on: date) -> UUID:
        """The credit office pushes a listed measure (HA-4.2) to its department; CS-2.1 responsible persons too."""
        uow = self._uow(actor)
        record = uow.find(UUID(str(source_id)), DishonestyRecord)
        source = record if record is not None else uow.get(source_id, ListEntry, "source_id")
        profile = self._profile(source.policy_id, on=pushed_on)  # issue 15.9: the measures offered on the day
        check_unit(actor, credit_office(profile), "JY-21", "actor", "the credit office")
        if isinstance(source, DishonestyRecord):
            source.check_in_force_on(pushed_on, "NT-PCI-30", "source_id")
            kind, trigger = "record", source.tier
        else:
            if not source.in_force:
                rule_id = "JY-6.2" if source.active else "JY-17"
                raise RuleViolation(rule_id, "source_id", f"{source.list_code} entry is {source.status}, not confirmed")
            kind, trigger = "list_entry", source.list_code
        today = self.today()
        for day in sorted({today} | ({pushed_on} if isinstance(pushed_on, date) else set())):
            check_item_in_force(source, day, "NT-PCI-30" if kind == "record" else "JY-20", "source_id")
        subject = self._subject(uow, source.subject_id)
        if uow.find(SanctionCase.create_id(source.id, subject.id, measure_id), SanctionCase) is not None:
            raise RuleViolation("JY-21", "measure_id", f"measure {measure_id} was already pushed for this source")
        case = SanctionCase.push(actor, profile, today, source_kind=kind, source_id=source.id, subject_id=subject.id,
                                 trigger=trigger, target=subject.kind, measure_id=measure_id, pushed_on=pushed_on)
        self._file(uow, subject, "sanction", "sanctions", case)
        objects = profile.measure(measure_id).objects
        for person_id, role in subject.responsible_persons():
            derived_id = SanctionCase.create_id(source.id, person_id, measure_id)
            if role in objects and uow.find(derived_id, SanctionCase) is None:
                derived = SanctionCase.push(
                    actor, profile, today, source_kind=kind, source_id=source.id, subject_id=person_id,
                    trigger=trigger, target=role, measure_id=measure_id, pushed_on=pushed_on, origin_case_id=case.id,
                )
                self._file(uow, self._subject(uow, person_id), "sanction", "sanctions", derived)
        uow.commit()
        return case.id

    def _case_step(self, actor: Actor, sanction_id: UUID, step: str, on: object, **fields: Any) -> SanctionCase:
        """One step of the loop under the version in force on its day `on` (issue 15.9)."""
        uow = self._uow(actor)
        case = uow.get(sanction_id, SanctionCase, "sanction_id")
        getattr(case, step)(actor, self._profile(case.policy_id, on=on), self.today(), **fields)
        if not case.open:  # lift confirmed, declined or withdrawn: the loop is closed
            self._close(uow, "sanctions", case.id)
        uow.commit()
        return case

    def acknowledge_sanction(self, actor: Actor, *, sanction_id: UUID, acknowledged_on: date) -> UUID:
        """The department acknowledges the push (响应, JY-21)."""
        return self._case_step(actor, sanction_id, "acknowledge", acknowledged_on, acknowledged_on=acknowledged_on).id

    def apply_sanction(self, actor: Actor, *, sanction_id: UUID, case: dict[str, Any]) -> UUID:
        """The department applies the measure in a concrete business case (实施, CS-2.6)."""
        on = case.get("date") if isinstance(case, dict) else None  # CS-2.6: the business case's day
        return self._case_step(actor, sanction_id, "apply", on, case=case).id

    def decline_sanction(self, actor: Actor, *, sanction_id: UUID, reason: str, declined_on: date) -> UUID:
        """The department acknowledged and decides not to apply, with its reason; its case closes (JY-21)."""
        return self._case_step(actor, sanction_id, "decline", declined_on, reason=reason, declined_on=declined_on).id

    def feed_back_sanction(self, actor: Actor, *, sanction_id: UUID, report: str, fed_back_on: date) -> UUID:
        """The department feeds the cases back to the credit office (反馈, JY-21, CS-2.6)."""
        return self._case_step(actor, sanction_id, "feed_back", fed_back_on, report=report,
                               fed_back_on=fed_back_on).id

    def _end_cases(self, actor: Actor, sanction_id: UUID, lift: bool, reason: str, on: date) -> UUID:
        """Lift or withdraw the case, and `end` its responsible persons' cases (CS-2.1)."""
        uow = self._uow(actor)
        case = uow.get(sanction_id, SanctionCase, "sanction_id")
        profile = self._profile(case.policy_id, on=on)
        if lift:
            case.push_lift(actor, profile, self.today(), reason=reason, pushed_on=on)
        else:
            case.withdraw(actor, profile, self.today(), reason=reason, withdrawn_on=on)
        subject = self._subject(uow, case.subject_id)
        for person_id, _ in subject.responsible_persons():
            derived = uow.find(SanctionCase.create_id(case.source_id, person_id, case.measure_id), SanctionCase)
            if derived is not None and derived.origin_case_id == case.id and derived.in_force:
                derived.end(actor, profile, self.today(), reason=reason, on=on)
        for item in (case, *[c for c in uow.changed() if isinstance(c, SanctionCase)]):
            if not item.open:
                self._close(uow, "sanctions", item.id)
        uow.commit()
        return case.id

    def push_lift(self, actor: Actor, *, sanction_id: UUID, reason: str, pushed_on: date) -> UUID:
        """The credit office pushes the lift to a department that applied the measure, and ends the
        responsible persons' cases (JY-17, CS-2.7)."""
        return self._end_cases(actor, sanction_id, True, reason, pushed_on)

    def withdraw_sanction(self, actor: Actor, *, sanction_id: UUID, reason: str, withdrawn_on: date) -> UUID:
        """The credit office withdraws a push never applied (JY-17: no lift to a department that applied nothing)."""
        return self._end_cases(actor, sanction_id, False, reason, withdrawn_on)

    def confirm_lift(self, actor: Actor, *, sanction_id: UUID, confirmed_on: date) -> UUID:
        """The department confirms the lift (JY-17, CS-2.7); the loop is closed."""
        return self._case_step(actor, sanction_id, "confirm_lift", confirmed_on, confirmed_on=confirmed_on).id

    # --- JY-17, CS-2.7: the credit office's desk of lifts to push -------------------------------
    def lifts_due(self, today: date | None = None, *, office: str | None = None) -> list[dict[str, Any]]:
        """Cases still in force whose basis (record or list entry) has left force: the credit office lifts
        the applied ones and withdraws the others (JY-17, CS-2.7); `office` keeps those of its profiles."""
        day = today or self.today()
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        found = []
        for case_id in self._open_ids(uow, "sanctions"):
            case = uow.get(case_id, SanctionCase, "sanction_id")
            if office is not None and credit_office(self.rules_on(case.policy_id, day)) != office:
                continue
            if case.in_force and not self._source_in_force(uow, case, day):
                found.append({"sanction_id": case.id, "department": case.department, "measure_id": case.measure_id,
                              "subject_id": case.subject_id, "source_id": case.source_id,
                              "policy_id": case.policy_id, "action": "lift" if case.applied else "withdraw",
                              "rule_id": "JY-17"})
        return found

    def source_in_force(self, sanction_id: UUID, day: date | None = None) -> bool:
        """Whether the record or list entry a case rests on is still in force on `day` (JY-17, NT-PCI-30)."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        return self._source_in_force(uow, uow.get(sanction_id, SanctionCase, "sanction_id"), day or self.today())

    def _source_in_force(self, uow: UnitOfWork, case: SanctionCase, day: date) -> bool:
        source = uow.find(case.source_id, DishonestyRecord) if case.source_kind == "record" else None
        source = source or uow.get(case.source_id, ListEntry, "source_id")
        return item_in_force(source, day)  # NT-PCI-30, JY-20: one rule for in force on a day

    def push_due_lifts(self, actor: Actor, *, reason: str, pushed_on: date) -> list[UUID]:
        """The credit office ends every case of `lifts_due`: lift the applied, withdraw the others (JY-17, CS-2.7)."""
        offices = tuple(sorted({credit_office(p) for p in self.profiles.values()}))
        check_unit(actor, offices, "CS-2.7", "actor", "a credit office")
        check_date(pushed_on, self.today(), "JY-17", "pushed_on")
        reason = check_text(reason, "JY-17", "reason")
        due = self.lifts_due(pushed_on, office=actor.unit)
        uow = self._uow(actor)
        for item in due:
            case = uow.get(item["sanction_id"], SanctionCase, "sanction_id")
            case.end(actor, self._profile(case.policy_id, on=pushed_on), self.today(), reason=reason, on=pushed_on)
            if not case.open:
                self._close(uow, "sanctions", case.id)
        uow.commit()
        return [item["sanction_id"] for item in due]

    # --- NT-PCI-30, LYG-18: expiry ---------------------------------------------------------------
    def sweep(self, actor: Actor, *, today: date | None = None, daily: bool = False) -> list[UUID]:
        """Record expiry of everything whose validity ended and push the lifts; idempotent, run daily.

        Issue 15.9: an expiry follows the item's own version (validity: the record's determination, the
        entry's confirmation); the lifts and exits it causes follow the version in force on the sweep's day.

        `daily`: the scheduled sweep, saved with the day's signed `DailySweep` marker; nothing is done when
        the day's marker exists (another process swept it).
        """
        day = check_date(today or self.today(), self.today(), "NT-PCI-30", "today")
        uow = self._uow(actor)
        if daily and uow.find(DailySweep.create_id(day), DailySweep) is not None:
            return []
        expired: list[UUID] = []
        for record_id in self._due_items(uow, "records", day):
            record = uow.get(record_id, DishonestyRecord, "record_id")
            self._index(uow, "records").set_due(actor, record.id, record.valid_until)  # an UNKNOWN one
            if record.is_due_to_expire(day):
                # issue 15.9: the end of validity follows the record's own version (its determination's)
                record.expire(actor, self._profile(record.policy_id, version=record.policy_version), day)
                self._close_record(uow, record, "validity ended (NT-PCI-30, LYG-18)", day)
                expired.append(record.id)
        for entry_id in self._due_items(uow, "list_entries", day):
            entry = uow.get(entry_id, ListEntry, "list_entry_id")
            self._index(uow, "list_entries").set_due(actor, entry.id, entry.valid_until)  # an UNKNOWN one
            if entry.is_due_to_expire(day):
                entry.expire(actor, self._profile(entry.policy_id, version=entry.policy_version), day)
                self._close(uow, "list_entries", entry.id)
                subject = self._subject(uow, entry.subject_id)
                self._lift_sanctions(uow, subject, [entry.id], "validity ended (JY-20, LYG-18)", day)
                self._withdraw_warnings(uow, subject, day)  # NT-JRP-3
                expired.append(entry.id)
        if daily:
            uow.add(DailySweep.mark(actor, day, expired))
        uow.commit()
        return expired
