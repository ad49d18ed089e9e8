"""What an event said, in words a court reads: business dates, decisions, documents (standard library only)."""

from __future__ import annotations

from typing import Any, Mapping

from ledger.bundle.names import Names

# field → (label, how to show it); fields not listed (ids, bookkeeping, policy hashes) are not shown
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("名称 Name", "text"), "kind": ("类型 Kind", "subject_kind"), "birth_date": ("出生日期 Born", "date"),
    "behaviour_code": ("失信行为 Behaviour", "behaviours"), "tier": ("程度 Tier", "tiers"),
    "list_code": ("名单 List", "lists"), "measure_id": ("惩戒措施 Measure", "measures"),
    "department": ("实施部门 Department", "units"), "determining_unit": ("认定单位 Determining unit", "units"),
    "handler_unit": ("办理单位 Handling unit", "units"), "provider_unit": ("提供单位 Providing unit", "units"),
    "target": ("对象 Target", "subject_kind"), "source_kind": ("依据事项 Source", "kinds"),
    "grounds": ("异议理由 Grounds", "grounds"), "disclosure": ("公开方式 Disclosure", "disclosure"),
    "outcome": ("结果 Outcome", "statuses"),
    "act_date": ("行为日期 Act date", "date"), "determination_date": ("认定日期 Determined on", "date"),
    "drafted_on": ("拟列入日期 Drafted on", "date"), "noticed_on": ("告知日期 Noticed on", "date"),
    "publicised_on": ("公示日期 Publicised on", "date"), "confirmed_on": ("认定日期 Confirmed on", "date"),
    "pushed_on": ("推送日期 Pushed on", "date"), "acknowledged_on": ("签收日期 Acknowledged on", "date"),
    "applied_on": ("日期 Applied on", "date"), "fed_back_on": ("反馈日期 Fed back on", "date"),
    "declined_on": ("决定日期 Declined on", "date"), "lift_pushed_on": ("推送解除日期 Lift pushed on", "date"),
    "confirmed_lift_on": ("确认解除日期 Lift confirmed on", "date"), "withdrawn_on": ("撤回日期 Withdrawn on", "date"),
    "filed_on": ("提出日期 Filed on", "date"), "referred_on": ("转办日期 Referred on", "date"),
    "verified_on": ("核实日期 Verified on", "date"), "decided_on": ("决定日期 Decided on", "date"),
    "given_on": ("意见日期 Opinion given on", "date"), "reviewed_on": ("审核日期 Reviewed on", "date"),
    "corrected_on": ("整改日期 Corrected on", "date"), "repaired_on": ("修复日期 Repaired on", "date"),
    "exited_on": ("移出日期 Exited on", "date"), "expired_on": ("到期日期 Expired on", "date"),
    "revoked_on": ("撤销日期 Revoked on", "date"), "announced_on": ("公告日期 Announced on", "date"),
    "valid_until": ("有效期至 Valid until", "date"), "response_deadline": ("答复期限 Response due", "date"),
    "answer_deadline": ("答复期限 Answer due", "deadline"), "deadline": ("期限 Due", "deadline"),
    "correction_deadline": ("更正期限 Correction due", "deadline"),
    "publicity_deadline": ("公示期限 Publicity ends", "deadline"),
    "basis": ("认定依据 Basis", "document"), "decision": ("决定书 Decision", "document"),
    "commitment": ("信用承诺 Commitment", "document"), "opinion": ("意见 Opinion", "document"),
    "notice": ("告知书 Notice", "document"), "feedback": ("反馈 Feedback", "document"),
    "documents": ("证明材料 Supporting documents", "documents"),
    "upheld": ("异议成立 Upheld", "bool"), "approved": ("批准 Approved", "bool"),
    "favourable": ("同意 Favourable", "bool"), "late": ("逾期 Late", "bool"),
    "changes": ("更正内容 Changes", "changes"),
    "summary": ("摘要 Summary", "text"), "statement": ("陈述 Statement", "text"), "reasons": ("理由 Reasons", "text"),
    "reason": ("理由 Reason", "text"), "legal_basis": ("法律依据 Legal basis", "text"), "result": ("结果 Result", "text"),
    "total": ("积分 Total", "text"), "points": ("分值 Points", "text"), "grade": ("等级 Grade", "text"),
}
FIELD_NAMES = {"basis": "认定依据 basis", "summary": "摘要 summary", "act_date": "行为日期 act date",
               "behaviour_code": "失信行为 behaviour", "tier": "程度 tier"}


