"""Commands on list entries: draft, prior notice, publicity, confirmation, exit (JY-6, HA-4.1, NT-JRP-3, JY-17)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_date, check_unit, credit_office
from domain.effective import item_in_force
from domain.errors import RuleViolation
from domain.list_entry import ACTIVE, ListEntry
from domain.policy import ListRule, PolicyProfile
from domain.record import DishonestyRecord
from domain.repair import APPROVED, RepairApplication
from domain.service_base import ServiceBase
from domain.subject import Subject
from domain.unit_of_work import UnitOfWork


class ListCommands(ServiceBase):
    """draft_list_entry, give_prior_notice, publicise_list_entry, confirm_list_entry, exit_list_entry, announce_exit."""

    def draft_list_entry(
        self, actor: Actor, *, profile_id: str, subject_id: UUID, list_code: str, drafted_on: date, reason: str,
        list_field: str | None = None, record_ids: Sequence[UUID] = (),
    ) -> UUID:
        """Draft an entry (JY-6); a red draft is cross-checked against every black list (JY-6.1). The version in
        force on the draft day decides (issue 15.9: procedure on the act's day)."""
        profile = self._profile(profile_id, on=drafted_on)
        uow = self._uow(actor)
        subject = self._subject(uow, subject_id)
        rule = profile.list_rule(list_code)
        profile.check_determining_unit(actor.unit)  # JY-5
        if rule.determining_level:
            profile.check_level(actor.unit, rule.determining_level)  # HA-4.1
        self._check_excluded(uow, rule, subject)
        for entry in self._entries(uow, subject):
            if entry.active and entry.list_code == list_code and entry.list_field == list_field:
                raise RuleViolation(rule.rule_ids[0], "list_code", f"subject already has an active {list_code} entry")
        records = [uow.get(i, DishonestyRecord, "record_ids") for i in record_ids]
        entry = ListEntry.draft(actor, profile, subject, self.today(), list_code=list_code, list_field=list_field,
                                records=records, drafted_on=drafted_on, reason=reason)
        self._file(uow, subject, "list_entry", "list_entries", entry)
        uow.commit()
        return entry.id

    def _check_excluded(self, uow: UnitOfWork, rule: ListRule, subject: Subject) -> None:
        """JY-6.1: a subject on a list this one excludes (red excludes black) is never entered; a black entry
        being determined (drafted, noticed, publicised) blocks it too, one past its last day does not."""
        today = self.today()
        for entry in self._entries(uow, subject):
            if entry.list_code in rule.excludes and entry.active and (not entry.in_force or item_in_force(entry, today)):
                raise RuleViolation("JY-6.1", "subject_id",
                                    f"subject is {entry.status} on the {entry.list_code} list ({entry.id})")

    def _entry_step(self, actor: Actor, list_entry_id: UUID, step: str, rule_id: str, on: date,
                    **fields: Any) -> UUID:
        """A procedure step on an entry, only by its determining unit or the credit office (HA-4.1, JY-6, JY-17),
        under the version in force on the step's day `on` (issue 15.9)."""
        uow = self._uow(actor)
        entry = uow.get(list_entry_id, ListEntry, "list_entry_id")
        profile = self._profile(entry.policy_id, on=on)
        check_unit(actor, (entry.determining_unit, credit_office(profile)), rule_id, "actor",
                   "the determining unit or the credit office")
        getattr(entry, step)(actor, profile, self.today(), **fields)
        uow.commit()
        return entry.id

    def give_prior_notice(self, actor: Actor, *, list_entry_id: UUID, notice_on: date, content: str) -> UUID:
        """Prior notice of reasons, basis and rights, with the answer deadline (HA-4.1)."""
        return self._entry_step(actor, list_entry_id, "give_prior_notice", "HA-4.1", notice_on, notice_on=notice_on,
                                content=content)

    def publicise_list_entry(self, actor: Actor, *, list_entry_id: UUID, channel: str, start: date,
                             end: date | None = None) -> UUID:
        """Publicise the draft on a channel (JY-6.1/6.2), until `end` where the profile sets no period."""
        return self._entry_step(actor, list_entry_id, "publicise", "JY-6.1", start, channel=channel, start=start,
                                end=end)

    def confirm_list_entry(self, actor: Actor, *, list_entry_id: UUID, confirmed_on: date,
                           decision: dict[str, Any] | None = None) -> UUID:
        """The credit office confirms (JY-5); black removes from red (JY-6.2); NT-JRP-3 big-data warning. The
        confirmation is the entry's determination: the version in force on `confirmed_on` sets its validity."""
        uow = self._uow(actor)
        entry = uow.get(list_entry_id, ListEntry, "list_entry_id")
        profile = self._profile(entry.policy_id, on=confirmed_on)
        check_unit(actor, credit_office(profile), "JY-5", "actor", "the credit office")
        rule = profile.list_rule(entry.list_code)
        subject = self._subject(uow, entry.subject_id)
        self._check_excluded(uow, rule, subject)
        entry.confirm(actor, profile, self.today(), decision=decision, confirmed_on=confirmed_on)
        removes = set(rule.removes_from) | {r.code for r in profile.lists.values() if r.escalates_to == rule.code}
        self._exit_entries(uow, subject, lambda e: e.list_code in removes,
                           f"{entry.list_code} list confirmed (JY-6.2, NT-JRP-3)", confirmed_on)
        self._warn_big_data(uow, profile, subject, entry, confirmed_on)
        self._queue_reports(uow, profile, entry)  # NT-PCI-17, JY-22
        uow.commit()
        return entry.id

    def _warn_big_data(self, uow: UnitOfWork, profile: PolicyProfile, subject: Subject, entry: ListEntry,
                       on: date) -> None:
        """NT-JRP-3: key attention in 3+ different key fields puts the subject on the big-data warning list."""
        for rule in profile.lists.values():
            if rule.counts_list != entry.list_code or not rule.threshold_fields:
                continue
            entries = self._entries(uow, subject)
            fields = {e.list_field for e in entries if e.in_force and e.list_code == entry.list_code}
            if len(fields) < rule.threshold_fields or any(e.active and e.list_code == rule.code for e in entries):
                continue
            reason = f"NT-JRP-3: {entry.list_code} in {len(fields)} key fields ({', '.join(sorted(map(str, fields)))})"
            warning = ListEntry.draft(uow.actor, profile, subject, on, list_code=rule.code, list_field=None,
                                      records=[], drafted_on=on, reason=reason)
            warning.confirm(uow.actor, profile, on, decision=None, confirmed_on=on)
            self._file(uow, subject, "list_entry", "list_entries", warning)

    def _escalate_key_attention(self, uow: UnitOfWork, profile: PolicyProfile, subject: Subject,
                                record: DishonestyRecord) -> ListEntry | None:
        """NT-JRP-3: serious dishonesty by a subject while on a key-attention list drafts its black entry (by the
        recording unit, resting on the record); the credit office confirms it, which ends the key attention."""
        today = self.today()
        for entry in self._entries(uow, subject):
            rule = profile.lists.get(entry.list_code)
            target = profile.lists.get(rule.escalates_to or "") if rule and entry.policy_id == profile.id else None
            if target is None or record.tier != target.tier or not item_in_force(entry, today):
                continue
            assert entry.decision is not None
            listed_from, listed_until = entry.decision["confirmed_on"], entry.valid_until
            if record.act_date < listed_from or (listed_until is not None and record.act_date > listed_until):
                continue  # not committed while listed
            if any(e.active and e.list_code == target.code for e in self._entries(uow, subject)):
                return None
            black = ListEntry.draft(uow.actor, profile, subject, today, list_code=target.code, list_field=None,
                                    records=[record], drafted_on=record.determination_date,
                                    reason=f"NT-JRP-3: serious dishonesty while on the {entry.list_code} list "
                                           f"({entry.list_field or '-'}), moved to the {target.code} list")
            self._file(uow, subject, "list_entry", "list_entries", black)
            return black
        return None

    def exit_list_entry(self, actor: Actor, *, list_entry_id: UUID, reason: str, exited_on: date) -> UUID:
        """Exit with a reason, by the determining unit or the credit office (JY-5, JY-17); sanctions lifted."""
        uow = self._uow(actor)
        entry = uow.get(list_entry_id, ListEntry, "list_entry_id")
        profile = self._profile(entry.policy_id, on=exited_on)
        check_unit(actor, (entry.determining_unit, credit_office(profile)), "JY-5", "actor", "the determining unit")
        entry.check_status(ACTIVE, "JY-17")
        check_date(exited_on, self.today(), "JY-17", "exited_on")
        subject = self._subject(uow, entry.subject_id)
        repairs = self._repair_reference(uow, subject, entry) if profile.repair.public_service_counts else []
        self._exit_entries(uow, subject, lambda e: e.id == entry.id, reason, exited_on, repairs)
        uow.commit()
        return entry.id

    def _repair_reference(self, uow: UnitOfWork, subject: Subject, entry: ListEntry) -> list[dict[str, Any]]:
        """The approved repairs of the entry's records, with the public service done (JY-23: an important
        reference for the exit)."""
        repairs = [uow.get(i, RepairApplication, "repair_id") for i in subject.ids("repair")]
        return [{"repair_id": str(r.id), "record_id": str(r.record_id), "public_service": list(r.public_service),
                 "approved_on": r.decision["on"]} for r in repairs
                if r.status == APPROVED and str(r.record_id) in entry.record_ids]

    def announce_exit(self, actor: Actor, *, list_entry_id: UUID, channel: str, announced_on: date) -> UUID:
        """Announce the exit through the original publicity channel (JY-17)."""
        return self._entry_step(actor, list_entry_id, "announce_exit", "JY-17", announced_on, channel=channel,
                                announced_on=announced_on)
