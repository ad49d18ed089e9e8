"""Who may act is a ledger fact (HA-5.2, issue 13 part 7): account changes are signed registry events, logins and
tokens follow the registry's fold (never the SQL projection), and `verify` reports every event whose actor_user
held no role for its unit at its log position. Both backends, real keys, real SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from argon2 import PasswordHasher
from eventsourcing.domain import Aggregate, event
from ledger_support import sql
from ledger_support.backends import initialised_ledger
from sqlalchemy import delete, insert, select, update

from domain.actor import Actor
from domain.errors import RuleViolation
from domain.policy import load_all
from domain.service import CreditService
from ledger.account_ledger import read_book
from ledger.accounts_registry import ACCOUNTS_ID, OPERATOR, AccountRegistry
from ledger.app import LedgerApplication
from ledger.audit import verify_ledger
from ledger.config import Settings
from ledger.envelope import unpack
from ledger.errors import SignatureInvalidError
from projections.db import make_engine
from web.accounts import ADMIN_UNIT, AccountStore, api_tokens, ensure_tables, hash_token, start_account_registry, users

TAX = "nt-tax-bureau"
PASSWORD = "clerk-password-1"


class Memo(Aggregate):
    """One event naming its acting unit and user, like every domain event (domain/common.py actor_stamp)."""

    @event("Written")
    def __init__(self, text: str, actor_unit: str, actor_user: str) -> None:
        self.text = text


class World:
    """A ledger with the account registry, the tax bureau's key, an admin and a recording clerk."""

    def __init__(self, settings: Settings) -> None:
        self.app = initialised_ledger(settings, (TAX,))
        start_account_registry(self.app)
        self.engine = make_engine(settings)
        ensure_tables(self.engine)
        self.accounts = AccountStore(self.engine, self.app)
        self.accounts.add_user("boss", "boss-password-1", "admin", unit=ADMIN_UNIT)
        self.accounts.add_user("clerk", PASSWORD, "recording_unit", unit=TAX, by="boss")

    def act(self, user: str, unit: str = TAX) -> int:
        """An event by `user` for `unit`, signed with the unit's real key (anyone holding it could); its position."""
        self.app.save_as(unit, Memo("checked", actor_unit=unit, actor_user=user))
        return self.size() - 1

    def size(self) -> int:
        return self.app.log.tree_size()

    def problems(self) -> list[str]:
        return [str(p) for p in verify_ledger(self.app, workers=1).problems]


@pytest.fixture
def world(backend_settings: Settings) -> Iterator[World]:
    w = World(backend_settings)
    yield w
    w.engine.dispose()
    w.app.close()


def registry_rows(app: LedgerApplication) -> list[dict[str, Any]]:
    return [dict(r) for r in app.log.aggregate_rows(ACCOUNTS_ID)]


def test_each_account_change_is_an_event_signed_by_the_admin_unit_ha_5_2(world: World) -> None:
    accounts = world.accounts
    accounts.set_password("clerk", "a-new-password-2", by="boss")
    accounts.grant_role("clerk", "department", "nt-financial-institutions", by="boss")
    accounts.set_active("clerk", False, by="boss")
    accounts.set_active("clerk", True, by="boss")
    token = accounts.issue_token("clerk", "tax system", by="boss")
    accounts.revoke_token(accounts.tokens("clerk")[0].token_id, by="boss")
    rows = registry_rows(world.app)
    kinds = [r["topic"].rsplit(".", 1)[1] for r in rows]
    assert kinds == ["Started", "UserCreated", "UserCreated", "PasswordChanged", "RoleGranted", "Deactivated",
                     "Reactivated", "TokenIssued", "TokenRevoked"]
    world.app.refresh_keys(force=True)
    signers = [world.app.keybook.get(unpack(bytes(r["state"])).key_id) for r in rows]
    assert signers[0].key_id == world.app.keybook.root_key_id
    assert {s.unit for s in signers[1:]} == {ADMIN_UNIT}
    states = b"".join(bytes(r["state"]) for r in rows)
    assert b"$argon2" in states and b"a-new-password-2" not in states and PASSWORD.encode() not in states
    assert token.encode() not in states and hash_token(token).encode() in states
    assert world.problems() == []


