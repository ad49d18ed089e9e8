"""Objections a logged-in subject files online (NT-PCI-31): received and signed by the credit centre's portal.

A subject holds no signing key. The receiving unit (the profile's credit centre, else its credit office, else
the unit that determined the item: NT-PCI-32, LYG-14, JY-6.1) signs the filing as its declared system user
`online-objections`, so `verify` finds the acting user allowed for that unit; `filed_by` says the subject
filed it, and the filing date is the day the portal received it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from domain.actor import Actor
from domain.list_entry import ListEntry
from domain.objection import SUBJECT
from domain.policy import PolicyProfile
from domain.record import DishonestyRecord
from domain.service import CreditService
from ledger.account_ledger import AccountLedger

ONLINE_USER = "online-objections"
PURPOSE = "objections filed online by subjects through the portal (NT-PCI-31, NT-PCI-32)"
RECEIVING_ROLES = ("credit_centre", "credit_office")


def receiving_unit(profile: PolicyProfile, item: DishonestyRecord | ListEntry) -> str:
    """The unit that receives an online objection to `item` under `profile`."""
    return next(iter(profile.role_units(*RECEIVING_ROLES)), item.determining_unit)


def declare_online_user(credit: CreditService, profiles: Mapping[str, PolicyProfile]) -> None:
    """Declare the portal's acting user for every receiving unit (once; HA-5.2 who may act)."""
    units = {unit for profile in profiles.values() for unit in profile.role_units(*RECEIVING_ROLES)}
    registry = AccountLedger(credit.ledger)  # type: ignore[arg-type]
    if units and registry.book().started:
        registry.declare_system_users({ONLINE_USER: sorted(units)}, PURPOSE)


def file_online(credit: CreditService, item: DishonestyRecord | ListEntry, *, grounds: str, statement: str,
                today: date, documents: list[dict[str, Any]] | None = None) -> UUID:
    """File the subject's objection to one of their own items with the documents it rests on (NT-PCI-31); the
    signed event is the receiving unit's."""
    profile = credit.profiles[item.policy_id]
    actor = Actor(receiving_unit(profile, item), ONLINE_USER)
    if isinstance(item, ListEntry):
        return credit.file_list_entry_objection(actor, list_entry_id=item.id, grounds=grounds, statement=statement,
                                                filed_on=today, filed_by=SUBJECT, documents=documents)
    return credit.file_objection(actor, record_id=item.id, grounds=grounds, statement=statement, filed_on=today,
                                 filed_by=SUBJECT, documents=documents)
