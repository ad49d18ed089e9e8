"""Commands on government integrity (政务诚信, NT-GOV): subjects, files, records, consequences, award check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain import effective
from domain.access_log import AccessRecord
from domain.actor import Actor
from domain.common import check_date, check_unit
from domain.errors import RuleViolation
from domain.fault_tolerance import FaultToleranceDetermination
from domain.government_case import GovernmentCase
from domain.government_file import GovernmentFileEntry
from domain.government_policy import GovernmentRules, government_rules
from domain.government_report import GOV_UNREPORTED, GovernmentRecordsReport
from domain.policy import PolicyProfile
from domain.policy_model import LEVELS
from domain.record import DishonestyRecord
from domain.reporting import period_of, period_start
from domain.sanction import SanctionCase
from domain.service_base import ServiceBase
from domain.subject import CIVIL_SERVANT, GOVERNMENT_BODY, Subject
from domain.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AwardCheck:
    """The answer of `may_receive_award`: allowed, or the in-force records that bar it (NT-GOV-2.4a/b)."""

    subject_id: UUID
    day: date
    allowed: bool
    barring_record_ids: tuple[UUID, ...]


class GovernmentCommands(ServiceBase):
    """Government bodies, civil servants, their files, dishonesty records, consequences and the award check."""

    def _gov(self, profile_id: str, on: object = None) -> tuple[PolicyProfile, GovernmentRules]:
        """The version in force on the act's day `on` (issue 15.9; today's without one) and its government rules."""
        profile = self._profile(profile_id, on=on)
        return profile, government_rules(profile)

    # --- NT-GOV-2.2a: subjects ---------------------------------------------------------------
    def register_government_body(
        self, actor: Actor, *, profile_id: str, name: str, uscc: str, level: str,
        superior_id: UUID | None = None, unit: str | None = None,
    ) -> UUID:
        """Register a government or department (USCC type 11), by the organisation department (NT-GOV-2.2a)."""
        profile, rules = self._gov(profile_id)
        check_unit(actor, rules.registrars(GOVERNMENT_BODY), "NT-GOV-2.2a", "actor", "the organisation department")
        if unit is not None and unit not in profile.units:
            raise RuleViolation("NT-GOV-2.2a", "unit", f"{unit} is not a unit of {profile.label}")
        uow = self._uow(actor)
        superior = self._subject(uow, superior_id, "superior_id") if superior_id is not None else None
        subject = Subject.register_government_body(actor, self._secret, name=name, uscc=uscc, level=level,
                                                   superior=superior, unit=unit, levels=LEVELS)
        return self._register(actor, subject, "uscc")  # type: ignore[attr-defined]

    def register_civil_servant(
        self, actor: Actor, *, profile_id: str, name: str, id_number: str, employer_id: UUID, post: str,
        address: str | None = None, telephone: str | None = None,
    ) -> UUID:
        """Register a civil servant (a person: same ID rules and privacy), by the organisation department or HR."""
        profile, rules = self._gov(profile_id)
        check_unit(actor, rules.registrars(CIVIL_SERVANT), "NT-GOV-2.2a", "actor",
                   "the organisation department or HR unit")
        uow = self._uow(actor)
        employer = self._subject(uow, employer_id, "employer_id")
        subject = Subject.register_civil_servant(actor, self._secret, name=name, id_number=id_number,
                                                 employer=employer, post=post, address=address, telephone=telephone)
        return self._register(actor, subject, "id_number")  # type: ignore[attr-defined]

    def _government_subject(self, uow: UnitOfWork, subject_id: UUID, rule_id: str, field: str = "subject_id"
                            ) -> Subject:
        subject = self._subject(uow, subject_id, field)
        if not subject.is_government:
            raise RuleViolation(rule_id, field, "not a government body or civil servant")
        return subject

    def _file_recorders(self, uow: UnitOfWork, rules: GovernmentRules, subject: Subject) -> tuple[str, ...]:
        """NT-GOV-2.2a: the body's own unit records its file; each department records its own civil servants."""
        body = subject
        if subject.kind == CIVIL_SERVANT and subject.government and subject.government["employer_id"]:
            body = self._subject(uow, subject.government["employer_id"], "employer_id")
        own = (body.government or {}).get("unit")
        return (*((own,) if own else ()), *rules.registrars(subject.kind), *rules.units("consequence_units"))

    # --- NT-GOV-2.2a/d: file entries ---------------------------------------------------------
    def record_file_entry(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, category: str, polarity: str,
        document: dict[str, Any], summary: str, year: int | None = None, result: str | None = None,
    ) -> UUID:
        """Record an entry of a government-affairs credit file, signed by the recording department."""
        profile, rules = self._gov(profile_id)
        uow = self._uow(actor)
        subject = self._government_subject(uow, subject_id, "NT-GOV-2.2a")
        check_unit(actor, self._file_recorders(uow, rules, subject), "NT-GOV-2.2a", "actor",
                   "the subject's own department, its organisation department or HR unit")
        entry = GovernmentFileEntry.record(actor, profile, rules, subject, self.today(), category=category,
                                           polarity=polarity, document_given=document, summary=summary,
                                           year=year, result=result)
        self._file(uow, subject, "gov_file", None, entry)
        uow.commit()
        return entry.id

    def government_file(self, subject_id: UUID) -> dict[str, Any]:
        """The file: entries, government dishonesty records, fault-tolerance determinations, cases."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        subject = self._government_subject(uow, subject_id, "NT-GOV-2.2a")
        records = [r for r in self._records(uow, subject) if r.government is not None]
        return {
            "subject": subject,
            "entries": [uow.get(i, GovernmentFileEntry, "entry_id") for i in subject.ids("gov_file")],
            "records": records,
            "fault_tolerance": [uow.get(i, FaultToleranceDetermination, "id") for i in subject.ids("fault_tolerance")],
            "cases": [uow.get(i, GovernmentCase, "case_id") for i in subject.ids("gov_case")],
        }

    # --- NT-GOV-2.2c: fault tolerance --------------------------------------------------------
    def determine_fault_tolerance(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, case_number: str, document: dict[str, Any],
        reason: str,
    ) -> UUID:
        """The competent body keeps its fault-tolerance determination; the case is then never recorded."""
        profile, rules = self._gov(profile_id)
        check_unit(actor, rules.units("fault_tolerance_units"), "NT-GOV-2.2c", "actor", "the competent body")
        uow = self._uow(actor)
        subject = self._government_subject(uow, subject_id, "NT-GOV-2.2c")
        item = FaultToleranceDetermination.determine(actor, profile, subject, self.today(), case_number=case_number,
                                                     document_given=document, reason=reason)
        if self.ledger.exists(item.id):
            raise RuleViolation("NT-GOV-2.2c", "case_number", "a determination for this case is already kept")
        self._file(uow, subject, "fault_tolerance", None, item)
        uow.commit()
        return item.id

    def fault_tolerance_for(self, subject_id: UUID, case_number: str) -> FaultToleranceDetermination | None:
        """The kept determination covering the subject's case `case_number`, if any (NT-GOV-2.2c)."""
        if not case_number.strip():
            return None
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        return uow.find(FaultToleranceDetermination.create_id(subject_id, case_number), FaultToleranceDetermination)

    # --- NT-GOV-2.2b, 3.1/3.3/3.4/3.6: government dishonesty records --------------------------
    def record_government_dishonesty(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, source_kind: str, document: dict[str, Any],
        behaviour_code: str, tier: str, act_date: date, determination_date: date, summary: str = "",
        disclosure: str | None = None,
    ) -> UUID:
        """Record a government dishonesty record naming its source kind and document (NT-GOV-2.2b); a kept
        fault-tolerance determination of the case refuses it, citing the determination (NT-GOV-2.2c)."""
        profile, rules = self._gov(profile_id, determination_date)  # issue 15.9: validity from the determination
        profile.check_determining_unit(actor.unit)  # JY-5
        uow = self._uow(actor)
        subject = self._government_subject(uow, subject_id, "NT-GOV-2.2b")
        record = self._record_government(uow, profile, rules, subject, source_kind=source_kind, document=document,
                                         behaviour_code=behaviour_code, tier=tier, act_date=act_date,
                                         determination_date=determination_date, summary=summary,
                                         disclosure=disclosure)
        uow.commit()
        return record.id

    def _record_government(self, uow: UnitOfWork, profile: PolicyProfile, rules: GovernmentRules, subject: Subject,
                           *, source_kind: str, document: object, origin_record_id: UUID | None = None,
                           role: str | None = None, **fields: Any) -> DishonestyRecord:
        basis_type = rules.basis_type(source_kind)
        if not isinstance(document, dict):
            raise RuleViolation("NT-GOV-2.2b", "document", "the judgment, penalty, sanction or decision is required")
        number = document.get("number")
        if isinstance(number, str) and number.strip():
            kept = uow.find(FaultToleranceDetermination.create_id(subject.id, number), FaultToleranceDetermination)
            if kept is not None:
                raise RuleViolation("NT-GOV-2.2c", "document.number",
                                    f"fault-tolerance determination {kept.id} ({kept.document['number']} of "
                                    f"{kept.document['date']}, by {kept.determining_unit}) keeps this case out")
        basis = {**document, "type": basis_type}
        government = {"source_kind": source_kind, "subject_kind": subject.kind}
        today = self.today()
        record = DishonestyRecord.record(uow.actor, profile, subject, today, basis=basis, government=government,
                                         origin_record_id=origin_record_id, role=role, **fields)
        self._file(uow, subject, "record", "records", record)
        self._index(uow, GOV_UNREPORTED).add(uow.actor, record.id)  # NT-GOV-2.3: waits for the upward report
        case = GovernmentCase.open(uow.actor, profile, record_id=record.id, subject_id=subject.id,
                                   subject_kind=subject.kind, determination_date=record.determination_date)
        self._file(uow, subject, "gov_case", None, case)
        return record

    # --- NT-GOV-2.4a/b, 2.5b: consequences ----------------------------------------------------
    def _case(self, uow: UnitOfWork, record_id: UUID, on: object) -> tuple[GovernmentCase, PolicyProfile,
                                                                        GovernmentRules]:
        """The case of a record and the rules in force on the step's day `on` (issue 15.9)."""
        case = uow.get(GovernmentCase.create_id(UUID(str(record_id))), GovernmentCase, "record_id")
        profile, rules = self._gov(case.policy_id, on)
        return case, profile, rules

    def give_explanation(self, actor: Actor, *, record_id: UUID, text: str, explained_on: date) -> UUID:
        """NT-GOV-2.4a: the body itself (or its organisation department) explains the cause in writing."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, explained_on)
        subject = self._subject(uow, case.subject_id)
        check_unit(actor, self._file_recorders(uow, rules, subject), "NT-GOV-2.4a", "actor", "the body")
        case.explain(actor, profile, self.today(), text=text, explained_on=explained_on)
        uow.commit()
        return case.id

    def order_rectification(self, actor: Actor, *, record_id: UUID, ordered_on: date, deadline: date,
                            requirements: str) -> UUID:
        """NT-GOV-2.4a: the credit office orders rectification within the deadline it states."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, ordered_on)
        check_unit(actor, rules.units("consequence_units"), "NT-GOV-2.4a", "actor", "the credit office")
        case.order_rectification(actor, profile, self.today(), ordered_on=ordered_on, deadline=deadline,
                                 requirements=requirements)
        uow.commit()
        return case.id

    def complete_rectification(self, actor: Actor, *, record_id: UUID, completed_on: date,
                               document: dict[str, Any]) -> UUID:
        """NT-GOV-2.4a: the body reports the rectification done, or the credit office registers it."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, completed_on)
        subject = self._subject(uow, case.subject_id)
        check_unit(actor, self._file_recorders(uow, rules, subject), "NT-GOV-2.4a", "actor", "the body")
        case.complete_rectification(actor, profile, self.today(), completed_on=completed_on, document_given=document)
        uow.commit()
        return case.id

    def publish_criticism(self, actor: Actor, *, record_id: UUID, notice: dict[str, Any], published_on: date) -> UUID:
        """NT-GOV-2.4a: the credit office publishes the criticism notice (通报批评)."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, published_on)
        check_unit(actor, rules.units("consequence_units"), "NT-GOV-2.4a", "actor", "the credit office")
        record = uow.get(case.record_id, DishonestyRecord, "record_id")
        record.check_in_force("NT-GOV-2.4a")
        case.publish_criticism(actor, profile, self.today(), notice=notice, published_on=published_on)
        uow.commit()
        return case.id

    def hold_principal_accountable(
        self, actor: Actor, *, record_id: UUID, person_id: UUID, source_kind: str, document: dict[str, Any],
        tier: str, determination_date: date, summary: str = "",
    ) -> UUID:
        """NT-GOV-2.4a: a record against the body's principal responsible person, who is one of its civil servants."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, determination_date)  # validity: its determination
        check_unit(actor, rules.units("accountability_units"), "NT-GOV-2.4a", "actor",
                   "the discipline and supervision commission")
        case.check_can_hold_accountable()
        body_record = uow.get(case.record_id, DishonestyRecord, "record_id")
        body_record.check_in_force("NT-GOV-2.4a")
        person = self._subject(uow, person_id, "person_id")
        employer = (person.government or {}).get("employer_id")
        if person.kind != CIVIL_SERVANT or employer != str(case.subject_id):
            raise RuleViolation("NT-GOV-2.4a", "person_id", "the principal must be a civil servant of the body")
        record = self._record_government(
            uow, profile, rules, person, source_kind=source_kind, document=document,
            origin_record_id=body_record.id, role="principal", behaviour_code=body_record.behaviour_code, tier=tier,
            act_date=body_record.act_date, determination_date=determination_date, summary=summary)
        case.note_accountability(actor, profile, person_id=person.id, accountability_record_id=record.id)
        uow.commit()
        return record.id

    def record_self_correction(
        self, actor: Actor, *, record_id: UUID, ground: str, outcome: str, reason: str, document: dict[str, Any],
        decided_on: date, lifted: list[str] | None = None,
    ) -> UUID:
        """NT-GOV-2.5b: lighter or no sanctions after the loss was recovered, the effect removed or harm
        prevented; decided by the credit office with the reason and document."""
        uow = self._uow(actor)
        case, profile, rules = self._case(uow, record_id, decided_on)
        check_unit(actor, rules.units("consequence_units"), "NT-GOV-2.5b", "actor", "the credit office")
        case.self_correct(actor, profile, self.today(), grounds=rules.self_correction_grounds, ground=ground,
                          outcome=outcome, lifted=lifted, reason=reason, document_given=document,
                          decided_on=decided_on)
        measures = rules.measures_of(case.self_corrections[-1]["lifted"])
        subject = self._subject(uow, case.subject_id)
        for sanction_id in subject.ids("sanction"):  # the pushed measures of the lifted consequences end
            sanction = uow.get(sanction_id, SanctionCase, "sanction_id")
            if str(sanction.source_id) == str(case.record_id) and sanction.in_force and sanction.measure_id in measures:
                sanction.end(actor, profile, self.today(), reason=f"NT-GOV-2.5b self-correction: {reason}",
                             on=decided_on)
                if not sanction.open:
                    self._close(uow, "sanctions", sanction.id)
        uow.commit()
        return case.id

    def government_case(self, record_id: UUID) -> GovernmentCase:
        """The consequences of a government dishonesty record."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        return uow.get(GovernmentCase.create_id(UUID(str(record_id))), GovernmentCase, "record_id")

    # --- NT-GOV-2.4a/b: the award check (a registered read, HA-5.2) ---------------------------
    def may_receive_award(self, actor: Actor, *, subject_id: UUID, day: date, purpose: str, basis: str,
                          channel: str = "api") -> AwardCheck:
        """Whether the subject may receive an award or honour on `day`; registered as a read (HA-5.2)."""
        uow = self._uow(actor)
        subject = self._government_subject(uow, subject_id, "NT-GOV-2.4b")
        check_date(day, date.max, "NT-GOV-2.4b", "day")
        barring = self._barring(uow, subject, day)
        uow.add(AccessRecord.register(actor, subject_id=subject.id, purpose=purpose, basis=basis, channel=channel,
                                      what="award eligibility (NT-GOV-2.4b)"))
        uow.commit()
        return AwardCheck(subject.id, day, not barring, tuple(barring))

    def _barring(self, uow: UnitOfWork, subject: Subject, day: date) -> list[UUID]:
        """The government dishonesty records in force on `day` whose case still bars awards (NT-GOV-2.4a/b)."""
        barring = []
        for record in self._records(uow, subject):
            if record.government is None:
                continue
            if not effective.in_force_on(day, record.determination_date, record.valid_until, record.closed_on):
                continue
            case = uow.find(GovernmentCase.create_id(record.id), GovernmentCase)
            if case is not None and case.restricts_awards(day):
                barring.append(record.id)
        return barring

    def award_barring_records(self, subject_id: UUID, day: date) -> list[UUID]:
        """The same decision as `may_receive_award`, for a page whose read is already registered (HA-5.2)."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        return self._barring(uow, self._government_subject(uow, subject_id, "NT-GOV-2.4b"), day)

    def overdue_rectifications(self, day: date, record_ids: Iterable[UUID] | None = None) -> list[GovernmentCase]:
        """NT-GOV-2.4a: cases whose rectification deadline passed with nothing completed by `day`; among the
        given open records (a read model's government ones, issue 16) or else every open record."""
        uow = UnitOfWork(self.ledger, None)  # type: ignore[arg-type]  # read-only
        cases = []
        for record_id in (self._open_ids(uow, "records") if record_ids is None else record_ids):
            case = uow.find(GovernmentCase.create_id(record_id), GovernmentCase)
            if case is not None and case.rectification_overdue(day):
                cases.append(case)
        return cases


    # --- NT-GOV-2.3: collected level by level ------------------------------------------------
    def _unreported_government(self, uow: UnitOfWork, profile_id: str, period: str) -> list[DishonestyRecord]:
        records = [uow.get(i, DishonestyRecord, "record_id") for i in self._open_ids(uow, GOV_UNREPORTED)]
        return [r for r in records if r.policy_id == profile_id and period_of(r.determination_date) == period]

    def report_government_records(self, actor: Actor, *, profile_id: str, period: str, reported_on: date) -> UUID:
        """The credit office reports every government dishonesty record determined in `period` to the higher
        platforms the profile names (NT-GOV-2.3); none is left out, none picked by hand. Issue 15.9: under the
        version in force on `reported_on`."""
        profile, rules = self._gov(profile_id, reported_on)
        check_unit(actor, profile.role_units("credit_office"), "NT-GOV-2.3", "actor", "the credit office")
        uow = self._uow(actor)
        period_start(period, "NT-GOV-2.3")
        if uow.find(GovernmentRecordsReport.create_id(profile.id, period), GovernmentRecordsReport) is not None:
            raise RuleViolation("NT-GOV-2.3", "period", f"{period} was already reported")
        records = self._unreported_government(uow, profile.id, period)
        report = GovernmentRecordsReport.submit(actor, profile, self.today(), period=period,
                                                record_ids=[r.id for r in records],
                                                targets=rules.table.get("upward_targets", ()), reported_on=reported_on)
        uow.add(report)
        for record in records:
            self._close(uow, GOV_UNREPORTED, record.id)
        uow.commit()
        return report.id

    def government_records_report(self, profile_id: str, period: str) -> GovernmentRecordsReport:
        """One submitted upward report of government dishonesty records (NT-GOV-2.3)."""
        return UnitOfWork(self.ledger, None).get(  # type: ignore[arg-type]
            GovernmentRecordsReport.create_id(profile_id, period), GovernmentRecordsReport, "period")
