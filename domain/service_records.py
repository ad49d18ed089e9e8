"""Commands on dishonesty records: recording, LYG-8 contacts, escalation, revocation, CS-2.2 points."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_date, check_text, check_unit, credit_office
from domain.documents import document
from domain.errors import NotFound, RuleViolation
from domain.list_entry import ListEntry
from domain.points import PointsAccount
from domain.policy import PointsGrade, PolicyProfile
from domain.record import DishonestyRecord
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class RecordCommands(ServiceBase):
    """record_dishonesty, register_reminder, register_interview, escalate, revoke_erroneous, points."""

    def record_dishonesty(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, behaviour_code: str, tier: str,
        basis: dict[str, Any], act_date: date, determination_date: date, disclosure: str | None = None,
        summary: str = "", leniency: dict[str, Any] | None = None,
    ) -> UUID:
        """Record a determination (HA-2.2, LYG-6, LYG-21, NT-PCI-14/15/30); NT-PCI-29 derived records. The
        version in force on the determination date decides (issue 15.9: validity follows it)."""
        profile = self._profile(profile_id, on=determination_date)
        profile.check_determining_unit(actor.unit)  # JY-5
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        record = self._record(uow, profile, subject, {
            "behaviour_code": behaviour_code, "tier": tier, "basis": basis, "act_date": act_date,
            "determination_date": determination_date, "disclosure": disclosure, "summary": summary,
            "leniency": leniency,
        })
        self._escalate_key_attention(uow, profile, subject, record)  # type: ignore[attr-defined]  # NT-JRP-3
        uow.commit()
        return record.id

    def _record(self, uow: UnitOfWork, profile: PolicyProfile, subject: Subject,
                fields: dict[str, Any]) -> DishonestyRecord:
        today = self.today()
        record = DishonestyRecord.record(uow.actor, profile, subject, today, **fields)
        self._file(uow, subject, "record", "records", record)
        # NT-PCI-29, CS-2.1: where the profile says so (its serious tier), also against the responsible persons
        if not subject.is_person and profile.tier(record.tier).responsible_persons_rule_id:
            for person_id, role in subject.responsible_persons():
                person = self._subject(uow, person_id)
                derived = DishonestyRecord.record(
                    uow.actor, profile, person, today, **fields, origin_record_id=record.id, role=role,
                )
                self._file(uow, person, "record", "records", derived)
        return record

    def register_reminder(self, actor: Actor, *, record_id: UUID, on: date, method: str, content: str) -> UUID:
        """Register a written credit reminder (LYG-8)."""
        return self._contact(actor, record_id, kind="reminder", on=on, method=method, content=content)

    def register_interview(self, actor: Actor, *, record_id: UUID, on: date, method: str, content: str,
                           attended: bool) -> UUID:
        """Register an integrity interview, attended or not (LYG-8; absence leads to LYG-9 (1))."""
        return self._contact(actor, record_id, kind="interview", on=on, method=method, content=content,
                             attended=attended)

    def register_terms_not_carried_out(self, actor: Actor, *, record_id: UUID, interview_on: date, noted_on: date,
                                       content: str) -> UUID:
        """Register that the terms of an attended interview were not carried out (LYG-9 (1))."""
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        profile = self._profile(record.policy_id, on=noted_on)  # issue 15.9: procedure on the act's day
        registrars = profile.role_units("petition_department") or (record.determining_unit,)
        check_unit(actor, registrars, "LYG-8", "actor", "the petition department")
        record.register_terms_not_carried_out(actor, profile, self.today(), interview_on=interview_on,
                                              noted_on=noted_on, content=content)
        uow.commit()
        return record.id

    def _contact(self, actor: Actor, record_id: UUID, **fields: Any) -> UUID:
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        profile = self._profile(record.policy_id, on=fields.get("on"))  # issue 15.9: the contact's day
        registrars = profile.role_units("petition_department") or (record.determining_unit,)
        check_unit(actor, registrars, "LYG-8", "actor", "the petition department")
        record.register_contact(actor, profile, self.today(), **fields)
        uow.commit()
        return record.id

    def escalate(self, actor: Actor, *, record_id: UUID, behaviour_code: str, determination_date: date,
                 basis: dict[str, Any], reason: str) -> UUID:
        """Escalate to a more serious tier (LYG-9, LYG-12), by the determining unit (JY-5): a new determination,
        whose validity follows the version in force on its `determination_date` (issue 15.9)."""
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        check_unit(actor, record.determining_unit, "JY-5", "actor", "the determining unit")
        profile = self._profile(record.policy_id, on=determination_date)
        record.escalate(actor, profile, self.today(), behaviour_code=behaviour_code,
                        determination_date=determination_date, basis=basis, reason=reason)
        uow.commit()
        return record.id

    # --- LYG-4: collect and submit -------------------------------------------------------------
    def submit_records(self, actor: Actor, *, record_ids: list[UUID], submitted_on: date) -> list[UUID]:
        """The petition department (the profile's aggregator) submits records to the credit office (LYG-4)."""
        uow = self._uow(actor)
        records = [uow.get(i, DishonestyRecord, "record_ids") for i in record_ids]
        if not records:
            raise RuleViolation("LYG-4", "record_ids", "name the records to submit")
        for record in records:
            profile = self._profile(record.policy_id, on=submitted_on)  # issue 15.9: procedure on the act's day
            if "aggregator" not in profile.roles:
                raise RuleViolation("LYG-4", "record_ids", f"{profile.label} has no collect-and-submit step")
            check_unit(actor, profile.role_units("aggregator"), "LYG-4", "actor", "the collecting department")
            record.submit(actor, profile, self.today(), to_unit=credit_office(profile), submitted_on=submitted_on)
        uow.commit()
        return [r.id for r in records]

    def records_to_submit(self) -> list[DishonestyRecord]:
        """In-force records of profiles with a collect-and-submit step not yet submitted (LYG-4)."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        records = [uow.get(i, DishonestyRecord, "record_id") for i in self._open_ids(uow, "records")]
        return [r for r in records if r.in_force and r.submitted is None
                and "aggregator" in getattr(self.profiles.get(r.policy_id), "roles", {})]

    # --- JY-24: erroneous records and listings --------------------------------------------------
    def revoke_erroneous(self, actor: Actor, *, target_id: UUID, reason: str, revoked_on: date,
                         apology: dict[str, Any] | None = None, benefits_recovered: str | None = None) -> UUID:
        """Revoke an erroneous record or listing: written apology (black), benefits recovered (red) (JY-24)."""
        uow = self._uow(actor)
        today = self.today()
        check_date(revoked_on, today, "JY-24", "revoked_on")
        reason = check_text(reason, "JY-24", "reason")
        record = uow.find(UUID(str(target_id)), DishonestyRecord)
        if record is not None:
            profile = self._profile(record.policy_id, on=revoked_on)  # issue 15.9: procedure on the act's day
            check_unit(actor, (record.determining_unit, credit_office(profile)), "JY-5", "actor", "the determiner")
            written = document(apology, today, "JY-24", "apology", text=True)
            self._revoke_record(uow, record, reason, written, revoked_on)
        else:
            entry = uow.get(target_id, ListEntry, "target_id")
            profile = self._profile(entry.policy_id, on=revoked_on)
            check_unit(actor, (entry.determining_unit, credit_office(profile)), "JY-5", "actor", "the determining unit")
            if profile.list_rule(entry.list_code).reward:  # JY-24: a wrongly red-listed subject returns benefits
                doc = {"benefits_recovered": check_text(benefits_recovered, "JY-24", "benefits_recovered")}
            else:
                doc = document(apology, today, "JY-24", "apology", text=True)
            self._revoke_entry(uow, entry, reason, doc, revoked_on)
        uow.commit()
        return UUID(str(target_id))

    def _revoke_record(self, uow: UnitOfWork, record: DishonestyRecord, reason: str, apology: dict[str, Any],
                       on: date) -> None:
        """Revoke the record and its NT-PCI-29 derived records; listings resting only on them go too."""
        profile = self._profile(record.policy_id, on=on)
        for item in [record, *self._derived_records(uow, record)]:
            item.revoke(uow.actor, profile, reason=reason, apology=apology, revoked_on=on)
            subject = self._subject(uow, item.subject_id)
            for entry in self._entries(uow, subject):
                basis = [uow.get(i, DishonestyRecord, "record_id") for i in entry.record_ids]
                if entry.active and str(item.id) in entry.record_ids and not any(r.in_force for r in basis):
                    self._revoke_entry(uow, entry, reason, apology, on)
            self._close(uow, "records", item.id)
            self._lift_sanctions(uow, subject, [item.id], f"JY-24 revoked: {reason}", on)

    # --- CS-2.2 dishonesty points -------------------------------------------------------------
    def add_points(self, actor: Actor, *, subject_id: UUID, points: int, reason: str, act_date: date,
                   basis: dict[str, Any], profile_id: str, behaviour_code: str | None = None) -> UUID:
        """Add dishonesty points, by the enforcement bureaus; a sanctioning grade records a determination (CS-2.2)
        dated by the basis document: the version in force that day decides (issue 15.9)."""
        profile = self._profile(profile_id, on=basis.get("date") if isinstance(basis, dict) else None)
        check_unit(actor, profile.role_units("collector") or profile.role_units("aggregator"), "CS-2.2", "actor",
                   "the enforcement bureaus (collector)")
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        account = uow.find(PointsAccount.create_id(subject.id, profile.id), PointsAccount)
        if account is None:
            account = PointsAccount.open(actor, profile, subject.id)
            self._file(uow, subject, "points", None, account)
        before = account.grade_info(profile)
        account.add(actor, profile, self.today(), points=points, reason=reason, act_date=act_date, basis=basis)
        self._after_grading(uow, profile, subject, account, before, basis, basis["date"], behaviour_code)
        uow.commit()
        return account.id

    def grade_points(self, actor: Actor, *, subject_id: UUID, grade: str, graded_on: date, basis: dict[str, Any],
                     profile_id: str, behaviour_code: str | None = None) -> UUID:
        """The urban-management office grades a subject (CS-2.2) when the profile holds no point ranges; the
        version in force on `graded_on` decides (issue 15.9)."""
        profile = self._profile(profile_id, on=graded_on)
        check_unit(actor, profile.role_units("aggregator"), "CS-2.2", "actor", "the urban-management office")
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        account = uow.find(PointsAccount.create_id(subject.id, profile.id), PointsAccount)
        if account is None:
            raise NotFound("PointsAccount", str(subject_id), "subject_id")
        before = account.grade_info(profile)
        account.set_grade(actor, profile, self.today(), grade=grade, graded_on=graded_on)
        self._after_grading(uow, profile, subject, account, before, basis, graded_on, behaviour_code)
        uow.commit()
        return account.id

    def _after_grading(self, uow: UnitOfWork, profile: PolicyProfile, subject: Subject, account: PointsAccount,
                       before: PointsGrade | None, basis: dict[str, Any], determined_on: date,
                       behaviour_code: str | None) -> None:
        """Reaching a grade that triggers joint sanctions records the determination they rest on (CS-2.2)."""
        after = account.grade_info(profile)
        if after is None or not after.triggers_sanctions or (before is not None and before.triggers_sanctions):
            return
        if behaviour_code is None:
            codes = [b.code for b in profile.behaviours.values() if b.tier == after.tier]
            if len(codes) != 1:
                raise RuleViolation("CS-2.2", "behaviour_code", f"name the behaviour among {', '.join(codes)}")
            behaviour_code = codes[0]
        if after.tier is None:
            raise RuleViolation("CS-2.2", "grade", f"{profile.label} grade {after.code} names no severity tier")
        act_date = max(e["act_date"] for e in account.entries)
        self._record(uow, profile, subject, {
            "behaviour_code": behaviour_code, "tier": after.tier, "basis": basis, "act_date": act_date,
            "determination_date": determined_on, "summary": f"CS-2.2 grade {after.code}: {account.total} points",
        })
