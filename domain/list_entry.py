"""ListEntry: a subject on a black, red, key-attention or big-data-warning list (JY-6, HA-4.1, JY-17)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import allowed_steps, check_date, check_not_before, check_text, compute, is_late, stamp
from domain.documents import document
from domain.effective import check_item_in_force
from domain.errors import RuleViolation
from domain.policy import ListRule, PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.record import DishonestyRecord
from domain.subject import Subject

DRAFTED, NOTICED, PUBLICISED, CONFIRMED = "drafted", "noticed", "publicised", "confirmed"
EXITED, EXPIRED, REVOKED = "exited", "expired", "revoked"
ACTIVE = (DRAFTED, NOTICED, PUBLICISED, CONFIRMED)
NOTICE_FROM = (DRAFTED, PUBLICISED)  # HA-4.1: prior notice before the decision, after a publicity or not
PUBLICISE_FROM = (DRAFTED, NOTICED)  # JY-6.1, JY-6.2
ANNOUNCE_FROM = (EXITED, EXPIRED)  # JY-17: an exit is announced once, through the original channel


def check_basis_records(rule: ListRule, profile: PolicyProfile, subject: Subject,
                        records: Sequence[DishonestyRecord], list_field: str | None, today: date) -> None:
    """A tiered list (black) rests on the subject's in-force records of that tier (HA-2.3, JY-4, LYG-13b)."""
    if rule.tier and not records:
        raise RuleViolation(rule.rule_ids[0], "record_ids", f"a {rule.code} entry rests on {rule.tier} records")
    for record in records:
        if record.subject_id != subject.id or record.policy_id != profile.id:
            raise RuleViolation(rule.rule_ids[0], "record_ids", f"record {record.id} is another subject's or profile's")
        record.check_in_force("NT-PCI-30")
        check_item_in_force(record, today, "NT-PCI-30", "record_ids")
        if rule.tier and record.tier != rule.tier:
            raise RuleViolation(rule.rule_ids[0], "record_ids", f"record {record.id} is {record.tier}, not {rule.tier}")
        act_field = profile.behaviours[record.behaviour_code].list_field
        if rule.allowed_fields and act_field and act_field != list_field:
            raise RuleViolation(rule.rule_ids[0], "list_field", f"record {record.id} is in field {act_field}")


def publicity_period(profile: PolicyProfile, list_code: str, start: date, end: date | None) -> dict[str, Any] | None:
    """The publicity deadline: the profile's period, or the stated last day where the seed sets no length (JY-6.1)."""
    deadline = compute(profile, "list_publicity", start, "start")
    if deadline is not None:
        if end is not None:
            raise RuleViolation("JY-6.1", "end", f"{profile.label} sets the publicity period: due {deadline['due']}")
        return deadline
    if end is None:
        if profile.list_rule(list_code).publicity:
            raise RuleViolation("JY-6.1", "end",
                                f"{profile.label} sets no publicity length: state the notice's last day")
        return None
    if isinstance(end, datetime) or not isinstance(end, date):
        raise RuleViolation("JY-6.1", "end", f"end must be a calendar date, got {end!r}")
    if end <= start:
        raise RuleViolation("JY-6.1", "end", f"the publicity must last at least a day after {start}")
    return {"start": start, "days": (end - start).days, "kind": "stated", "due": end, "calendar_version": None,
            "rule_id": "JY-6.1"}