def test_rows_written_deleted_or_changed_by_sql_grant_nothing_ha_5_2(world: World) -> None:
    accounts, forged = world.accounts, PasswordHasher().hash("mallory-password")
    token = accounts.issue_token("clerk", "tax system")
    with world.engine.begin() as conn:
        conn.execute(insert(users).values(username="mallory", password_hash=forged, role="admin", unit=ADMIN_UNIT,
                                          subject_id=None, display_name="m", active=True,
                                          created_at=datetime.now(timezone.utc)))
        conn.execute(insert(api_tokens).values(id=99, token_hash=hash_token("clt_forged"), username="mallory",
                                               label="x", active=True, created_at=datetime.now(timezone.utc)))
        conn.execute(update(users).where(users.c.username == "clerk").values(role="admin", unit=ADMIN_UNIT))
        conn.execute(delete(api_tokens).where(api_tokens.c.username == "clerk"))
        conn.execute(delete(users).where(users.c.username == "boss"))
    assert accounts.authenticate("mallory", "mallory-password") is None and accounts.get("mallory") is None
    assert accounts.user_for_token("clt_forged") is None
    clerk = accounts.get("clerk")
    assert clerk is not None and (clerk.role, clerk.unit) == ("recording_unit", TAX)
    assert accounts.user_for_token(token).username == "clerk"  # type: ignore[union-attr]
    assert accounts.authenticate("boss", "boss-password-1") is not None
    with pytest.raises(RuleViolation) as refused:  # the SQL row makes nobody an administrator
        accounts.add_user("eve", "eve-password-1", "admin", unit=ADMIN_UNIT, by="mallory")
    assert (refused.value.rule_id, refused.value.field) == ("HA-5.2", "actor_user")
    accounts.sync()
    with world.engine.connect() as conn:
        names = {r.username: (r.role, r.unit) for r in conn.execute(select(users))}
        tokens = [r.username for r in conn.execute(select(api_tokens))]
    assert names == {"boss": ("admin", ADMIN_UNIT), "clerk": ("recording_unit", TAX)} and tokens == ["clerk"]


def test_an_event_by_a_user_without_a_role_for_the_unit_is_reported_by_verify(world: World) -> None:
    allowed = world.act("clerk")
    forged = world.act("mallory")  # the tax bureau's real key, a user the registry never knew
    wrong_unit = world.act("boss")  # an administrator acting for the tax bureau
    problems = world.problems()
    assert len(problems) == 2, problems
    assert problems[0].startswith(f"position {forged}: user mallory acting for unit {TAX}")
    assert "no account or system user mallory" in problems[0]
    assert problems[1].startswith(f"position {wrong_unit}: user boss acting for unit {TAX}")
    assert f"boss acts for {ADMIN_UNIT}, not for {TAX}" in problems[1]
    assert not any(f"position {allowed}:" in p for p in problems)


def test_deactivation_ends_the_right_to_act_from_its_position(world: World) -> None:
    before = world.act("clerk")
    world.accounts.set_active("clerk", False, by="boss")
    deactivated = world.size() - 1
    after = world.act("clerk")
    assert world.accounts.authenticate("clerk", PASSWORD) is None
    problems = world.problems()
    assert len(problems) == 1 and problems[0].startswith(f"position {after}: user clerk acting for unit {TAX}")
    assert "account clerk is deactivated" in problems[0]
    book = world.accounts.book()
    assert book.decide_at_position("clerk", TAX, before).allowed
    assert book.decide_at_position("clerk", TAX, deactivated).allowed  # the deactivation's own position
    decision = book.decide_at_position("clerk", TAX, deactivated + 1)
    assert not decision.allowed and decision.changes[-1].kind == "Deactivated"
    assert decision.changes[-1].position == deactivated


def test_a_single_token_is_revoked_and_the_others_keep_working(world: World) -> None:
    accounts = world.accounts
    first, second = accounts.issue_token("clerk", "tax system"), accounts.issue_token("clerk", "backup job")
    ids = {t.label: t.token_id for t in accounts.tokens("clerk")}
    accounts.revoke_token(ids["tax system"])
    assert accounts.user_for_token(first) is None
    assert accounts.user_for_token(second).username == "clerk"  # type: ignore[union-attr]
    assert [(t.label, t.active) for t in accounts.tokens("clerk")] == [("tax system", False), ("backup job", True)]
    size = world.size()
    with pytest.raises(RuleViolation) as refused:
        accounts.revoke_token(ids["tax system"])
    assert (refused.value.rule_id, refused.value.field) == ("HA-5.2", "token_id") and world.size() == size


def test_allowed_answers_before_and_after_a_grant(world: World) -> None:
    accounts = world.accounts
    accounts.add_user("auditor1", "auditor-password", "auditor", unit="nt-discipline-supervision", by="boss")
    accounts.grant_role("auditor1", "recording_unit", TAX, by="boss")
    granted = world.size() - 1
    book = accounts.book()
    no = book.decide_at_position("auditor1", TAX, granted)
    yes = book.decide_at_position("auditor1", TAX, granted + 1)
    assert not no.allowed and "acts for nt-discipline-supervision, not for nt-tax-bureau" in no.reason
    assert yes.allowed and [c.kind for c in yes.changes] == ["UserCreated", "RoleGranted"]
    assert yes.changes[-1].position == granted and yes.changes[-1].by == "boss"
    assert book.decide_at_time("auditor1", TAX, yes.changes[-1].when).allowed  # type: ignore[arg-type]
    assert not book.decide_at_time("auditor1", TAX, no.changes[-1].when).allowed  # type: ignore[arg-type]


