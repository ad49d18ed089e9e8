"""The item pickers' choices: a subject's open records, list entries, objections, repairs, sanction cases and
penalty withdrawals, labelled by name, date and status (never by id); reading them is a registered read (HA-5.2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from flask_babel import gettext as _

from domain.effective import item_status
from domain.errors import NotFound, RuleViolation
from domain.sanction import applicable_measures
from web.access import register_read
from web.context import services
from web.names import behaviour_name, measure_name, unit_name
from web.picker_authorisations import authorisations
from web.principal import current_principal
from web.scope import check_subject, visible_cases

RULE = "HA-5.2"
Choice = dict[str, str]


def record_label(record: Any, today: date) -> str:
    """A record by its behaviour's name, determination date and status."""
    return (f"{behaviour_name(record.policy_id, record.behaviour_code)} · {record.determination_date}"
            f" · {_(item_status(record, today))}")


def entry_label(entry: Any, today: date) -> str:
    """A list entry by its list's name, its confirmation (or drafting) date and status."""
    on = entry.decision["confirmed_on"] if entry.decision else entry.drafted_on
    return f"{_(entry.list_code)} · {on} · {_(item_status(entry, today))}"


def _records(subject_id: UUID, today: date) -> list[Choice]:
    return [{"id": str(r.id), "label": record_label(r, today)}
            for r in services().credit.records_of(subject_id) if r.in_force]


def _entries(subject_id: UUID, today: date) -> list[Choice]:
    return [{"id": str(e.id), "label": entry_label(e, today)}
            for e in services().credit.list_entries_of(subject_id) if e.active]


def _applicable(policy_id: str, trigger: str, target: str, today: date) -> str:
    """The ids of the measures that apply to a source (HA-4.2), space-separated: the push form offers only these."""
    rules = services().credit.rules_on(policy_id, today)
    return " ".join(m.id for m in applicable_measures(rules, trigger, target))


def _sources(subject_id: UUID, today: date) -> list[Choice]:
    """Records and list entries a measure may be pushed on, each with the measures that apply to it (HA-4.2)."""
    credit = services().credit
    target = credit.subject(subject_id).kind
    records = [{"id": str(r.id), "label": record_label(r, today),
                "measures": _applicable(r.policy_id, r.tier, target, today)}
               for r in credit.records_of(subject_id) if r.in_force]
    entries = [{"id": str(e.id), "label": entry_label(e, today),
                "measures": _applicable(e.policy_id, e.list_code, target, today)}
               for e in credit.list_entries_of(subject_id) if e.active]
    return records + entries


def _objections(subject_id: UUID, today: date) -> list[Choice]:
    return [{"id": str(o.id), "label": f"{_('Objection')} · {o.filed_on} · {_(o.status)}"}
            for o in services().credit.objections_of(subject_id) if o.open]


def _repairs(subject_id: UUID, today: date) -> list[Choice]:
    return [{"id": str(r.id), "label": f"{_('Repair application')} · {r.applied_on} · {_(r.status)}"}
            for r in services().credit.repairs_of(subject_id) if r.open]


def _sanctions(subject_id: UUID, today: date) -> list[Choice]:
    cases = visible_cases(current_principal(), services().credit.sanctions_of(subject_id))  # JY-21 unit scope
    return [{"id": str(c.id), "label": f"{measure_name(c.policy_id, c.measure_id)} → {unit_name(c.department)}"
                                       f" · {c.pushed_on} · {_(c.status)}"} for c in cases if c.open]


def _withdrawals(subject_id: UUID, today: date) -> list[Choice]:
    credit, found = services().credit, []
    for record in credit.records_of(subject_id):
        withdrawal = credit.withdrawal_of(record.id)
        if withdrawal is not None and withdrawal.open:
            found.append({"id": str(withdrawal.id),
                          "label": f"{record_label(record, today)} · {_(withdrawal.outcome)} {withdrawal.changed_on}"})
    return found


KINDS: dict[str, Callable[[UUID, date], list[Choice]]] = {
    "record": _records, "list_entry": _entries, "source": _sources, "objection": _objections,
    "repair": _repairs, "sanction": _sanctions, "withdrawal": _withdrawals, "authorisation": authorisations,
}
WHAT = {"record": "records", "list_entry": "list entries", "source": "records and list entries",
        "objection": "objections", "repair": "repair applications", "sanction": "sanction cases",
        "withdrawal": "penalty withdrawals", "authorisation": "query authorisations"}


def item_choices(subject_id: UUID, kind: str) -> list[Choice]:
    """The subject's open items of `kind` to choose from; the read is registered first with the purpose the
    user stated for this subject (HA-5.2), out-of-scope subjects answer as missing."""
    if kind not in KINDS:
        raise RuleViolation(RULE, "kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
    services().credit.check_subject(subject_id)
    check_subject(subject_id)
    register_read(subject_id, f"form picker: {WHAT[kind]}")
    return KINDS[kind](subject_id, services().credit.today())


def subject_of_item(kind: str, item_id: UUID) -> UUID | None:
    """The subject an already chosen item belongs to (to reopen a prefilled picker), None if unknown."""
    credit = services().credit
    getters: dict[str, tuple[Callable[[UUID], Any], ...]] = {
        "record": (credit.record,), "list_entry": (credit.list_entry,), "source": (credit.record, credit.list_entry),
        "objection": (credit.objection,), "repair": (credit.repair,), "sanction": (credit.sanction,),
        "withdrawal": (credit.withdrawal,)}
    for getter in getters.get(kind, ()):
        try:
            return UUID(str(getter(item_id).subject_id))
        except NotFound:
            continue
    return None


def item_label(kind: str, item: Any) -> str:
    """A record or list entry (or its id) as a choice on a cross-subject list: its label and the subject's masked
    name (HA-3.2), never its id."""
    credit = services().credit
    if isinstance(item, dict):
        item = item["id"]
    if not hasattr(item, "subject_id"):
        item = credit.record(UUID(str(item))) if kind == "record" else credit.list_entry(UUID(str(item)))
    today = credit.today()
    label = record_label(item, today) if kind == "record" else entry_label(item, today)
    return f"{credit.subject(item.subject_id).masked()['name']} · {label}"


def labelled(kind: str, items: list[Any]) -> list[tuple[str, str]]:
    """Records or list entries (or their ids) as (id, label) choices for a checkbox or radio list."""
    ids = [i["id"] if isinstance(i, dict) else getattr(i, "id", i) for i in items]  # view rows, aggregates or ids
    return [(str(one), item_label(kind, item)) for one, item in zip(ids, items)]
