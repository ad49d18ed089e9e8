"""A caller's veto on writes in its own context: while one is set, every save asks it first (and it may refuse).

The web layer uses it so that a form submit with bad fields stores nothing, whatever the command does with
the placeholders of those fields (issue 16.3). The ledger knows nothing of forms: a veto is any callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_VETO: ContextVar[Callable[[], None] | None] = ContextVar("ledger_write_veto", default=None)


@contextmanager
def vetoed_by(check: Callable[[], None]) -> Iterator[None]:
    """Within: `check()` runs before every save in this context and refuses it by raising."""
    token = _VETO.set(check)
    try:
        yield
    finally:
        _VETO.reset(token)


def check_write() -> None:
    """Ask the context's veto, if any, before anything is signed or stored."""
    check = _VETO.get()
    if check is not None:
        check()