class ListEntry(Aggregate):
    """One subject on one list; drafted → noticed → publicised → confirmed → exited → exit announced."""

    @classmethod
    def draft(
        cls, actor: Actor, profile: PolicyProfile, subject: Subject, today: date, *, list_code: str,
        list_field: str | None, records: Sequence[DishonestyRecord], drafted_on: date, reason: str,
    ) -> ListEntry:
        """Draft an entry; a black list only in the allowed fields (HA-2.3, JY-4: no widening)."""
        rule = profile.list_rule(list_code)
        if rule.allowed_fields or list_field is not None:
            rule.check_field(list_field or "")
        check_basis_records(rule, profile, subject, records, list_field, today)
        check_date(drafted_on, today, rule.rule_ids[0], "drafted_on")
        check_no_forbidden_data({"reason": reason})
        return cls(
            subject_id=subject.id, list_code=list_code, list_field=list_field,
            record_ids=[str(r.id) for r in records], determining_unit=actor.unit, drafted_on=drafted_on,
            reason=check_text(reason, rule.rule_ids[0], "reason"), **stamp(actor, profile),
        )

    @event("Drafted")
    def __init__(
        self, subject_id: UUID, list_code: str, list_field: str | None, record_ids: list[str],
        determining_unit: str, drafted_on: date, reason: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.subject_id = subject_id
        self.list_code = list_code
        self.list_field = list_field
        self.record_ids = record_ids
        self.determining_unit = determining_unit
        self.drafted_on = drafted_on
        self.reason = reason
        self.policy_id = policy_id
        self.policy_version = policy_version  # issue 15.9: the draft's, then the confirmation's (its validity)
        self.status = DRAFTED
        self.notice: dict[str, Any] | None = None
        self.publicity: dict[str, Any] | None = None
        self.decision: dict[str, Any] | None = None
        self.valid_until: date | None = None
        self.closing: dict[str, Any] = {}
        self.exit_announcement: dict[str, Any] | None = None
        self.flags: list[str] = []
        self.upward_pushes: list[dict[str, Any]] = []

    # --- queries -----------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Drafted, noticed, publicised or confirmed: not exited, expired or revoked."""
        return self.status in ACTIVE

    @property
    def in_force(self) -> bool:
        """Confirmed and not ended: a basis for sanctions, published while valid (JY-20)."""
        return self.status == CONFIRMED

    def is_due_to_expire(self, today: date) -> bool:
        """Whether its validity has ended by `today` (LYG-13b, LYG-18, NT-PCI-30)."""
        return self.in_force and self.valid_until is not None and today > self.valid_until

    def check_status(self, allowed: tuple[str, ...], rule_id: str, field: str = "list_entry_id") -> None:
        """Refuse a step the entry's procedure does not allow now."""
        if self.status not in allowed:
            expected = " or ".join(allowed)
            raise RuleViolation(rule_id, field, f"{self.list_code} entry is {self.status}, expected {expected}")

    # --- procedure ---------------------------------------------------------------------------
    def give_prior_notice(self, actor: Actor, profile: PolicyProfile, today: date, *, notice_on: date,
                          content: str) -> None:
        """Notify the subject in advance of reasons, basis and rights (HA-4.1, JY-6.2)."""
        self.check_status(NOTICE_FROM, "HA-4.1")
        check_date(notice_on, today, "HA-4.1", "notice_on")
        check_not_before(notice_on, self.drafted_on, "HA-4.1", "notice_on", "the draft date")
        check_no_forbidden_data({"content": content})
        self._notice(notice_on=notice_on, content=check_text(content, "HA-4.1", "content"),
                     answer_deadline=compute(profile, "prior_notice_answer", notice_on, "notice_on"),
                     **stamp(actor, profile))

    @event("PriorNoticeGiven")
    def _notice(self, notice_on: date, content: str, answer_deadline: dict[str, Any] | None,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = NOTICED
        self.notice = {"on": notice_on, "content": content, "answer_deadline": answer_deadline}

    def publicise(self, actor: Actor, profile: PolicyProfile, today: date, *, channel: str, start: date,
                  end: date | None = None) -> None:
        """Publicise the draft (JY-6.1, JY-6.2); the channel is reused for the exit announcement (JY-17).

        The publicity runs for the profile's `list_publicity` period; where the regulation sets none (JY-6.1
        says only "经公示无异议"), a list that requires publicity takes the last day stated in the notice (`end`),
        and is refused without one rather than given a guessed length."""
        self.check_status(PUBLICISE_FROM, "JY-6.1")
        check_date(start, today, "JY-6.1", "start")
        check_not_before(start, self.drafted_on, "JY-6.1", "start", "the draft date")
        self._publicise(channel=check_text(channel, "JY-6.1", "channel"), start=start,
                        publicity_deadline=publicity_period(profile, self.list_code, start, end),
                        **stamp(actor, profile))

    @event("Publicised")
    def _publicise(self, channel: str, start: date, publicity_deadline: dict[str, Any] | None,
                   actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = PUBLICISED
        self.publicity = {"channel": channel, "start": start, "deadline": publicity_deadline}

    def check_can_confirm(self, rule: ListRule, confirmed_on: date) -> None:
        """Objections settled (JY-6.2), HA-4.1 prior notice, JY-6.1 publicity (ended) before a confirmation."""
        self.check_status((DRAFTED, NOTICED, PUBLICISED), rule.rule_ids[0])
        if self.flags:  # the objection is verified (and answered) before the decision
            rule_id = "HA-4.1" if rule.prior_notice else "JY-6.1" if rule.publicity else "JY-6.2"
            raise RuleViolation(rule_id, "list_entry_id", f"objection {self.flags[0]} to this entry is not settled")
        if rule.prior_notice and self.notice is None:
            raise RuleViolation("HA-4.1", "prior_notice", f"no prior notice before the {rule.code} decision")
        if rule.publicity and self.publicity is None:
            raise RuleViolation("JY-6.1", "publicity", f"a {rule.code} entry is publicised before confirmation")
        deadline = self.publicity["deadline"] if self.publicity else None
        if deadline is not None and not is_late(deadline, confirmed_on):
            raise RuleViolation("JY-6.1", "confirmed_on", f"publicity runs until {deadline['due']}")

    def check_can_announce(self) -> None:
        """JY-17: an exit (or expiry) is announced, once."""
        self.check_status(ANNOUNCE_FROM, "JY-17")
        if self.exit_announcement is not None:
            raise RuleViolation("JY-17", "list_entry_id", "the exit was already announced")

    def next_steps(self, profile: PolicyProfile, day: date) -> list[str]:
        """The steps the procedure allows on `day`, each decided by the step's own guard (issue 16.2): prior notice
        and publicity where the list calls for them, confirmation only once its conditions hold, exit, announce."""
        rule = profile.list_rule(self.list_code)
        guards: dict[str, Callable[[], None]] = {
            "notice": lambda: self.check_status(NOTICE_FROM if rule.prior_notice else (), "HA-4.1"),
            "publicise": lambda: self.check_status(PUBLICISE_FROM if rule.publicity else (), "JY-6.1"),
            "confirm": lambda: self.check_can_confirm(rule, day),
            "exit": lambda: self.check_status(ACTIVE, "JY-17"),
            "announce": self.check_can_announce,
        }
        return allowed_steps(guards)

    def confirm(self, actor: Actor, profile: PolicyProfile, today: date, *, decision: object | None,
                confirmed_on: date) -> None:
        """Confirm by a determination decision document (HA-4.1); validity from the list's tier."""
        rule = profile.list_rule(self.list_code)
        check_date(confirmed_on, today, rule.procedure_rule_id, "confirmed_on")
        check_not_before(confirmed_on, self.drafted_on, rule.procedure_rule_id, "confirmed_on", "the draft date")
        self.check_can_confirm(rule, confirmed_on)
        doc = None
        if decision is not None or rule.decision_document:
            doc = document(decision, today, "HA-4.1", "decision")
        tier = profile.tiers.get(rule.tier or "")
        valid_until = profile.validity_end(confirmed_on, tier.code) if tier and tier.has_validity else None
        self._confirm(decision=doc, confirmed_on=confirmed_on, valid_until=valid_until, **stamp(actor, profile))

    @event("Confirmed")
    def _confirm(self, decision: dict[str, Any] | None, confirmed_on: date, valid_until: date | None,
                 actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = CONFIRMED
        self.decision = {"document": decision, "confirmed_on": confirmed_on}
        self.valid_until = valid_until
        self.policy_version = policy_version  # issue 15.9: validity follows the version of the confirmation

    def exit(self, actor: Actor, profile: PolicyProfile, today: date, *, reason: str, exited_on: date,
             repairs: Sequence[dict[str, Any]] = ()) -> None:
        """Remove from the list with a reason (JY-17); an ex-black-listed subject stays monitored; the approved
        repairs of its records, public service included, are kept as the exit's reference (JY-23)."""
        rule = profile.list_rule(self.list_code)
        self.check_status(ACTIVE, "JY-17")
        check_date(exited_on, today, "JY-17", "exited_on")
        check_no_forbidden_data({"reason": reason})
        self._exit(reason=check_text(reason, "JY-17", "reason"), exited_on=exited_on,
                   monitoring_after_exit=rule.monitoring_after_exit and self.status == CONFIRMED,
                   **stamp(actor, profile), **({"repairs": list(repairs)} if repairs else {}))

    @event("Exited")
    def _exit(self, reason: str, exited_on: date, monitoring_after_exit: bool,
              actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
              repairs: list[dict[str, Any]] | None = None) -> None:
        self.status = EXITED
        self.closing = {"reason": reason, "on": exited_on, "monitoring_after_exit": monitoring_after_exit}
        if repairs:
            self.closing["repairs"] = repairs  # JY-23: the repair taken into account

    def announce_exit(self, actor: Actor, profile: PolicyProfile, today: date, *, channel: str,
                      announced_on: date) -> None:
        """Announce the exit through the original publicity channel (JY-17)."""
        self.check_can_announce()
        check_date(announced_on, today, "JY-17", "announced_on")
        check_not_before(announced_on, self.closing["on"], "JY-17", "announced_on", "the exit date")
        original = self.publicity["channel"] if self.publicity else None
        if original is not None and channel != original:
            raise RuleViolation("JY-17", "channel", f"announce through the original publicity channel {original!r}")
        self._announce(channel=check_text(channel, "JY-17", "channel"), announced_on=announced_on,
                       **stamp(actor, profile))

    @event("ExitAnnounced")
    def _announce(self, channel: str, announced_on: date,
                  actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.exit_announcement = {"channel": channel, "on": announced_on}

    # --- JY-22: pushed up to the provincial and prefecture systems -----------------------------
    def pushed_to(self) -> set[str]:
        """The upper-level systems this entry was pushed to (JY-22)."""
        return {system for push in self.upward_pushes for system in push["systems"]}

    def push_upward(self, actor: Actor, profile: PolicyProfile, today: date, *, systems: Sequence[str],
                    pushed_on: date) -> None:
        """Record the push of a confirmed serious entry to the upper-level systems (JY-22)."""
        self.check_status((CONFIRMED,), "JY-22")
        check_date(pushed_on, today, "JY-22", "pushed_on")
        assert self.decision is not None
        check_not_before(pushed_on, self.decision["confirmed_on"], "JY-22", "pushed_on", "the confirmation")
        self._push_upward(systems=list(systems), pushed_on=pushed_on, **stamp(actor, profile))

    @event("PushedUpward")
    def _push_upward(self, systems: list[str], pushed_on: date,
                     actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.upward_pushes.append({"systems": systems, "on": pushed_on})

    # --- objections (NT-PCI-32, JY-24): flagged, still published and used ---------------------
    def flag(self, actor: Actor, profile: PolicyProfile, objection_id: UUID) -> None:
        """Mark the entry as objected to; publication and sanctions continue (NT-PCI-32, JY-24)."""
        self._flag(objection_id=objection_id, **stamp(actor, profile))

    @event("Flagged")
    def _flag(self, objection_id: UUID,
              actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.flags.append(str(objection_id))

    def unflag(self, actor: Actor, profile: PolicyProfile, objection_id: UUID, outcome: str) -> None:
        """Remove the objection flag, the entry kept as it was (NT-PCI-32)."""
        if str(objection_id) in self.flags:
            self._unflag(objection_id=objection_id, outcome=outcome, **stamp(actor, profile))

    @event("Unflagged")
    def _unflag(self, objection_id: UUID, outcome: str,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.flags.remove(str(objection_id))

    def expire(self, actor: Actor, profile: PolicyProfile, today: date) -> None:
        """Validity ended: off the list, publication stops (JY-20); LYG-18 automatic repair."""
        if not self.is_due_to_expire(today):
            raise RuleViolation("NT-PCI-30", "valid_until", f"entry is in force until {self.valid_until}")
        self._expire(expired_on=today, automatic_repair=profile.repair.automatic_on_expiry, **stamp(actor, profile))

    @event("Expired")
    def _expire(self, expired_on: date, automatic_repair: bool,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = EXPIRED
        self.closing = {"reason": "expired", "on": expired_on, "automatic_repair": automatic_repair}

    def revoke(self, actor: Actor, profile: PolicyProfile, *, reason: str, apology: dict[str, Any] | None,
               revoked_on: date) -> None:
        """Revoke an erroneous listing (JY-24): black needs a written apology, red a benefit recovery."""
        if self.status in (REVOKED,):
            raise RuleViolation("JY-24", "list_entry_id", "entry is already revoked")
        self._revoke(reason=reason, apology=apology, revoked_on=revoked_on, **stamp(actor, profile))

    @event("Revoked")
    def _revoke(self, reason: str, apology: dict[str, Any] | None, revoked_on: date,
                actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str) -> None:
        self.status = REVOKED
        self.closing = {"reason": reason, "on": revoked_on, "apology": apology}
