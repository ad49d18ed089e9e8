"""A recorded history for projection tests, written through the domain aggregates (the service is not ready).

Timeline (business dates; `TODAY` is the ledger's 'today' for every command):
  person registered; R1 general record determined 2023-03-01 (valid one year, NT-PCI-30);
  objection to R1 flagged, upheld, R1 corrected to a determination on 2023-02-01; R2 serious record
  (government-shared class, never public); R2 on the black list, confirmed; R1 repaired on 2023-09-01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain.actor import Actor
from domain.list_entry import ListEntry
from domain.objection import Objection
from domain.policy import load_profile
from domain.record import DishonestyRecord
from domain.subject import Subject
from ledger.app import LedgerApplication
from sqlalchemy import Engine

TODAY = date(2025, 6, 1)
SECRET = b"projection-test-secret"
ID_NUMBER = "320102198001010016"
DEPT = Actor("dept-a", "alice")
OFFICE = Actor("credit-office", "bob")
BASIS = {"type": "administrative_penalty", "number": "通罚〔2023〕1号", "issuer": "dept-a", "date": date(2023, 1, 20)}


@dataclass
class History:
    """Ids and log positions of the steps, for assertions."""

    subject_id: UUID | None = None
    r1: UUID | None = None
    r2: UUID | None = None
    entry: UUID | None = None
    positions: dict[str, int] = field(default_factory=dict)


def _mark(app: LedgerApplication, history: History, step: str) -> None:
    history.positions[step] = app.log.tree_size() - 1


def register(app: LedgerApplication, history: History, name: str = "张三丰", id_number: str = ID_NUMBER) -> Subject:
    """Register a person."""
    subject = Subject.register_person(DEPT, SECRET, name=name, id_number=id_number)
    app.save_as(DEPT.unit, subject)
    history.subject_id = subject.id
    _mark(app, history, "registered")
    return subject


def record(app: LedgerApplication, subject: Subject, *, tier: str, determined: date,
           disclosure: str | None = None) -> DishonestyRecord:
    """Record a determination against `subject` and file it on the subject."""
    profile = load_profile("NT")
    rec = DishonestyRecord.record(
        DEPT, profile, subject, TODAY, behaviour_code="NT-PCI-12.1", tier=tier, basis=BASIS,
        act_date=date(2023, 1, 10), determination_date=determined, disclosure=disclosure, summary="欠薪",
    )
    subject.file(DEPT, "record", rec.id)
    app.save_as(DEPT.unit, subject, rec)
    return rec


def object_and_correct(app: LedgerApplication, history: History, subject: Subject, rec: DishonestyRecord) -> None:
    """An objection flags the record, is upheld, and the determination date is corrected (NT-PCI-32)."""
    profile = load_profile("NT")
    objection = Objection.file(DEPT, profile, rec, TODAY, grounds="wrong_or_incomplete",
                               statement="日期有误", filed_on=date(2023, 3, 10))
    rec.flag(DEPT, profile, objection.id)
    app.save_as(DEPT.unit, objection, rec)
    _mark(app, history, "flagged")
    objection.decide(DEPT, profile, TODAY, upheld=True, reasons="核实有误", decided_on=date(2023, 3, 15))
    rec.correct(DEPT, profile, subject, TODAY, objection_id=objection.id,
                changes={"determination_date": date(2023, 2, 1)})
    rec.unflag(DEPT, profile, objection.id, "upheld")
    app.save_as(DEPT.unit, objection, rec)
    _mark(app, history, "corrected")


def blacklist(app: LedgerApplication, subject: Subject, rec: DishonestyRecord) -> ListEntry:
    """Put the subject on the black list on the basis of a serious record and confirm it."""
    profile = load_profile("NT")
    entry = ListEntry.draft(DEPT, profile, subject, TODAY, list_code="black", list_field=None, records=[rec],
                            drafted_on=date(2023, 4, 1), reason="严重失信")
    rule = profile.list_rule("black")
    if rule.prior_notice:
        entry.give_prior_notice(DEPT, profile, TODAY, notice_on=date(2023, 4, 2), content="拟列入黑名单")
    if rule.publicity:
        entry.publicise(DEPT, profile, TODAY, channel="信用南通", start=date(2023, 4, 3))
    entry.confirm(DEPT, profile, TODAY, decision={"number": "通黑〔2023〕1号", "date": date(2023, 5, 1)},
                  confirmed_on=date(2023, 5, 1))
    subject.file(DEPT, "list_entry", entry.id)
    app.save_as(DEPT.unit, subject, entry)
    return entry


def record_history(app: LedgerApplication) -> History:
    """Write the whole timeline; positions of the interesting steps are kept in `History.positions`."""
    h = History()
    subject = register(app, h)
    r1 = record(app, subject, tier="general", determined=date(2023, 3, 1))
    h.r1 = r1.id
    _mark(app, h, "r1_recorded")
    object_and_correct(app, h, subject, r1)
    r2 = record(app, subject, tier="serious", determined=date(2023, 3, 20), disclosure="government_shared")
    h.r2 = r2.id
    h.entry = blacklist(app, subject, r2).id
    _mark(app, h, "blacklisted")
    r1.repair(DEPT, load_profile("NT"), repair_id=uuid4(), repaired_on=date(2023, 9, 1))
    app.save_as(DEPT.unit, r1)
    _mark(app, h, "r1_repaired")
    return h


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every view table, sorted: two snapshots are equal row for row or not at all."""
    from sqlalchemy import select

    from projections.registry import PROJECTIONS

    with engine.connect() as conn:
        return {t.name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
                for p in PROJECTIONS.values() for t in p.tables}
