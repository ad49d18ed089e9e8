"""Records and list entries labelled from their view rows as `picker_items.item_label` labels them (masked name ·
what · day · status; never an id, HA-3.2), in one query per page instead of two ledger reads per item (issue 16)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from domain.effective import Period, effective_status
from domain.record import IN_FORCE
from projections.db import list_entries, subjects
from projections.status import IN_FORCE_STATUSES
from web.context import services
from web.names import behaviour_name
from web.worklists import current_views


def masked_names(subject_ids: Iterable[Any]) -> dict[str, str]:
    """The masked name of each subject (HA-3.2), by subject id."""
    wanted = sorted({str(i) for i in subject_ids})
    if not wanted:
        return {}
    query = select(subjects.c.subject_id, subjects.c.masked_name).where(subjects.c.subject_id.in_(wanted))
    with current_views() as conn:
        return {r.subject_id: r.masked_name for r in conn.execute(query)}


def record_labels(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Each record of `rows` (view rows with their profile's `policy_id`) by behaviour name, determination date and
    status on the business day (`expired` once past its last day, NT-PCI-30), by record id."""
    today = services().credit.today()
    names = masked_names(r["subject_id"] for r in rows)
    labels = {}
    for r in rows:
        stored = IN_FORCE if r["status"] in IN_FORCE_STATUSES else r["status"]  # the domain's status word
        status = effective_status(stored, stored == IN_FORCE, Period(r["valid_from"], r["valid_until"], r["ended_on"]),
                                  today)
        labels[str(r["record_id"])] = (f"{names.get(str(r['subject_id']), '—')} · "
                                       f"{behaviour_name(r['policy_id'], r['behaviour_code'])} · "
                                       f"{r['determination_date']} · {_(status)}")
    return labels


def entry_labels(entry_ids: Iterable[Any]) -> dict[str, str]:
    """Each list entry as `picker_items.item_label` shows it (masked name · list · day · status), read from the
    views in one query: never its id (HA-3.2)."""
    wanted = sorted({str(i) for i in entry_ids})
    if not wanted:
        return {}
    today = services().credit.today()
    c = list_entries.c
    query = (select(c.list_entry_id, c.list_code, c.status, c.in_force, c.drafted_on, c.valid_from, c.valid_until,
                    c.ended_on, subjects.c.masked_name).join(subjects, subjects.c.subject_id == c.subject_id)
             .where(c.list_entry_id.in_(wanted)))
    labels = {}
    with current_views() as conn:
        for r in conn.execute(query).mappings():
            status = effective_status(r["status"], r["in_force"], Period(r["valid_from"], r["valid_until"],
                                                                         r["ended_on"]), today)
            on = r["valid_from"] or r["drafted_on"]
            labels[r["list_entry_id"]] = f"{r['masked_name']} · {_(r['list_code'])} · {on} · {_(status)}"
    return labels
