"""Optimistic concurrency for commands: re-read and re-apply when another writer got there first."""

from __future__ import annotations

import functools
import inspect
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentChange

ATTEMPTS = 8  # the first try and seven retries: 8 writers racing on one subject all get through
BACKOFF_SECONDS = 0.004  # the mean pause before the first retry; doubles with each further one
_C = TypeVar("_C", bound=type)


def retrying(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run `command` again (from a fresh read) when its save lost a version race to a concurrent writer.

    A command builds a fresh unit of work on every call and saves all or nothing, so a lost race stored
    nothing and the rerun re-checks every rule against the newer state (e.g. the shared `Index`).
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return command(*args, **kwargs)
            except IntegrityError as lost:
                if attempt == ATTEMPTS:
                    raise _conflict(args, kwargs) from lost
                # Random pauses spread the racers out, so the next round is not the same race again.
                time.sleep(random.uniform(0, 2 * BACKOFF_SECONDS * 2 ** (attempt - 1)))
        raise AssertionError("unreachable")  # pragma: no cover

    run.__wrapped_retrying__ = True  # type: ignore[attr-defined]
    return run


def _conflict(args: tuple[Any, ...], kwargs: dict[str, Any]) -> ConcurrentChange:
    """The refusal after the last lost race: the command's first item id and that item's version now."""
    field, ident = next(((k, v) for k, v in kwargs.items() if k.endswith("_id") and isinstance(v, UUID)),
                        (None, None))
    version = None
    ledger = getattr(args[0], "ledger", None) if args else None
    if ident is not None and ledger is not None:
        try:
            version = ledger.get(ident).version
        except (KeyError, IntegrityError):  # an item the command was creating, or unreadable now
            version = None
    return ConcurrentChange(field, ident, version)


def retry_commands(cls: _C) -> _C:
    """Wrap every public method of `cls` whose first parameter is `actor` (the commands) in `retrying`."""
    for name in dir(cls):
        method = getattr(cls, name)
        if name.startswith("_") or not inspect.isfunction(method) or getattr(method, "__wrapped_retrying__", False):
            continue
        parameters = list(inspect.signature(method).parameters)
        if parameters[1:2] == ["actor"]:
            setattr(cls, name, retrying(method))
    return cls
