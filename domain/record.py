"""DishonestyRecord: one determined dishonest act, from recording to repair, expiry or revocation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import Actor
from domain.common import allowed_steps, check_date, check_not_before, check_text, check_unit, stamp
from domain.common import credit_office as credit_office_of
from domain.documents import legal_basis
from domain.effective import item_in_force
from domain.leniency import check_leniency
from domain.errors import RuleViolation
from domain.policy import PolicyProfile
from domain.privacy import check_no_forbidden_data
from domain.subject import Subject

IN_FORCE, REPAIRED, EXPIRED, REVOKED = "in_force", "repaired", "expired", "revoked"
CORRECTABLE = ("behaviour_code", "tier", "basis", "act_date", "determination_date", "disclosure", "summary")
TERMS_NOT_CARRIED_OUT = "interview_terms_not_carried_out"  # LYG-9 (1) 约谈事项不落实
PENALTY_CHANGE_RULE = "NAT-APL-48"  # a changed or revoked penalty is withdrawn within 3 days


def validity_end(profile: PolicyProfile, determination_date: date, tier: str) -> date | None:
    """Last day in force (NT-PCI-30, LYG-13b); None when the regulation sets no period for the tier."""
    return profile.validity_end(determination_date, tier) if profile.tier(tier).has_validity else None


def check_level(profile: PolicyProfile, unit: str, tier: str) -> None:
    """HA-4.1: a tier feeding a list with a determining level (serious: county and above) is determined there."""
    level = profile.level_for_tier(tier)
    if level is not None:
        profile.check_level(unit, level)


def check_determination(
    profile: PolicyProfile, subject: Subject, today: date, *, behaviour_code: str, tier: str,
    act_date: date, determination_date: date, basis: object, summary: str,
) -> dict[str, Any]:
    """Every check of a determination (NT-PCI-8/14/15, HA-2.2, LYG-6, LYG-21); returns the clean basis."""
    profile.behaviour(behaviour_code).check_tier(profile.tier(tier).code)
    check_date(act_date, today, "HA-2.2", "act_date")
    check_date(determination_date, today, "HA-2.2", "determination_date")
    check_not_before(determination_date, act_date, "HA-2.2", "determination_date", "the act date")
    profile.check_act_date(act_date)  # LYG-21
    if subject.is_person:
        profile.check_age(subject.age_on(act_date))  # LYG-6
    check_no_forbidden_data({"summary": summary})  # NT-PCI-14
    clean = legal_basis(basis, today, profile.basis_types)  # HA-2.2
    check_not_before(determination_date, clean["date"], "HA-2.2", "basis.date", "the basis document date")
    return clean


class DishonestyRecord(Aggregate):
    """A dishonesty record (NT-PCI-15): nothing is deleted; repaired or expired records are archived."""

    @classmethod
    def record(
        cls, actor: Actor, profile: PolicyProfile, subject: Subject, today: date, *, behaviour_code: str,
        tier: str, basis: object, act_date: date, determination_date: date, disclosure: str | None = None,
        determining_unit: str | None = None, summary: str = "", origin_record_id: UUID | None = None,
        role: str | None = None, leniency: object = None, government: dict[str, Any] | None = None,
    ) -> DishonestyRecord:
        """Record a determination after checking it; `origin_record_id` for NT-PCI-29 derived records."""
        if profile.behaviour(behaviour_code).after_contact:  # LYG-9 (1) only by escalating the general record
            raise RuleViolation("LYG-9", "behaviour_code",
                                f"{behaviour_code} follows a credit reminder or interview (LYG-8): escalate the record")
        clean = check_determination(
            profile, subject, today, behaviour_code=behaviour_code, tier=tier, act_date=act_date,
            determination_date=determination_date, basis=basis, summary=summary,
        )
        check_level(profile, determining_unit or actor.unit, tier)  # HA-4.1
        lenient = check_leniency(profile, subject, act_date, leniency)  # HA-4.2
        disclosure = disclosure or profile.tier(tier).disclosure
        if disclosure not in profile.disclosure_classes:
            raise RuleViolation("NT-PCI-19", "disclosure", f"{disclosure} is not a disclosure class")
        return cls(
            subject_id=subject.id, behaviour_code=behaviour_code, tier=tier, basis=clean,
            determining_unit=determining_unit or actor.unit, act_date=act_date,
            determination_date=determination_date, disclosure=disclosure,
            valid_until=validity_end(profile, determination_date, tier), summary=summary,
            origin_record_id=origin_record_id, role=role, **stamp(actor, profile), leniency=lenient,
            **({"government": government} if government is not None else {}),
        )

    @event("Recorded")
    def __init__(
        self, subject_id: UUID, behaviour_code: str, tier: str, basis: dict[str, Any], determining_unit: str,
        act_date: date, determination_date: date, disclosure: str, valid_until: date | None, summary: str,
        origin_record_id: UUID | None, role: str | None,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
        leniency: dict[str, Any] | None = None, government: dict[str, Any] | None = None,
    ) -> None:
        self.subject_id = subject_id
        self.government = government  # NT-GOV-2.2b: the source kind (judgment, penalty, sanction, accountability)
        self.leniency = leniency  # HA-4.2: the grounds and how they were weighed
        self.behaviour_code = behaviour_code
        self.tier = tier
        self.basis = basis
        self.determining_unit = determining_unit
        self.act_date = act_date
        self.determination_date = determination_date
        self.disclosure = disclosure
        self.valid_until = valid_until
        self.summary = summary
        self.origin_record_id = origin_record_id
        self.role = role
        self.policy_id = policy_id
        self.policy_version = policy_version  # issue 15.9: validity follows the version of the determination
        self.status = IN_FORCE
        self.flags: list[str] = []
        self.contacts: list[dict[str, Any]] = []
        self.corrections: list[dict[str, Any]] = []
        self.closed_on: date | None = None
        self.closing: dict[str, Any] = {}
        self.submitted: dict[str, Any] | None = None  # LYG-4: collected and submitted to the credit office

    # --- queries -----------------------------------------------------------------------------
    @property
    def in_force(self) -> bool:
        """Still a basis for sanctions and publication (NT-PCI-30); an objection flag changes nothing."""
        return self.status == IN_FORCE

    @property
    def published(self) -> bool:
        """Shown in the public view: in force and of the public class (NT-PCI-19, NT-PCI-32, LYG-17)."""
        return self.in_force and self.disclosure == "public"

    @property
    def archived(self) -> bool:
        """Repaired, expired or revoked: kept in the archive, never deleted (NT-PCI-35)."""
        return not self.in_force

    def is_due_to_expire(self, today: date) -> bool:
        """Whether its validity has ended by `today` (NT-PCI-30, LYG-18)."""
        return self.in_force and self.valid_until is not None and today > self.valid_until

    # --- guards ------------------------------------------------------------------------------
    def check_in_force(self, rule_id: str, field: str = "record_id") -> None:
        """Refuse steps on an archived record."""
        if not self.in_force:
            raise RuleViolation(rule_id, field, f"record is {self.status}, no longer in force")

    def check_in_force_on(self, day: date, rule_id: str, field: str = "record_id") -> None:
        """Refuse a step dated `day` on a record not in force that day: archived, or past its last day even while
        the sweep has not yet stored its expiry (NT-PCI-30: status is one function of the events and the day)."""
        self.check_in_force(rule_id, field)
        if not item_in_force(self, day) and day >= self.determination_date:
            raise RuleViolation(rule_id, field, f"record is not in force on {day}: its last day was {self.valid_until}")

    def check_general(self) -> None:
        """LYG-8: reminders and interviews are for general dishonesty."""
        self.check_in_force("LYG-8")
        if self.tier != "general":
            raise RuleViolation("LYG-8", "record_id", f"reminders and interviews are for general, not {self.tier}")

    def check_unanswered_contact(self, on: date) -> None:
        """LYG-9 (1): a credit reminder, or an integrity interview the subject missed, registered by `on`."""
        unanswered = [c for c in self.contacts if c["on"] <= on and
                      (c["kind"] in ("reminder", TERMS_NOT_CARRIED_OUT) or not c.get("attended", True))]
        if not unanswered:
            raise RuleViolation("LYG-9", "behaviour_code", "no credit reminder, missed integrity interview or "
                                "interview terms not carried out is registered before it (LYG-8)")

    def register_terms_not_carried_out(self, actor: Actor, profile: PolicyProfile, today: date, *,
                                       interview_on: date, noted_on: date, content: str) -> None:
        """LYG-9 (1): what was agreed at an attended integrity interview was not carried out (约谈事项不落实)."""
        self.check_general()
        if not any(c["kind"] == "interview" and c["on"] == interview_on and c.get("attended") for c in self.contacts):
            raise RuleViolation("LYG-9", "interview_on", "no attended integrity interview is registered on that day")
        check_date(noted_on, today, "LYG-9", "noted_on")
        check_not_before(noted_on, interview_on, "LYG-9", "noted_on", "the interview")
        check_no_forbidden_data({"content": content})
        self._terms_not_carried_out(interview_on=interview_on, noted_on=noted_on,
                                    content=check_text(content, "LYG-9", "content"), **stamp(actor, profile))

    @event("InterviewTermsNotCarriedOut")
    def _terms_not_carried_out(
        self, interview_on: date, noted_on: date, content: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.contacts.append({"kind": TERMS_NOT_CARRIED_OUT, "on": noted_on, "interview_on": interview_on,
                              "content": content})

    # --- LYG-8 reminders and interviews, LYG-9 escalation -------------------------------------
    def register_contact(
        self, actor: Actor, profile: PolicyProfile, today: date, *, kind: str, on: date, method: str,
        content: str, attended: bool | None = None,
    ) -> None:
        """Register a credit reminder or integrity interview with time, method and content (LYG-8)."""
        self.check_general()
        check_date(on, today, "LYG-8", "on")
        check_not_before(on, self.determination_date, "LYG-8", "on", "the determination date")
        self.check_in_force_on(on, "LYG-8")
        check_no_forbidden_data({"content": content, "method": method})
        fields = {"on": on, "method": check_text(method, "LYG-8", "method"),
                  "content": check_text(content, "LYG-8", "content"), **stamp(actor, profile)}
        if kind == "reminder":
            self._remind(**fields)
        else:
            self._interview(attended=bool(attended), **fields)

    @event("ReminderRegistered")
    def _remind(
        self, on: date, method: str, content: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.contacts.append({"kind": "reminder", "on": on, "method": method, "content": content})

    @event("InterviewRegistered")
    def _interview(
        self, on: date, method: str, content: str, attended: bool,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.contacts.append(
            {"kind": "interview", "on": on, "method": method, "content": content, "attended": attended})

    def escalate(
        self, actor: Actor, profile: PolicyProfile, today: date, *, behaviour_code: str,
        determination_date: date, basis: object, reason: str,
    ) -> None:
        """Escalate to a more serious tier (LYG-9, LYG-12): a new determination, new validity."""
        self.check_in_force("LYG-9")
        behaviour = profile.behaviour(behaviour_code)
        tiers = list(profile.tiers)
        if behaviour.tier is None or tiers.index(behaviour.tier) <= tiers.index(self.tier):
            raise RuleViolation("LYG-9", "behaviour_code", f"{behaviour_code} is not more serious than {self.tier}")
        check_date(determination_date, today, "LYG-9", "determination_date")
        if behaviour.after_contact:
            self.check_unanswered_contact(determination_date)
        check_level(profile, self.determining_unit, behaviour.tier)  # HA-4.1
        check_not_before(determination_date, self.determination_date, "LYG-9", "determination_date",
                         "the earlier determination")
        clean = legal_basis(basis, today, profile.basis_types)
        self._escalate(
            behaviour_code=behaviour_code, tier=behaviour.tier, basis=clean, determination_date=determination_date,
            valid_until=validity_end(profile, determination_date, behaviour.tier),
            disclosure=profile.tier(behaviour.tier).disclosure,
            reason=check_text(reason, "LYG-9", "reason"), **stamp(actor, profile),
        )

    @event("Escalated")
    def _escalate(
        self, behaviour_code: str, tier: str, basis: dict[str, Any], determination_date: date,
        valid_until: date | None, disclosure: str, reason: str,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.behaviour_code, self.tier, self.basis, self.disclosure = behaviour_code, tier, basis, disclosure
        self.determination_date, self.valid_until = determination_date, valid_until
        self.policy_version = policy_version  # issue 15.9: a new determination, its version's validity

    # --- guards of the steps a record allows, and the steps (issue 16.2) -------------------------
    def check_can_submit(self, profile: PolicyProfile, actor: Actor | None = None) -> None:
        """LYG-4: a profile with a collect-and-submit step, a record in force not yet submitted, by the collector."""
        self.check_in_force("LYG-4")
        if "aggregator" not in getattr(profile, "roles", {}):
            raise RuleViolation("LYG-4", "record_ids", f"{profile.label} has no collect-and-submit step")
        if actor is not None:
            check_unit(actor, profile.role_units("aggregator"), "LYG-4", "actor", "the collecting department")
        if self.submitted is not None:
            raise RuleViolation("LYG-4", "record_ids", f"record {self.id} was submitted on {self.submitted['on']}")

    def check_penalty_changeable(self, profile: PolicyProfile) -> None:
        """NAT-APL-48: a record in force resting on an administrative penalty, under a profile with the time limit."""
        self.check_in_force(PENALTY_CHANGE_RULE)
        if self.basis.get("type") != "administrative_penalty":
            raise RuleViolation(PENALTY_CHANGE_RULE, "record_id",
                                "the record does not rest on an administrative penalty")
        if PENALTY_CHANGE_RULE not in {r.rule_id for r in profile.deadlines.values()}:
            raise RuleViolation(PENALTY_CHANGE_RULE, "record_id", f"{profile.label} sets no withdrawal time limit")

    def check_repairable_on(self, profile: PolicyProfile, day: date) -> None:
        """NT-PCI-35, NAT-2025-22: in force, and past the minimum publicity period of its class on `day`."""
        self.check_in_force_on(day, "NT-PCI-35")
        profile.check_minimum_publicity(self.determination_date, self.tier, day)

    def check_determiner(self, profile: PolicyProfile, actor: Actor | None, rule_id: str) -> None:
        """JY-5, JY-24: the determining unit or the credit office."""
        if actor is not None:
            check_unit(actor, (self.determining_unit, credit_office_of(profile)), rule_id, "actor", "the determiner")

    def next_steps(self, profile: PolicyProfile, day: date, actor: Actor | None = None) -> list[str]:
        """The steps the record allows on `day` (for `actor`'s unit when given), each decided by its own guard:
        objection (NT-PCI-31), repair (NT-PCI-34/35), sanction push (JY-21), submission (LYG-4), erroneous
        revocation (JY-24), penalty change (NAT-APL-48)."""
        office = credit_office_of(profile)

        def push() -> None:
            self.check_in_force_on(day, "NT-PCI-30")
            if actor is not None:
                check_unit(actor, office, "JY-21", "actor", "the credit office")

        guards: dict[str, Callable[[], object]] = {
            "object": lambda: self.check_in_force_on(day, "NT-PCI-31"),
            "repair": lambda: self.check_repairable_on(profile, day),
            "push": push,
            "submit": lambda: self.check_can_submit(profile, actor),
            "revoke": lambda: (self.check_in_force("JY-24"), self.check_determiner(profile, actor, "JY-5")),
            "penalty_change": lambda: (self.check_penalty_changeable(profile),
                                       self.check_determiner(profile, actor, PENALTY_CHANGE_RULE)),
        }
        return allowed_steps(guards)

    # --- LYG-4: the petition department collects and submits the record to the credit office ----
    def submit(self, actor: Actor, profile: PolicyProfile, today: date, *, to_unit: str, submitted_on: date) -> None:
        """Submit the record to the credit management department, once (LYG-4)."""
        self.check_can_submit(profile)
        check_date(submitted_on, today, "LYG-4", "submitted_on")
        check_not_before(submitted_on, self.determination_date, "LYG-4", "submitted_on", "the determination date")
        self._submit(to_unit=to_unit, submitted_on=submitted_on, **stamp(actor, profile))

    @event("Submitted")
    def _submit(self, to_unit: str, submitted_on: date, actor_unit: str, actor_user: str, policy_id: str,
                policy_version: int, policy_hash: str) -> None:
        self.submitted = {"to_unit": to_unit, "on": submitted_on, "by": actor_unit}

    # --- objections (NT-PCI-32, LYG-17): flagged but still published and used ----------------
    def flag(self, actor: Actor, profile: PolicyProfile, objection_id: UUID) -> None:
        """Mark the record as objected to; publication and sanctions continue (NT-PCI-32, LYG-17)."""
        self.check_in_force("NT-PCI-31")
        self._flag(objection_id=objection_id, **stamp(actor, profile))

    @event("Flagged")
    def _flag(
        self, objection_id: UUID, actor_unit: str, actor_user: str, policy_id: str, policy_version: int,
        policy_hash: str,
    ) -> None:
        self.flags.append(str(objection_id))

    def unflag(self, actor: Actor, profile: PolicyProfile, objection_id: UUID, outcome: str) -> None:
        """Remove the objection flag, the original kept (NT-PCI-32)."""
        if str(objection_id) in self.flags:
            self._unflag(objection_id=objection_id, outcome=outcome, **stamp(actor, profile))

    @event("Unflagged")
    def _unflag(
        self, objection_id: UUID, outcome: str, actor_unit: str, actor_user: str, policy_id: str,
        policy_version: int, policy_hash: str,
    ) -> None:
        self.flags.remove(str(objection_id))

    def correct(
        self, actor: Actor, profile: PolicyProfile, subject: Subject, today: date, *, objection_id: UUID,
        changes: dict[str, Any],
    ) -> None:
        """Correct fields after an upheld objection; the old values stay in the event (NT-PCI-32)."""
        unknown = set(changes) - set(CORRECTABLE)
        if not changes or unknown:
            raise RuleViolation("NT-PCI-32", "changes", f"correctable fields are {', '.join(CORRECTABLE)}")
        new = {f: getattr(self, f) for f in CORRECTABLE} | changes
        new["basis"] = check_determination(
            profile, subject, today, behaviour_code=new["behaviour_code"], tier=new["tier"],
            act_date=new["act_date"], determination_date=new["determination_date"], basis=new["basis"],
            summary=new["summary"],
        )
        diff = {f: {"old": getattr(self, f), "new": new[f]} for f in changes if getattr(self, f) != new[f]}
        self._correct(
            objection_id=objection_id, changes=diff,
            valid_until=validity_end(profile, new["determination_date"], new["tier"]), **stamp(actor, profile),
        )

    @event("Corrected")
    def _correct(
        self, objection_id: UUID, changes: dict[str, Any], valid_until: date | None,
        actor_unit: str, actor_user: str, policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        for field, change in changes.items():
            setattr(self, field, change["new"])
        self.valid_until = valid_until
        self.corrections.append({"objection_id": str(objection_id), "changes": changes})

    # --- closing: repair, expiry, revocation (archived, never deleted: NT-PCI-35) --------------
    def repair(self, actor: Actor, profile: PolicyProfile, *, repair_id: UUID, repaired_on: date,
               decision: dict[str, Any] | None = None) -> None:
        """Mark repaired after an approved application (NT-PCI-35, HA-5.1); LYG-16 decision sent to the office."""
        self.check_in_force("NT-PCI-35")
        sent_to = credit_office_of(profile) if decision is not None else None
        self._repair(repair_id=repair_id, repaired_on=repaired_on, **stamp(actor, profile),
                     decision=decision, decision_sent_to=sent_to)

    @event("Repaired")
    def _repair(
        self, repair_id: UUID, repaired_on: date, actor_unit: str, actor_user: str, policy_id: str,
        policy_version: int, policy_hash: str, decision: dict[str, Any] | None = None,
        decision_sent_to: str | None = None,
    ) -> None:
        self.status, self.closed_on, self.closing = REPAIRED, repaired_on, {"repair_id": str(repair_id)}
        if decision is not None:  # LYG-16
            self.closing |= {"decision": decision, "decision_sent_to": decision_sent_to}

    def expire(self, actor: Actor, profile: PolicyProfile, today: date) -> None:
        """Validity ended: no longer published nor used (NT-PCI-30); LYG-18 automatic repair."""
        if not self.is_due_to_expire(today):
            raise RuleViolation("NT-PCI-30", "valid_until", f"record is in force until {self.valid_until}")
        auto = profile.repair.automatic_on_expiry
        self._expire(expired_on=today, automatic_repair=auto, **stamp(actor, profile))

    @event("Expired")
    def _expire(
        self, expired_on: date, automatic_repair: bool, actor_unit: str, actor_user: str, policy_id: str,
        policy_version: int, policy_hash: str,
    ) -> None:
        self.status, self.closed_on, self.closing = EXPIRED, expired_on, {"automatic_repair": automatic_repair}

    def revoke(
        self, actor: Actor, profile: PolicyProfile, *, reason: str, apology: dict[str, Any], revoked_on: date,
    ) -> None:
        """Revoke an erroneous record with a recorded written apology (JY-24)."""
        self.check_in_force("JY-24")
        self._revoke(reason=reason, apology=apology, revoked_on=revoked_on, **stamp(actor, profile))

    @event("Revoked")
    def _revoke(
        self, reason: str, apology: dict[str, Any], revoked_on: date, actor_unit: str, actor_user: str,
        policy_id: str, policy_version: int, policy_hash: str,
    ) -> None:
        self.status, self.closed_on = REVOKED, revoked_on
        self.closing = {"reason": reason, "apology": apology}
