"""Who is making the request: a logged-in user, a token client, or the anonymous public."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from flask import g, session

from domain.actor import Actor
from domain.errors import RuleViolation
from web.accounts import User
from web.roles import PUBLIC
from web.sessions import EPOCH_KEY, ServerSession

SESSION_USER = "user"


@dataclass(frozen=True)
class Principal:
    """The requester: role, the unit it acts for (signs with), the subject it may read (subject role)."""

    username: str | None
    role: str
    unit: str | None = None
    subject_id: UUID | None = None
    display_name: str = ""
    via_token: bool = False

    @property
    def authenticated(self) -> bool:
        """Whether this is a logged-in user or token client (not the anonymous public)."""
        return self.username is not None

    def actor(self) -> Actor:
        """The domain actor: the unit whose key signs, and the user (HA-5.2: who)."""
        if not self.username or not self.unit:
            raise RuleViolation("HA-5.2", "unit", "this account acts for no unit and cannot sign")
        return Actor(self.unit, self.username)


ANONYMOUS = Principal(None, PUBLIC)


def principal_for(user: User, *, via_token: bool = False) -> Principal:
    """The principal of a stored account."""
    return Principal(user.username, user.role, user.unit, user.subject_id, user.display_name, via_token)


def current_principal() -> Principal:
    """The principal of the current request (set by the permission check before every request)."""
    return g.get("principal", ANONYMOUS)  # type: ignore[no-any-return]


def log_in(user: User, epoch: int) -> None:
    """Start a fresh session for the user under a new id (no fixation); `epoch` is its credential epoch. The
    language chosen before logging in is kept (issue 16.3: the page stays in the reader's language)."""
    lang = session.get("lang")
    session.clear()
    _rotate()
    if lang:
        session["lang"] = lang
    session[SESSION_USER] = user.username
    session[EPOCH_KEY] = epoch
    session.permanent = True


def log_out() -> None:
    """End the session."""
    lang = session.get("lang")
    session.clear()
    _rotate()
    if lang:
        session["lang"] = lang


def _rotate() -> None:
    """Ask the server-side store for a new session id (its old row is deleted: the old cookie opens nothing)."""
    if isinstance(session, ServerSession):
        session.rotate()