def test_bad_account_input_names_field_and_rule_and_stores_nothing(world: World) -> None:
    accounts, size = world.accounts, world.size()
    for call, field in ((lambda: accounts.add_user("clerk", "long-enough", "auditor", unit="u"), "username"),
                        (lambda: accounts.add_user("newbie", "short", "auditor", unit="u"), "password"),
                        (lambda: accounts.set_password("ghost", "long-enough-1"), "username"),
                        (lambda: accounts.grant_role("clerk", "king", TAX), "role"),
                        (lambda: accounts.grant_role("clerk", "auditor", None), "unit"),
                        (lambda: accounts.grant_role("clerk", "subject", None), "role"),
                        (lambda: accounts.issue_token("clerk", " "), "label"),
                        (lambda: accounts.set_password(OPERATOR, "long-enough-1"), "username")):
        with pytest.raises(RuleViolation) as refused:
            call()
        assert (refused.value.rule_id, refused.value.field) == ("HA-5.2", field)
    assert world.size() == size


def test_a_registry_event_signed_by_another_unit_is_refused_by_login_and_reported_by_verify(world: World) -> None:
    registry: AccountRegistry = world.app.get(ACCOUNTS_ID)
    registry.admin_unit = TAX  # the tax bureau's key holder writes an account event for itself
    registry.create_user("clerk", username="mole", role="admin", unit=ADMIN_UNIT, subject_id=None,
                         display_name="mole", password_hash=PasswordHasher().hash("mole-password"))
    world.app.save_as(TAX, registry)
    position = world.size() - 1
    with pytest.raises(SignatureInvalidError, match="not by ledger-admin"):
        read_book(world.app)
    problems = world.problems()
    assert any(p.startswith(f"position {position}: account registry event v4 (UserCreated)") and
               "a key of the admin unit ledger-admin" in p for p in problems), problems


def test_a_ledger_without_the_registry_is_noted_and_a_deleted_genesis_is_reported(backend_settings: Settings) -> None:
    app = initialised_ledger(backend_settings, (TAX,))
    try:
        report = verify_ledger(app, workers=1)
        assert report.ok and any("no account registry" in n for n in report.notes)
        start_account_registry(app)
        genesis = app.log.tree_size() - 1
        engine = make_engine(backend_settings)
        ensure_tables(engine)
        AccountStore(engine, app).add_user("boss", "boss-password-1", "admin", unit=ADMIN_UNIT)
        engine.dispose()
        assert verify_ledger(app, workers=1).ok
        nid = next(r["nid"] for r in sql.event_rows(app) if r["position"] == genesis)
        sql.delete_event(app, nid)
        problems = [str(p) for p in verify_ledger(app, workers=1).problems]
        assert any(p.startswith(f"position {genesis}: event row missing") for p in problems), problems
        assert any("before the registry's genesis" in p for p in problems), problems
    finally:
        app.close()


def test_the_fast_path_of_verify_is_never_more_lenient_on_actor_users(world: World) -> None:
    from ledger.account_audit import account_history
    from ledger.audit import VerifyReport, _key_history
    from ledger.verifier import check_rows
    from ledger.verify_fast import fast_chunk

    world.accounts.registry.declare_system_users({"王五": [TAX]}, "a system user with a non-ASCII name")
    world.act("clerk")
    world.act("王五")
    intact = world.size()
    world.act("赵六")  # never declared
    world.act("mallory")
    report = VerifyReport()
    keys = _key_history(world.app, world.app.keystore.pinned_root(), report)
    accounts = account_history(world.app.log.aggregate_rows(ACCOUNTS_ID), keys, world.app.mapper.transcoder.decode,
                               report.problems, report.notes)
    rows = world.app.log.log_tuples(0, world.size())
    assert fast_chunk(rows[:intact], keys, 0, intact, (), accounts) is not None
    assert check_rows(rows[:intact], keys, 0, intact, accounts).problems == []
    for position in (intact, intact + 1):
        assert fast_chunk(rows[:position + 1], keys, 0, position + 1, (), accounts) is None
    slow = check_rows(rows, keys, 0, world.size(), accounts).problems
    assert [(p.position, p.what) for p in slow] == [(intact, f"user 赵六 acting for unit {TAX}"),
                                                    (intact + 1, f"user mallory acting for unit {TAX}")]
    assert fast_chunk(rows, keys, 0, world.size()) is not None  # without the account book: not checked


