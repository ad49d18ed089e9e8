"""Every bad field of one form submit (issue 16.3): the form helpers note each one, the submit is refused once.

While a submit collects (`collecting()`), a helper of web/forms.py notes a bad field and hands the view a
placeholder, so the view goes on reading its other fields. The submit is refused with all of them at the first
write the command attempts (the ledger's write veto), at any error the placeholders lead to, or when the view
returns: nothing is stored. Outside a collecting submit a bad field is raised at once, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from flask import g, session

from domain.errors import RuleViolation
from ledger.write_veto import vetoed_by

T = TypeVar("T")


class FieldErrors(RuleViolation):
    """A refused submit with every field at fault; to code that knows one violation it is the first one."""

    def __init__(self, errors: Sequence[RuleViolation]) -> None:
        first = errors[0]
        super().__init__(first.rule_id, first.field, first.message)
        self.errors = list(errors)


def note(error: RuleViolation) -> None:
    """Refuse one field: noted while the submit collects its errors (once per field), raised at once otherwise."""
    found: list[RuleViolation] | None = g.get("_form_errors")
    if found is None:
        raise error
    if all(e.field != error.field for e in found):
        found.append(error)


def collecting_now() -> bool:
    """Whether the request is collecting the errors of its submit."""
    return g.get("_form_errors") is not None


def refuse_pending() -> None:
    """Refuse the submit with every field noted so far (nothing happens while all fields are good)."""
    found: list[RuleViolation] | None = g.get("_form_errors")
    if found:
        raise FieldErrors(found)


@contextmanager
def collecting() -> Iterator[None]:
    """Within: bad fields are noted, not raised; the submit is refused with all of them (nothing stored)."""
    previous, flashes = g.get("_form_errors"), len(session.get("_flashes", []))
    g._form_errors = found = []
    try:
        with vetoed_by(refuse_pending):
            yield
    except FieldErrors:
        raise
    except Exception as exc:  # what a placeholder led to is not the user's error: the bad fields are
        if found:
            raise FieldErrors(found) from exc
        raise
    finally:
        g._form_errors = previous
    if found:  # the view returned without writing: its "stored" messages are taken back
        if "_flashes" in session:
            session["_flashes"] = session["_flashes"][:flashes]
        raise FieldErrors(found)


def collected(run: Callable[[], T]) -> T:
    """Run a view's command reading its form with every bad field collected (see `collecting`)."""
    with collecting():
        return run()
