"""CreditService: the application service; one method per command, each atomic (DESIGN §2)."""

from __future__ import annotations

from domain.retry import retry_commands
from domain.service_circulars import CircularCommands
from domain.service_evaluations import EvaluationCommands
from domain.service_government import GovernmentCommands
from domain.service_access import AccessCommands
from domain.service_authorisation import AuthorisationCommands
from domain.service_lists import ListCommands
from domain.service_objections import ObjectionCommands
from domain.service_queries import Queries
from domain.service_records import RecordCommands
from domain.service_repairs import RepairCommands
from domain.service_reporting import ReportingCommands
from domain.service_sanctions import SanctionCommands
from domain.service_subjects import SubjectCommands
from domain.service_withdrawals import WithdrawalCommands


@retry_commands
class CreditService(
    SubjectCommands, RecordCommands, ListCommands, ObjectionCommands, RepairCommands, SanctionCommands, Queries,
    AccessCommands, ReportingCommands, CircularCommands, AuthorisationCommands, WithdrawalCommands,
    GovernmentCommands, EvaluationCommands,
):
    """Commands take an `Actor` first and keyword arguments, return the new or changed aggregate id, and
    either save every changed aggregate in ONE `ledger.save_as(actor.unit, ...)` call or raise a
    `RuleViolation` / `NotFound` before anything is saved.

    Built as `CreditService(ledger, profiles, subject_secret, today=office_today)`: `profiles` maps profile
    ids to loaded `PolicyProfile`s (decisions are taken under a version published in the ledger),
    `subject_secret` keys the HMAC that derives subject ids from ID numbers and credit codes.
    A command that loses a version race to a concurrent writer (eventsourcing `IntegrityError`, e.g. on
    the shared `Index`) is re-read and re-applied, up to two retries (`domain.retry`).
    """
