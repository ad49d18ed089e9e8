"""THE permission table: every endpoint name → the roles allowed; enforced before every request, deny by default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from web.accounts import User
from web.here import here
from web.principal import ANONYMOUS, SESSION_USER, Principal, log_out, principal_for
from web.roles import ADMIN, AUDITOR, CREDIT_OFFICE, DEPARTMENT, PUBLIC, RECORDING_UNIT, ROLES, SUBJECT
from web.sessions import EPOCH_KEY, credential_epoch

EVERYONE = frozenset(ROLES)
STAFF = frozenset({RECORDING_UNIT, CREDIT_OFFICE, DEPARTMENT, AUDITOR})
RULE = "HA-5.2"  # query permissions and procedures are defined

PERMISSIONS: dict[str, frozenset[str]] = {
    "static": EVERYONE,
    # main and accounts
    "main.index": EVERYONE,
    "main.language": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE - {PUBLIC},
    # public: masked, public and in force only (NT-PCI-19/30, HA-3.2)
    "public.query": EVERYONE,
    "public.lists": EVERYONE,
    # subject pages shared by the staff (every read registered, HA-5.2)
    "subjects.find": STAFF,
    "subjects.show": STAFF,
    "subjects.purpose": STAFF,
    "subjects.government": STAFF,  # NT-GOV-2.2a: the government-affairs credit file
    # NT-GOV-2.4a: the credit office orders and criticises, the body explains and rectifies (the service checks)
    "subjects.government_case_step": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    # recording unit (the credit office may record too: it determines red lists and its own cases)
    "recording.home": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.register_subject": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "government.record": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),  # NT-GOV-2.2a/b: the service checks units
    "government.file_entry": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),  # NT-GOV-2.2a/d: the service checks units
    "government.fault_tolerance": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),  # NT-GOV-2.2c: the competent body
    "award_check.check": STAFF,  # NT-GOV-2.4a/b: award and promotion staff; every check a registered read
    "recording.record": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.information": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.authorisation": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.submission": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.query": STAFF,  # NT-PCI-19/22, HA-5.3: the domain decides who may query what
    "recording.contact": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.notice": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.penalty_change": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),  # NAT-APL-48
    "recording.objections": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "recording.repairs": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    # case work: escalation, erroneous revocation, points, responsible persons, appeals (the domain checks units)
    "casework.escalate": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "casework.revoke": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "casework.points": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "casework.responsible": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "casework.objections": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    # credit office
    "office.dashboard": frozenset({CREDIT_OFFICE}),
    "office.lists": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    "office.list_step": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    "office.list_entry": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    "office.sanctions": frozenset({CREDIT_OFFICE}),
    "office.objection_file": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    "office.repair_apply": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    # one page per item with its allowed next steps (issue 16.2); each step needs its own page's permission too
    "items.record": frozenset({RECORDING_UNIT, CREDIT_OFFICE, AUDITOR}),
    "items.record_step": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "items.objection": frozenset({RECORDING_UNIT, CREDIT_OFFICE, AUDITOR}),
    "items.objection_step": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "items.repair": frozenset({RECORDING_UNIT, CREDIT_OFFICE, AUDITOR}),
    "items.repair_step": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    "items.sanction": STAFF,  # JY-21: a department or recording unit reads only its own cases (web/scope.py)
    "items.sanction_step": frozenset({CREDIT_OFFICE, DEPARTMENT}),
    # periodic work: the expiry sweep and upward push (credit office); monthly reports by the confirming unit
    "reports.sweep": frozenset({CREDIT_OFFICE}),
    "reports.lists": frozenset({CREDIT_OFFICE, RECORDING_UNIT}),
    "reports.upward": frozenset({CREDIT_OFFICE}),
    "reports.circular": frozenset({CREDIT_OFFICE}),  # NT-JRP-Q quarterly circular
    "reports.evaluation": frozenset({CREDIT_OFFICE, RECORDING_UNIT, AUDITOR}),  # NT-GOV-4.1 yearly evaluation
    # sanction department
    "department.inbox": frozenset({DEPARTMENT}),
    "department.step": frozenset({DEPARTMENT}),
    # auditor / court / discipline body: read-only
    "audit.home": frozenset({AUDITOR}),
    "audit.timetravel": frozenset({AUDITOR}),
    "audit.replay": frozenset({AUDITOR}),
    "audit.proof": frozenset({AUDITOR}),
    "audit.verify": frozenset({AUDITOR}),
    "audit.bundle": frozenset({AUDITOR}),
    # the subject: own record, own access log
    "mine.home": frozenset({SUBJECT}),
    "mine.access_log": frozenset({SUBJECT}),
    "mine.objection": frozenset({SUBJECT}),
    # pickers (issue 16.1): subjects found masked by the roles whose forms name them; a subject's items only by
    # the staff who act on them (each list is a registered read, HA-5.2)
    "pickers.subjects": frozenset({RECORDING_UNIT, CREDIT_OFFICE, ADMIN}),
    "pickers.items": frozenset({RECORDING_UNIT, CREDIT_OFFICE}),
    # admin: users, units, keys
    "admin.users": frozenset({ADMIN}),
    "admin.units": frozenset({ADMIN}),
    "admin.profiles": frozenset({ADMIN}),
    "admin.checkpoint": frozenset({ADMIN}),
}


def allow(table: Mapping[str, Iterable[str]]) -> None:
    """Add endpoints of another blueprint (e.g. the JSON API) to THE table; an endpoint is listed once."""
    for endpoint, roles in table.items():
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"{endpoint}: unknown roles {sorted(unknown)}")
        if endpoint in PERMISSIONS and PERMISSIONS[endpoint] != frozenset(roles):
            raise ValueError(f"{endpoint} is already in the permission table with other roles")
        PERMISSIONS[endpoint] = frozenset(roles)


def allowed(endpoint: str | None, role: str) -> bool:
    """Whether `role` may call `endpoint` (False for any endpoint missing from the table)."""
    return endpoint is not None and role in PERMISSIONS.get(endpoint, frozenset())


def _session_principal() -> Principal:
    from web.context import services

    username = session.get(SESSION_USER)
    if not username:
        return ANONYMOUS
    accounts = services().accounts
    user: User | None = accounts.get(username)
    if user is None or not user.active or session.get(EPOCH_KEY) != credential_epoch(accounts.book(), username):
        log_out()  # password changed or account deactivated since login (by any process): the session ends
        return ANONYMOUS
    return principal_for(user)


def check_request() -> ResponseReturnValue | None:
    """Load the principal (token for token APIs, session otherwise) and refuse what the table does not allow."""
    from web.errors import refuse
    from web.security import is_token_api, token_principal

    endpoint = request.endpoint
    token_api = is_token_api(endpoint)
    g.principal = principal = token_principal() if token_api else _session_principal()
    if endpoint is None:
        return None  # no route: Flask answers 404 / 405
    if allowed(endpoint, principal.role):
        return None
    if not principal.authenticated:
        if token_api:
            return refuse(401, "a valid API token is required (Authorization: Bearer …)", "authorization", RULE)
        return redirect(url_for("auth.login", next=here()))
    return refuse(403, f"role {principal.role} may not use {endpoint}", "role", RULE)


def install(app: Flask) -> None:
    """Enforce the table before every request (registered last, so it runs after no other hook can skip it)."""
    app.before_request(check_request)