def test_a_domain_command_by_an_unknown_user_with_the_real_unit_key_is_reported(world: World) -> None:
    import random

    from domain.identifiers import synthetic_resident_id

    service = CreditService(world.app, load_all(), world.app.keystore.subject_secret())
    before = world.size()
    service.register_person(Actor(TAX, "clerk"), name="王小明", id_number=synthetic_resident_id(random.Random(1)))
    allowed_end = world.size()
    service.register_person(Actor(TAX, "mallory"), name="李小红", id_number=synthetic_resident_id(random.Random(2)))
    problems = verify_ledger(world.app, workers=1).problems
    assert allowed_end > before and problems
    assert {p.position for p in problems} == set(range(allowed_end, world.size()))
    assert all(p.what == f"user mallory acting for unit {TAX}" for p in problems)


def test_command_line_readers_must_be_in_the_registry_before_their_read_is_recorded(world: World) -> None:
    from ledger.account_ledger import AccountLedger, ActorNotAllowedError

    registry = AccountLedger(world.app)
    with pytest.raises(ActorNotAllowedError, match=r"HA-5.2 \[user\]: no account or system user nobody"):
        registry.require_actor(TAX, "nobody")
    with pytest.raises(ActorNotAllowedError, match="boss acts for ledger-admin, not for nt-tax-bureau"):
        registry.require_actor(TAX, "boss")
    registry.require_actor(TAX, "clerk")
    registry.declare_system_users({"cli-reader": [TAX]}, "reads at the command line")
    registry.require_actor(TAX, "cli-reader")


def test_accounts_of_a_database_from_before_the_registry_are_imported_as_events(backend_settings: Settings) -> None:
    app = initialised_ledger(backend_settings, (TAX,))
    engine = make_engine(backend_settings)
    ensure_tables(engine)
    now, hasher = datetime.now(timezone.utc), PasswordHasher()
    with engine.begin() as conn:  # an upgraded deployment: the old tables, no registry yet
        for name, role, unit, active in (("old-admin", "admin", ADMIN_UNIT, True), ("old-clerk", "recording_unit",
                                                                                    TAX, False)):
            conn.execute(insert(users).values(username=name, password_hash=hasher.hash(f"{name}-password"), role=role,
                                              unit=unit, subject_id=None, display_name=name, active=active,
                                              created_at=now))
        conn.execute(insert(api_tokens).values(id=7, token_hash=hash_token("clt_old"), username="old-clerk",
                                               label="old system", active=True, created_at=now))
    try:
        accounts = AccountStore(engine, app)
        assert accounts.authenticate("old-admin", "old-admin-password") is None  # SQL rows alone grant nothing
        assert accounts.import_legacy_rows() == (2, 1)
        assert accounts.authenticate("old-admin", "old-admin-password") is not None
        assert accounts.get("old-clerk").active is False  # type: ignore[union-attr]
        assert accounts.user_for_token("clt_old") is None  # its user is deactivated
        accounts.set_active("old-clerk", True)
        assert accounts.user_for_token("clt_old").username == "old-clerk"  # type: ignore[union-attr]
        assert accounts.import_legacy_rows() == (0, 0)
        assert verify_ledger(app, workers=1).ok
    finally:
        engine.dispose()
        app.close()


def test_two_processes_changing_accounts_at_once_both_land_in_order(world: World, backend_settings: Settings) -> None:
    other_app = LedgerApplication(backend_settings)
    other = AccountStore(world.engine, other_app)
    attempts: list[int] = []
    digest = PasswordHasher().hash("second-password")

    def create_second(registry: AccountRegistry) -> None:
        attempts.append(registry.version)
        if len(attempts) == 1:  # the first process writes between this one's read and its save
            world.accounts.add_user("first", "first-password", "auditor", unit="nt-discipline-supervision")
        registry.create_user(OPERATOR, username="second", role="auditor", unit="nt-discipline-supervision",
                             subject_id=None, display_name="second", password_hash=digest)
    try:
        other.registry.change(create_second)
        assert attempts[1] == attempts[0] + 1  # refused once (version conflict), then run on the newer registry
        kinds = [r["topic"].rsplit(".", 1)[1] for r in registry_rows(world.app)]
        assert kinds[-2:] == ["UserCreated", "UserCreated"]
        assert {u.username for u in world.accounts.all()} == {"boss", "clerk", "first", "second"}
        assert world.problems() == []
    finally:
        other_app.close()
