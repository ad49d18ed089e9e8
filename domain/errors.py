"""Domain errors: every refusal names the rule it enforces and the offending field."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.persistence import IntegrityError


class DomainError(Exception):
    """Base of all domain refusals."""


class RuleViolation(DomainError):
    """A command broke a rule of RULES.md; carries the rule id and the field at fault."""

    def __init__(self, rule_id: str, field: str, message: str) -> None:
        super().__init__(f"{rule_id} [{field}]: {message}")
        self.rule_id = rule_id
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The error as a JSON-ready mapping (message, field, rule)."""
        return {"message": self.message, "field": self.field, "rule": self.rule_id}


class NotFound(DomainError):
    """A referenced aggregate (subject, record, list entry, ...) does not exist."""

    def __init__(self, kind: str, ident: str, field: str = "id") -> None:
        super().__init__(f"{kind} not found: {ident}")
        self.kind = kind
        self.ident = ident
        self.field = field


class ConcurrentChange(DomainError, IntegrityError):
    """A command lost its version race to other writers on every retry: nothing was stored. Names the item the
    command was about (`field`, `ident`) and its version now, so the caller can read it again and decide."""

    def __init__(self, field: str | None, ident: UUID | None, version: int | None) -> None:
        where = f"{field} {ident} is now at version {version}" if ident is not None else "the items it read"
        super().__init__(f"another writer changed {where}; nothing was stored")
        self.field = field
        self.ident = ident
        self.version = version
