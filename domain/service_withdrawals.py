"""Commands on the withdrawal of changed or revoked penalties (NAT-APL-48)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.common import check_unit, credit_office
from domain.errors import RuleViolation
from domain.record import DishonestyRecord
from domain.service_base import ServiceBase
from domain.unit_of_work import UnitOfWork
from domain.withdrawal import RULE, PenaltyWithdrawal


class WithdrawalCommands(ServiceBase):
    """register_penalty_change, withdraw_penalty."""

    def register_penalty_change(self, actor: Actor, *, record_id: UUID, outcome: str, decision: dict[str, Any],
                                changed_on: date) -> UUID:
        """The penalty behind a record was changed or revoked: withdraw within 3 days (NAT-APL-48), under the
        rules in force on the day of the change (issue 15.9)."""
        uow = self._uow(actor)
        record = uow.get(record_id, DishonestyRecord, "record_id")
        profile = self._profile(record.policy_id, on=changed_on)
        check_unit(actor, (record.determining_unit, credit_office(profile)), RULE, "actor", "the determining unit")
        if uow.find(PenaltyWithdrawal.create_id(record.id), PenaltyWithdrawal) is not None:
            raise RuleViolation(RULE, "record_id", "a change of this penalty is already registered")
        withdrawal = PenaltyWithdrawal.register(actor, profile, record, self.today(), outcome=outcome,
                                                decision=decision, changed_on=changed_on)
        uow.add(withdrawal)
        self._index(uow, "withdrawals").add(actor, withdrawal.id, withdrawal.next_due())
        uow.commit()
        return withdrawal.id

    def withdraw_penalty(self, actor: Actor, *, withdrawal_id: UUID, withdrawn_on: date) -> UUID:
        """Withdraw: the record (and its NT-PCI-29 derived records) is revoked, kept in the archive, its listings
        and sanctions ended (NAT-APL-48, JY-24); a late withdrawal stays marked late."""
        uow = self._uow(actor)
        withdrawal = uow.get(withdrawal_id, PenaltyWithdrawal, "withdrawal_id")
        record = uow.get(withdrawal.record_id, DishonestyRecord, "record_id")
        profile = self._profile(withdrawal.policy_id, on=withdrawn_on)
        check_unit(actor, (record.determining_unit, credit_office(profile)), RULE, "actor", "the determining unit")
        withdrawal.withdraw(actor, profile, self.today(), withdrawn_on=withdrawn_on)
        if record.in_force:
            reason = f"NAT-APL-48: penalty {withdrawal.outcome} ({withdrawal.decision['number']})"
            self._revoke_record(uow, record, reason, {"withdrawal": withdrawal.decision}, withdrawn_on)  # type: ignore
        self._close(uow, "withdrawals", withdrawal.id)
        uow.commit()
        return withdrawal.id

    def withdrawal(self, withdrawal_id: UUID) -> PenaltyWithdrawal:
        """A registered penalty change and its withdrawal (NAT-APL-48)."""
        return UnitOfWork(self.ledger, None).get(withdrawal_id, PenaltyWithdrawal, "withdrawal_id")  # type: ignore

    def withdrawal_of(self, record_id: UUID) -> PenaltyWithdrawal | None:
        """The withdrawal registered for a record, if any."""
        return UnitOfWork(self.ledger, None).find(PenaltyWithdrawal.create_id(UUID(str(record_id))),  # type: ignore
                                                  PenaltyWithdrawal)