def _yes(value: Any) -> str:
    return "是 yes" if value else "否 no"


def document(value: Any, names: Names) -> str:
    """A document (type or title, number, issuer, date, text) on one line."""
    if not isinstance(value, Mapping):
        return str(value)
    parts = [names.of("documents", value.get("type")) if value.get("type") else "", str(value.get("title") or ""),
             *(str(value[k]) for k in ("number", "issuer", "date") if value.get(k)),
             f"“{value['text']}”" if value.get("text") else ""]
    return "，".join(p for p in parts if p) or "—"


def _deadline(value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value)
    days = value.get("days")
    kind = {"working": "个工作日 working days", "calendar": "日 days"}.get(str(value.get("kind")), "")
    span = f"（{days} {kind}）" if days is not None and kind else ""
    return f"{value.get('due')}{span}"


def show(field: str, value: Any, names: Names) -> str | None:
    """One field's value in words, or None when it says nothing (empty, or not a shown field)."""
    if field not in FIELDS or value is None or value == "" or value == [] or value == {}:
        return None
    how = FIELDS[field][1]
    if how == "bool":
        return _yes(value)
    if how == "document":
        return document(value, names)
    if how == "documents" and isinstance(value, list):  # NT-PCI-31: the documents an objection rests on
        return "；".join(document(one, names) for one in value)
    if how == "deadline":
        return _deadline(value)
    if how == "changes" and isinstance(value, Mapping):
        return "；".join(f"{FIELD_NAMES.get(k, k)}: {_changed(v, names)}" for k, v in value.items())
    if how == "subject_kind":  # `kind` is the subject's kind when registered, the item's kind when filed
        return named if (named := names.of("subject_kinds", value)) != value else names.of("kinds", value)
    if how in ("date", "text", "changes"):
        return str(value)
    return names.of(how, value)


def _changed(change: Any, names: Names) -> str:
    if isinstance(change, Mapping) and "old" in change:
        return f"{_plain(change.get('old'), names)} → {_plain(change.get('new'), names)}"
    return _plain(change, names)


def _plain(value: Any, names: Names) -> str:
    if isinstance(value, Mapping):
        return document(value, names)
    return "—" if value is None else str(value)


def content(fields: Mapping[str, Any], names: Names) -> list[tuple[str, str]]:
    """(label, value) of every field the event states, in the table's order."""
    shown = [(FIELDS[f][0], show(f, fields.get(f), names)) for f in FIELDS if f in fields]
    return [(label, text) for label, text in shown if text is not None]


def item_label(kind: str, fields: Mapping[str, Any], names: Names) -> str:
    """What a filed item is about, from its first event (behaviour and tier, list, measure and department...)."""
    if kind == "record":
        return f"{names.of('behaviours', fields.get('behaviour_code'))}（{names.of('tiers', fields.get('tier'))}）"
    if kind == "list_entry":
        return names.of("lists", fields.get("list_code"))
    if kind == "sanction":
        code = str(fields.get("measure_id"))
        measure = names.table.get("measures", {}).get(code) or fields.get("measure_name") or code
        return f"{measure} → {names.of('units', fields.get('department'))}"
    if kind == "objection":
        return f"对失信记录的异议 Objection to a record：{names.of('grounds', fields.get('grounds'))}"
    if kind == "repair":
        return f"失信记录的修复申请 Repair of a record（{fields.get('applied_on') or '—'}）"
    if kind == "points":
        return f"积分账户 Points account {fields.get('profile_id') or ''}".strip()
    return names.of("kinds", kind)
