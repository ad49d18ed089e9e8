"""`verify`'s account history: fold the account registry's events, each checked against the key history."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from nacl.exceptions import BadSignatureError

from ledger.accountbook import AccountBook
from ledger.accounts_registry import ACCOUNTS_ID
from ledger.envelope import EnvelopeError, signed_message, unpack, verify_signature
from ledger.keybook import KeyBook, KeyProblem
from ledger.verifier import Problem

NO_REGISTRY = ("this ledger has no account registry (initialised before it existed, or by a library call without "
               "`ledger init`): who acted (actor_user) is not checked")


def account_history(rows: list[Mapping[str, Any]], keys: KeyBook, decode: Callable[[bytes], dict[str, Any]],
                    problems: list[Problem], notes: list[str]) -> AccountBook:
    """The account book of every registry event that is signed as it must be (genesis by the root key, every
    later event by a key of the admin unit valid at its position); the others are reported and skipped."""
    book = AccountBook()
    for row in rows:
        kind, pos = row["topic"].rsplit(".", 1)[1], int(row["position"])
        try:
            env = unpack(bytes(row["state"]))
            record = keys.check_at_position(env.key_id, pos)
            _check_signer(kind, env.key_id, record.unit, book, keys)
            message = signed_message(row["originator_id"], int(row["originator_version"]), row["topic"], env)
            verify_signature(record.public_key, message, env.signature, env.batch_size)
            book.apply(kind, decode(env.payload), pos)
        except (EnvelopeError, KeyProblem, BadSignatureError, ValueError, TypeError, KeyError) as exc:
            problems.append(Problem(pos, f"account registry event v{row['originator_version']} ({kind})",
                                    f"an event signed by {_signer_wanted(kind, book)}",
                                    f"{type(exc).__name__} {exc}".strip()))
    if not book.started:
        notes.append(NO_REGISTRY)
    elif (book.genesis_position or 0) > 1:
        notes.append(f"actor users are checked from position {book.genesis_position + 1} (the account registry "
                     f"started at position {book.genesis_position})")
    return book


def _check_signer(kind: str, key_id: str, unit: str, book: AccountBook, keys: KeyBook) -> None:
    """The genesis is signed by the root key, once; every later event by a key of the admin unit it names."""
    if kind == "Started":
        if book.started or key_id != keys.root_key_id:
            raise KeyProblem(f"signed by {key_id}" + (" (a second genesis)" if book.started else ""))
    elif not book.started:
        raise KeyProblem("an account registry event before the registry's genesis")
    elif unit != book.admin_unit:
        raise KeyProblem(f"signed by {key_id}")


def _signer_wanted(kind: str, book: AccountBook) -> str:
    if kind == "Started":
        return "the root key (the registry's only genesis)"
    return f"a key of the admin unit {book.admin_unit}" if book.started else "the admin unit, after the genesis"


def registry_rows(app: Any) -> list[Mapping[str, Any]]:
    """The registry's stored events with their log positions."""
    return app.log.aggregate_rows(ACCOUNTS_ID)  # type: ignore[no-any-return]
