"""Bilingual names for the codes a court report shows (standard library only).

Behaviours, measures, units, lists, tiers and disclosure classes are named by the policy profiles the
bundle carries (signed `PublishedProfile` events, checked against their content hashes); the codes of
the event model itself (event types, statuses, document types, objection grounds) are named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

KINDS = {"record": "失信记录 Dishonesty record", "list_entry": "名单 List entry", "objection": "异议 Objection",
         "repair": "信用修复 Credit repair", "sanction": "联合惩戒 Joint sanction", "points": "积分 Points"}
SUBJECT_KINDS = {"person": "自然人 Natural person", "organisation": "组织 Organisation",
                 "legal_person": "法人 Legal person", "unincorporated": "非法人组织 Unincorporated organisation"}
STATUSES = {
    "active": "有效 active", "objection_pending": "异议处理中 objection pending", "corrected": "已更正 corrected",
    "repaired": "已修复 repaired", "expired": "已到期 expired", "revoked": "已撤销 revoked", "drafted": "拟列入 drafted",
    "noticed": "已告知 noticed", "publicised": "公示中 publicised", "confirmed": "已认定 confirmed",
    "exited": "已移出 exited", "filed": "已提出 filed", "referred": "已转办 referred", "upheld": "异议成立 upheld",
    "rejected": "异议不成立 rejected", "applied": "已申请/已实施 applied", "opinion_against": "意见不同意 opinion against",
    "approved": "已批准 approved", "refused": "不予修复 refused", "pushed": "已推送 pushed",
    "acknowledged": "已签收 acknowledged", "fed_back": "已反馈 fed back", "lift_pushed": "已推送解除 lift pushed",
    "lifted": "已解除 lifted", "declined": "决定不实施 declined", "withdrawn": "已撤回推送 withdrawn",
    "ungraded": "未评级 ungraded", "escalated": "已升级 escalated", "rotated": "已轮换 rotated", "submitted": "已报送 submitted",
}
DOCUMENTS = {"administrative_penalty": "行政处罚决定书 administrative penalty decision",
             "court_judgment": "生效判决 court judgment", "arbitral_award": "仲裁裁决 arbitral award",
             "administrative_ruling": "行政裁决 administrative ruling",
             "other_statutory": "其他法定文书 other statutory document"}
GROUNDS = {"wrong_or_incomplete": "信息错误、遗漏 wrong or incomplete",
           "forbidden_information": "禁止采集的信息 forbidden information",
           "beyond_validity": "超过有效期使用 used beyond its validity"}
UNITS = {"ledger-admin": "账本管理员 Ledger administrator", "ledger": "根密钥 Root key"}
EVENTS = {
    "Subject.Registered": "登记主体 Subject registered", "Subject.ItemFiled": "归入档案 Item filed to the subject",
    "Subject.ResponsiblePersonLinked": "关联责任人 Responsible person linked",
    "DishonestyRecord.Recorded": "记录失信信息 Dishonesty recorded", "DishonestyRecord.Corrected": "更正记录 Record corrected",
    "DishonestyRecord.Escalated": "升级 Record escalated", "DishonestyRecord.Expired": "到期 Record expired",
    "DishonestyRecord.Flagged": "标注异议 Record flagged (objection)",
    "DishonestyRecord.Unflagged": "撤销异议标注 Objection flag removed",
    "DishonestyRecord.InterviewRegistered": "登记约谈 Interview registered",
    "DishonestyRecord.InterviewTermsNotCarriedOut": "未履行约谈事项 Interview terms not carried out",
    "DishonestyRecord.ReminderRegistered": "登记提醒 Reminder registered",
    "DishonestyRecord.Repaired": "信用修复 Record repaired",
    "DishonestyRecord.Revoked": "撤销记录 Record revoked", "DishonestyRecord.Submitted": "报送 Record submitted",
    "ListEntry.Drafted": "拟列入名单 List entry drafted", "ListEntry.PriorNoticeGiven": "事先告知 Prior notice given",
    "ListEntry.Publicised": "公示 Publicised", "ListEntry.Confirmed": "认定列入 Entry confirmed",
    "ListEntry.ExitAnnounced": "公告移出 Exit announced", "ListEntry.Exited": "移出名单 Exited the list",
    "ListEntry.Expired": "名单到期 Entry expired", "ListEntry.Flagged": "标注异议 Entry flagged (objection)",
    "ListEntry.Unflagged": "撤销异议标注 Objection flag removed", "ListEntry.PushedUpward": "向上推送 Pushed upward",
    "ListEntry.Revoked": "撤销名单 Entry revoked",
    "Objection.Filed": "提出异议 Objection filed", "Objection.Referred": "转办核实 Referred for verification",
    "Objection.ProviderVerified": "提供单位核实 Verified by the provider", "Objection.Decided": "异议决定 Objection decided",
    "Objection.CorrectionApplied": "实施更正 Correction applied", "Objection.Appealed": "申诉 Appealed",
    "RepairApplication.Applied": "申请修复 Repair applied for", "RepairApplication.Reviewed": "审核 Reviewed",
    "RepairApplication.OpinionGiven": "出具意见 Opinion given", "RepairApplication.Decided": "修复决定 Repair decided",
    "RepairApplication.PublicityObjectionFiled": "公示期异议 Objection during publicity",
    "RepairApplication.PublicityObjectionVerified": "公示期异议核实 Publicity objection verified",
    "SanctionCase.Pushed": "推送惩戒措施 Measure pushed", "SanctionCase.Acknowledged": "签收 Acknowledged",
    "SanctionCase.Applied": "实施惩戒 Measure applied", "SanctionCase.Declined": "决定不实施 Declined",
    "SanctionCase.FedBack": "反馈 Fed back", "SanctionCase.LiftPushed": "推送解除 Lift pushed",
    "SanctionCase.LiftConfirmed": "确认解除 Lift confirmed", "SanctionCase.Withdrawn": "撤回推送 Withdrawn",
    "PointsAccount.Opened": "开立积分账户 Points account opened", "PointsAccount.PointsAdded": "记分 Points added",
    "PointsAccount.Graded": "评级 Graded", "AccessRecord.Recorded": "登记查询 Read registered",
}


def _bilingual(entry: Any) -> str | None:
    if isinstance(entry, Mapping) and (entry.get("name_zh") or entry.get("name_en")):
        return f"{entry.get('name_zh') or ''} {entry.get('name_en') or ''}".strip()
    return None


@dataclass
class Names:
    """Names of a bundle's codes: from its policy profiles, then from the fixed tables above; else the code."""

    table: dict[str, dict[str, str]] = field(default_factory=dict)

    def of(self, group: str, code: Any) -> str:
        """The bilingual name of `code` in `group` (units, behaviours, measures, lists, tiers, disclosure...)."""
        text = "" if code is None else str(code)
        fixed = {"kinds": KINDS, "subject_kinds": SUBJECT_KINDS, "statuses": STATUSES, "documents": DOCUMENTS,
                 "grounds": GROUNDS, "events": EVENTS, "units": UNITS}.get(group, {})
        return self.table.get(group, {}).get(text) or fixed.get(text) or text

    def event(self, topic: str) -> str:
        """The name of an event from its topic (`domain.record:DishonestyRecord.Recorded`)."""
        short = topic.rsplit(":", 1)[-1]
        return EVENTS.get(short, short)


GROUPS = ("units", "behaviours", "measures", "lists", "tiers", "disclosure", "information")


def from_profiles(contents: Iterable[Mapping[str, Any]]) -> Names:
    """Names from profile contents (the `content` of each carried PublishedProfile event); earlier ones win."""
    names = Names()
    for content in contents:
        for group in GROUPS:
            entries = content.get(group) if isinstance(content, Mapping) else None
            if not isinstance(entries, Mapping):
                continue
            for code, entry in entries.items():
                name = _bilingual(entry)
                if name:
                    names.table.setdefault(group, {}).setdefault(str(code), name)
    return names
