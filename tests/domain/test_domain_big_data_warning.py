"""NT-JRP-3: a big-data warning is given for key attention in 3+ key fields and withdrawn (recorded, once) when
the subject's in-force key-attention entries fall below 3 fields, by exit, repair or revocation."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain_helpers import actor, basis, doc, person_id

from domain.service import CreditService

TAX = actor("nt-tax-bureau")
CREDIT = actor("nt-credit-office")
FIELDS = ("tax", "social_insurance", "environment")


def key_attention(service: CreditService, subject: Any, field: str, records: tuple[Any, ...] = ()) -> Any:
    """A confirmed key-attention entry in `field`."""
    entry = service.draft_list_entry(TAX, profile_id="NT", subject_id=subject, list_code="key_attention",
                                     list_field=field, record_ids=list(records), drafted_on=date(2024, 2, 1),
                                     reason=f"{field} 重点关注")
    service.confirm_list_entry(CREDIT, list_entry_id=entry, confirmed_on=date(2024, 2, 1))
    return entry


def warnings(service: CreditService, subject: Any) -> list[Any]:
    return [e for e in service.list_entries_of(subject) if e.list_code == "big_data_warning"]


def test_nt_jrp_3_warning_withdrawn_on_exit_once_and_given_again(service, ledger, clock) -> None:
    clock.day = date(2024, 3, 1)
    person = service.register_person(TAX, name="王五", id_number=person_id(date(1980, 3, 3), 51))
    entries = [key_attention(service, person, field) for field in FIELDS]
    [warning] = warnings(service, person)
    assert warning.status == "confirmed"

    service.exit_list_entry(TAX, list_entry_id=entries[0], reason="已整改", exited_on=date(2024, 3, 1))
    [withdrawn] = warnings(service, person)
    assert withdrawn.status == "exited" and withdrawn.closing["on"] == date(2024, 3, 1)
    assert withdrawn.closing["reason"] == "NT-JRP-3 withdrawn: key_attention in 2 key fields, fewer than 3"

    events = ledger.event_count()  # idempotent: nothing more to withdraw
    service.exit_list_entry(TAX, list_entry_id=entries[1], reason="已整改", exited_on=date(2024, 3, 1))
    assert service.list_entry(withdrawn.id).version == withdrawn.version
    assert ledger.event_count() - events == 2  # the exit and its index close; nothing for the warning
    service.sweep(CREDIT)
    assert service.list_entry(withdrawn.id).version == withdrawn.version

    key_attention(service, person, "tax")
    key_attention(service, person, "social_insurance")  # three fields again: a new warning
    assert sorted(w.status for w in warnings(service, person)) == ["confirmed", "exited"]


def test_nt_jrp_3_warning_withdrawn_when_a_repair_ends_the_basis_of_a_field(service, clock) -> None:
    clock.day = date(2025, 6, 16)
    person = service.register_person(TAX, name="赵六", id_number=person_id(date(1979, 9, 9), 52))
    # serious (3 years): a general record's validity (1 year) ended 2025-01-10, before the listing (NT-PCI-30)
    record = service.record_dishonesty(TAX, profile_id="NT", subject_id=person, behaviour_code="NT-PCI-12.3",
                                       tier="serious", basis=basis(date(2024, 1, 8)), act_date=date(2023, 12, 1),
                                       determination_date=date(2024, 1, 10))
    key_attention(service, person, "tax", (record,))
    for field in FIELDS[1:]:
        key_attention(service, person, field)
    assert [w.status for w in warnings(service, person)] == ["confirmed"]
    repair = service.apply_for_repair(TAX, record_id=record, applied_on=date(2025, 6, 2),
                                      corrected_on=date(2024, 2, 1), commitment=doc(date(2025, 6, 2), "诺1", "不再失信"))
    service.give_repair_opinion(TAX, repair_id=repair, favourable=True, given_on=date(2025, 6, 3),
                                opinion=doc(date(2025, 6, 3), "见1", "同意修复"))
    service.decide_repair(TAX, repair_id=repair, approved=True, reasons="同意", decided_on=date(2025, 6, 16))
    [warning] = warnings(service, person)
    assert warning.status == "exited" and warning.closing["reason"].startswith("NT-JRP-3 withdrawn")


def test_nt_jrp_3_warning_withdrawn_when_a_key_attention_listing_is_revoked(service, clock) -> None:
    clock.day = date(2024, 3, 1)
    person = service.register_person(TAX, name="钱七", id_number=person_id(date(1981, 4, 4), 53))
    entries = [key_attention(service, person, field) for field in FIELDS]
    service.revoke_erroneous(TAX, target_id=entries[2], reason="认定错误", revoked_on=date(2024, 3, 1),
                             apology=doc(date(2024, 3, 1), "歉1", "书面道歉"))
    [warning] = warnings(service, person)
    assert warning.status == "exited"
    assert warning.closing["reason"] == "NT-JRP-3 withdrawn: key_attention in 2 key fields, fewer than 3"
