"""The API of NAT-APL-48: a changed or revoked penalty is registered, then withdrawn within 3 days."""

from __future__ import annotations

from domain.withdrawal import OUTCOMES
from web.api.commands import RECORDERS, _cmd, _d, _id
from web.api.spec import ENUM, OBJECT, Endpoint, Field, doc_fields

WITHDRAWALS: tuple[Endpoint, ...] = (
    _cmd("register_penalty_change", "/penalty-changes",
         "Register that the penalty behind a record was changed, revoked or confirmed unlawful or void: it is "
         "withdrawn within 3 days, shown overdue after (NAT-APL-48)", RECORDERS, "records",
         (_id("record_id", "NAT-APL-48"), Field("outcome", ENUM, "NAT-APL-48", choices=OUTCOMES),
          Field("decision", OBJECT, "NAT-APL-48", description="the changing decision or judgment",
                parts=doc_fields("NAT-APL-48")),
          _d("changed_on", "NAT-APL-48"))),
    _cmd("withdraw_penalty", "/penalty-changes/{withdrawal_id}/withdrawal",
         "Withdraw the record of a changed or revoked penalty from publication and use (revoked, archived) "
         "(NAT-APL-48)", RECORDERS, "records", (_d("withdrawn_on", "NAT-APL-48"),)),
)
