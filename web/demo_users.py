"""Demo logins, one per role, each tied to a demo unit that has a signing key (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import Engine, select

from ledger.app import LedgerApplication
from projections.db import create_views, records, subjects
from projections.follower import Follower
from web.accounts import AccountStore
from web.roles import ADMIN, AUDITOR, CREDIT_OFFICE, DEPARTMENT, RECORDING_UNIT, SUBJECT


@dataclass(frozen=True)
class DemoLogin:
    """A demo account and its password (printed for the person trying the demo)."""

    role: str
    username: str
    password: str
    unit: str | None
    note: str = ""


# The Nantong (NT) demo paths use these units: the tax bureau records, the credit office lists and
# pushes measures, the financial institutions apply NT-M-06, the discipline commission audits.
DEMO = (
    DemoLogin(RECORDING_UNIT, "recorder", "recorder-demo-1", "nt-tax-bureau"),
    DemoLogin(CREDIT_OFFICE, "office", "office-demo-1", "nt-credit-office"),
    DemoLogin(DEPARTMENT, "dept", "dept-demo-1", "nt-financial-institutions"),
    DemoLogin(AUDITOR, "auditor", "auditor-demo-1", "nt-discipline-supervision"),
    DemoLogin(ADMIN, "admin", "admin-demo-1", "ledger-admin"),
    DemoLogin(SUBJECT, "subject", "subject-demo-1", None),
    # Lianyungang's petition bureau: credit reminders and integrity interviews exist only there (LYG-8, LYG-9)
    DemoLogin(RECORDING_UNIT, "lyg-recorder", "lyg-recorder-demo-1", "lyg-petition-bureau"),
)

# Made-up display names of the demo logins (a person's name is shown as it is, in any language).
DISPLAY_NAMES = {"recorder": "演示·周录", "office": "演示·吴信", "dept": "演示·郑惩", "auditor": "演示·冯审",
                 "admin": "演示·陈管", "subject": "演示·主体", "lyg-recorder": "演示·连访"}


def demo_subject(app: LedgerApplication, engine: Engine) -> UUID | None:
    """A demo subject with at least one record (the first by id), from the read models brought up to date."""
    create_views(engine)
    Follower(app, engine).run_once()
    query = (select(subjects.c.subject_id).join(records, records.c.subject_id == subjects.c.subject_id)
             .where(subjects.c.kind == "person").order_by(subjects.c.subject_id).limit(1))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return UUID(row.subject_id) if row else None


def ensure_demo_users(app: LedgerApplication, engine: Engine, accounts: AccountStore) -> list[DemoLogin]:
    """Create missing demo accounts and missing unit keys; return every demo login with a note."""
    app.refresh_keys(force=True)
    shown = []
    for login in DEMO:
        if login.unit and app.keybook.active_for(login.unit) is None:
            app.register_key(login.unit)
        subject = demo_subject(app, engine) if login.role == SUBJECT else None
        if login.role == SUBJECT and subject is None:
            shown.append(DemoLogin(login.role, login.username, "-", None, "(no demo subject yet: run `ledger demo`)"))
            continue
        existing = accounts.get(login.username)
        if existing is None:
            accounts.add_user(login.username, login.password, login.role, unit=login.unit, subject_id=subject,
                              display_name=DISPLAY_NAMES[login.username])
        note = f"subject {existing.subject_id if existing else subject}" if login.role == SUBJECT else ""
        shown.append(DemoLogin(login.role, login.username, login.password, login.unit,
                               note + (" (already there)" if existing else "")))
    return shown
